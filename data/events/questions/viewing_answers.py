"""What the questions of how people watch answer: binges, the season funnel, stickiness, what
finishers watched next."""

from __future__ import annotations

from data.events.questions.json_types import COUNT, DATE, RATE

BINGE_NUMBERS = {
    "viewers": {**COUNT, "description": "Distinct known users with a matching event of it."},
    "binge_viewers": {**COUNT, "description": "Viewers with at least one binge day."},
    "share": {**RATE, "description": "binge_viewers / viewers, 4 decimals."},
    "median_episodes": {
        "type": ["number", "null"],
        "minimum": 3,
        "description": "Median distinct episodes over its binge (user, day) instances.",
    },
}
BINGE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["series", *BINGE_NUMBERS],
        "properties": {"series": {"type": "string"}, **BINGE_NUMBERS},
    },
}
_REACHED = {
    f"reached_{n}": {
        **RATE,
        "description": f"Share of starters with a view of it within {n} days of episode 1.",
    }
    for n in (7, 28, 90)
}
FUNNEL = {
    "type": "array",
    "description": (
        "With series: per season whose episode 1 has a starter, in season order, the share "
        "of its starters (known users with a matching view of episode 1) who viewed each "
        "numbered episode on one of the N days starting with their first view of episode 1 "
        "(day_k - day_1 < N)."
    ),
    "items": {
        "type": "object",
        "required": ["season", "starters", "episodes"],
        "properties": {
            "season": {"type": "integer"},
            "starters": COUNT,
            "episodes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["episode", *_REACHED],
                    "properties": {"episode": {"type": "integer"}, **_REACHED},
                },
            },
        },
    },
}
STICKINESS = {
    "type": "object",
    "required": ["days", "active_days"],
    "properties": {
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "dau", "mau", "ratio"],
                "properties": {
                    "date": DATE,
                    "dau": {**COUNT, "description": "Distinct users with an event that day."},
                    "mau": {**COUNT, "description": "Distinct users of the 30 days ending it."},
                    "ratio": {**RATE, "description": "dau / mau, null when mau is 0."},
                },
            },
        },
        "active_days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["month", "days", "users"],
                "properties": {
                    "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                    "days": {"type": "integer", "minimum": 1, "maximum": 31},
                    "users": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}

NEXT = {
    "type": "object",
    "description": (
        "Among the finishers (known users with a matching view of it with viewpercentage >= "
        "90; each counted once, from their first such view in the range), the titles they "
        "watched next: their earliest matching event at or after that view's time and at most "
        "24 hours (86,400 s) after it with another title at the page's level (for a show: "
        "another show or a title outside any show, its own episodes skipped over; else "
        "another title); the top 10 by viewers, ties by name. Times are event_date read as "
        "UTC; every event considered matches the filters and range."
    ),
    "required": ["finishers", "titles", "nothing_within_24h"],
    "properties": {
        "finishers": COUNT,
        "titles": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["title", "viewers", "share"],
                "properties": {
                    "title": {"type": "string"},
                    "viewers": COUNT,
                    "share": {**RATE, "description": "viewers / finishers, 4 decimals."},
                },
            },
        },
        "nothing_within_24h": {
            **RATE,
            "description": "Share of finishers with no such event; null without finishers.",
        },
    },
}
