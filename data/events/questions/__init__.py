"""One answer per question: the table every front end (/data, MCP, OpenAPI, the page) reads.

A caller looks a question up by name (`question("toplist")`) and runs it with
`ask(analytics, arguments)`; the /data routes group the table by path (`routes()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from data.events.catalog import METRIC_NAMES
from data.events.questions.parameters import Param, Part
from data.events.questions.table import QUESTIONS, Question

if TYPE_CHECKING:
    from data.events.analysis.analytics import EventsAnalytics

__all__ = [
    "METRIC_PATH",
    "QUESTIONS",
    "Param",
    "Part",
    "Question",
    "answer",
    "data_paths",
    "expand",
    "question",
    "routes",
]

_BY_NAME = {q.name: q for q in QUESTIONS}
METRIC_PATH = "{metric}"  # the path segment that stands for every catalog metric


def question(name: str) -> Question:
    """The question of that name (KeyError for an unknown one)."""
    return _BY_NAME[name]


def routes() -> dict[str, tuple[Question, ...]]:
    """Each /data path template with the questions it answers, in the table's order."""
    grouped: dict[str, tuple[Question, ...]] = {}
    for q in QUESTIONS:
        grouped[q.path] = (*grouped.get(q.path, ()), q)
    return grouped


def expand(path: str) -> list[tuple[str, dict[str, str]]]:
    """A path template's concrete paths, each with the values of its segments."""
    if METRIC_PATH in path:
        return [(path.replace(METRIC_PATH, m), {"metric": m}) for m in METRIC_NAMES]
    return [(path, {})]


def data_paths() -> list[str]:
    """Every concrete /data path of the table (one per metric for {metric}), in order."""
    return [concrete for path in routes() for concrete, _ in expand(path)]


def answer(questions: tuple[Question, ...], analytics: EventsAnalytics, args: Mapping) -> Any:
    """Answer a path shared by questions: each later one answers when the parameters it needs
    are given (/data/<metric>/?breakdown= is the breakdown), else the first does. Every
    question's parameters are checked, as the path documents them all."""
    if len(questions) == 1:
        return questions[0].ask(analytics, args)
    parsed: dict[str, Any] = {}
    seen: set[int] = set()
    for part in (part for q in questions for part in q.parts):
        if id(part) not in seen:  # a part two questions share is read once
            seen.add(id(part))
            parsed.update(part.parse(args, required=False))
    chosen = questions[0]
    for q in questions[1:]:
        needed = [k for part in q.parts if part.required for k in part.keys]
        if all(parsed[k] is not None for k in needed):
            chosen = q
    return chosen.compute(analytics, **{k: parsed[k] for part in chosen.parts for k in part.keys})
