"""Markup in data for the literal-text tests: hostile values, their events as a CSV, and how
plotly.js 4 reads the text of a figure (its templates, tags and entities), ported to Python."""

from __future__ import annotations

import csv
import datetime as dt
import re

LINK = '<a href="https://evil.example/phish">CLICK HERE to renew</a>'
BIG = '<span style="font-size:80px;color:red">BIG</span>'
HOSTILE = [LINK, BIG, "<b>bold</b>", "%{y}", "&amp;"]
# A show and its two episodes ("Show, Episode" titles): the title view's episodes table.
SHOW = '<a href="https://evil.example/show">Season pass</a>'
EPISODES = [f"{SHOW}, <b>Pilot</b>", f"{SHOW}, %{{x}}"]
FIRST_DAY = dt.datetime(2025, 3, 3, 12)  # a Monday; the events cover three whole weeks


def write_hostile_events(path) -> None:
    """Three weeks of views of five movies, on five devices in five markets, all named with
    the hostile values, and of the show's two episodes (a headerless CSV for import-events);
    each value is watched every day."""
    rows = []
    for day in range(21):
        for n, title in enumerate(EPISODES * 2):
            when = FIRST_DAY + dt.timedelta(days=day, hours=2, minutes=n)
            user = f"{(n + day) % 30:032x}"
            episode = EPISODES.index(title) + 1
            rows.append(
                [f"{when:%Y-%m-%d %H:%M:%S}", user, str(200 + episode), HOSTILE[n], HOSTILE[n],
                 20, 30, 66.7, "", "SERIES", title, 1, episode]
            )  # fmt: skip
        for n in range(40):
            when = FIRST_DAY + dt.timedelta(days=day, minutes=n)
            device, market, title = HOSTILE[n % 5], HOSTILE[(n // 5) % 5], HOSTILE[(n + day) % 5]
            user = f"{(n * 7 + day) % 30:032x}"
            content = str(100 + (n + day) % 5)
            minutes = 50 + n
            rows.append(
                [f"{when:%Y-%m-%d %H:%M:%S}", user, content, device, market, minutes, 100,
                 float(minutes), "", "MOVIE", title, "", ""]
            )  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)


def import_hostile_events(app, folder) -> None:
    """Replace the app's events with the hostile ones, through the real import-events."""
    events = folder / "hostile.csv"
    write_hostile_events(events)
    result = app.server.test_cli_runner().invoke(args=["import-events", str(events), "--replace"])
    assert result.exit_code == 0, result.output


# plotly.js 4.1 (assets/vendor/plotly-basic.min.js): Lib.TEMPLATE_STRING_REGEX, and
# svg_text_utils' tag split, tag match, the tags it draws, and its entities.
_TEMPLATE = re.compile(r"%{([^\s%{}:]*)([:|][^}]*)?}")
_SPLIT = re.compile(r"(<[^<>]*>)")
_ONE_TAG = re.compile(r"<(/?)([^ >]*)(\s+(.*))?>", re.IGNORECASE)
_DRAWN_TAGS = {"sup", "sub", "s", "u", "b", "i", "a", "span", "em", "br"}
_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
_NAMED = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×",
          "plusmn": "±", "deg": "°"}  # fmt: skip


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1:2] == "x" else int(name[1:])
        return chr(code) if code <= 0x10FFFF else match.group(0)
    return _NAMED.get(name, match.group(0))


def fill(template: str, value) -> str:
    """Plotly's templateString: each %{key} replaced by value(key) ("" when None), in one pass
    (a filled-in value is not read again)."""
    return _TEMPLATE.sub(lambda m: "" if (v := value(m.group(1))) is None else str(v), template)


def plotly_draws(text: str) -> tuple[str, list[str]]:
    """(the characters Plotly shows, the tags it acts on, e.g. ["a", "/a"]) for a text it draws."""
    shown, tags = [], []
    for part in _SPLIT.split(re.sub(r"\r\n?|\n", " ", text)):
        tag = _ONE_TAG.fullmatch(part)
        name = tag and tag.group(2).lower()
        if name in _DRAWN_TAGS:
            tags.append(tag.group(1) + name)
        else:
            shown.append(_ENTITY.sub(_entity, part))
    return "".join(shown), tags


def _point_value(trace: dict, index: int):
    """value(key) for Plotly's hover template of one point of a trace."""

    def value(key: str):
        if key == "fullData.name":
            return trace.get("name")
        custom = re.fullmatch(r"customdata(?:\[(\d+)\])?", key)
        if custom:
            row = trace["customdata"][index]
            return row[int(custom.group(1))] if custom.group(1) else row
        field = trace.get(key)
        return field[index] if isinstance(field, list) else field

    return value


def drawn_texts(figure: dict) -> list[tuple[str, str, list[str]]]:
    """(where, text as Plotly gets it, the tags the figure's own template brings) for every text
    Plotly draws from this figure: legend names, category values, tick labels, annotations, and
    each point's hover with its template filled in."""
    found = []
    layout = figure.get("layout", {})
    for number, trace in enumerate(figure.get("data", [])):
        if "name" in trace:
            found.append((f"trace {number} name", trace["name"], []))
        draws_text = "textposition" in trace or "text" in trace.get("mode", "")
        for key in ("x", "y", "text") if draws_text else ("x", "y"):
            values = trace.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and not re.fullmatch(r"[\d-]{10}", value):  # a date
                    found.append((f"trace {number} {key}", value, []))
        template = trace.get("hovertemplate")
        if template:
            points = len(trace.get("x") or trace.get("y") or [])
            for index in range(points):
                value = _point_value(trace, index)
                hover = fill(template, value)
                # The figure's own markup: its template's, and its note per point (%{text},
                # "<i>(partial period)</i>"); nothing from data.
                own = fill(template, lambda key, v=value: v(key) if key == "text" else None)
                found.append((f"trace {number} hover {index}", hover, plotly_draws(own)[1]))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            found += [(f"{key} tick", text, []) for text in axis.get("ticktext") or []]
    found += [("annotation", note["text"], []) for note in layout.get("annotations") or []]
    return found


def markup_drawn(figure: dict) -> list[str]:
    """Each text of the figure in which Plotly would act on markup the figure did not bring
    itself (data drawn as a link, a style, bold), or fill a template that data brought."""
    problems = []
    for where, text, own in drawn_texts(figure):
        shown, tags = plotly_draws(text)
        if tags != own:
            problems.append(f"{where}: {text!r} draws {tags}")
        if _TEMPLATE.search(text):
            problems.append(f"{where}: {text!r} holds a template")
    return problems


def shown_texts(figure: dict) -> list[str]:
    """The characters Plotly shows of each text of the figure."""
    return [plotly_draws(text)[0] for _where, text, _own in drawn_texts(figure)]
