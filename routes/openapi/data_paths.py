"""The OpenAPI description of the /data routes, generated from the table of questions."""

from __future__ import annotations

from data.events.catalog import METRIC_BY_NAME
from data.events.questions import Param, Question, expand, routes
from routes.openapi.schemas import error, json_answer

RATE_LIMITED = error(
    "Too many requests from this client (an IPv4 address or an IPv6 /64); see Retry-After."
)


def parameter(param: Param) -> dict:
    """A query parameter as OpenAPI describes it (a filter repeats: ?device=a&device=b)."""
    entry = {
        "name": param.name,
        "in": "query",
        "description": param.meaning[:1].upper() + param.meaning[1:],
        "schema": param.schema,
    }
    return {**entry, "style": "form", "explode": True} if param.repeated else entry


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def _operation(questions: tuple[Question, ...], metric=None) -> dict:
    """GET of a path answered by these questions (the first unless a later one's required
    parameters are given), for one metric on a {metric} path."""
    first = questions[0]
    params: dict[str, Param] = {}
    for question in questions:
        params.update(
            {p.name: p for p in question.params if not p.in_path and p.name not in params}
        )
    answers = [first.answer]
    for question in questions[1:]:
        needed = [p.name for part in question.parts if part.required for p in part.params]
        answers.append(f"With {_listed(needed)}: {question.answer}")
    operation = {
        "operationId": metric.name if metric else first.name,
        "summary": f"{metric.label} per period ({metric.unit})." if metric else first.summary,
        "tags": ["data"],
        "parameters": [parameter(p) for p in params.values()],
        "responses": {
            "200": json_answer(
                first.answer_schema(metric) if metric else first.answer_schema(), " ".join(answers)
            ),
            "400": error(f"A bad {_listed(list(params))} (the message says what is allowed)."),
            **{status: error(text) for q in questions for status, text in q.refusals.items()},
            "429": RATE_LIMITED,
        },
    }
    details = " ".join(q.details for q in questions if q.details)
    return {**operation, "description": details} if details else operation


DATA_PATHS: dict = {
    concrete: {"get": _operation(questions, METRIC_BY_NAME.get(values.get("metric", "")))}
    for path, questions in routes().items()
    for concrete, values in expand(path)
}
