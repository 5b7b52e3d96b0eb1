"""The MCP tools at /_mcp: one per question of the table (data/events/questions), for AI agents,
read-only, parsed as /data parses them and computed by the same engine."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Literal

from dash.mcp import mcp_enabled

from data.events.analysis.title_insights import TitleNotFound
from data.events.params import InvalidParameter, shown
from data.events.questions import QUESTIONS, Param, Question
from data.events.stores.sqlite_store import EventStoreUnreadable
from web import services

log = logging.getLogger(__name__)

_TYPES = {"integer": int, "string": str}


class ToolFailed(Exception):
    """An unexpected failure inside a tool; the agent sees only this short message."""


def _annotation(schema: dict) -> Any:
    """The Python type of a JSON schema, from which Dash writes the tool's input schema back."""
    if schema.get("type") == "array":
        return list[_annotation(schema["items"])]
    if "enum" in schema:
        return Literal[tuple(schema["enum"])]
    return _TYPES[schema["type"]]


def _required(question: Question) -> set[str]:
    """What the tool cannot go without: a path's segment (the metric) and the parts the
    question requires (the breakdown's dimension)."""
    needed = {p.name for p in question.params if p.in_path}
    return needed | {p.name for part in question.parts if part.required for p in part.params}


def _parameter(param: Param, required: bool) -> inspect.Parameter:
    annotation = _annotation(param.schema)
    if required:
        return inspect.Parameter(param.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
    return inspect.Parameter(
        param.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation | None
    )


def _doc(question: Question, required: set[str]) -> str:
    """The tool's description: Dash shows its docstring and nothing per optional parameter
    ("Input is optional."), so it describes every parameter it takes."""
    path = question.path.replace("{metric}", "<metric>")
    # A question that shares its path is told apart there by the parameters it requires.
    query = "&".join(f"{n}=" for n in sorted(required) if f"{{{n}}}" not in question.path)
    lines = [f"{question.summary} As GET {path}{'?' * bool(query)}{query} answers.", ""]
    if question.details:
        lines += [question.details, ""]
    lines.append("Parameters:")
    for param in question.params:
        mark = " (required)" if param.name in required else ""
        lines.append(f"- {param.name}{mark}: {param.meaning}")
    return "\n".join([*lines, "", f"Returns: {question.answer}"])


def _tool(question: Question):
    """Register the question as the MCP tool of its name, taking its parameters (keywords)."""
    name, required = question.name, _required(question)
    allowed = [p.name for p in question.params]

    def tool(**arguments):
        # Dash passes the agent's arguments as they came, unchecked against the schema.
        unknown = sorted(set(arguments) - set(allowed))
        if unknown:
            raise InvalidParameter(
                f"unknown argument {shown(unknown[0])}: {name} takes {', '.join(allowed)}"
            )
        try:
            return question.ask(services.analytics(), arguments)
        except (InvalidParameter, EventStoreUnreadable, TitleNotFound):
            raise  # their messages say what is wrong and are safe to show, as in /data
        except Exception:
            # Dash would answer the exception's text and log nothing: log it, show little.
            log.exception("MCP tool %s failed", name)
            raise ToolFailed("internal server error; the problem has been logged") from None

    params = [_parameter(p, p.name in required) for p in question.params]
    returns = (
        list[dict[str, Any]] if question.answer_schema()["type"] == "array" else dict[str, Any]
    )
    tool.__name__ = tool.__qualname__ = name
    tool.__doc__ = _doc(question, required)
    tool.__signature__ = inspect.Signature(params, return_annotation=returns)
    tool.__annotations__ = {**{p.name: p.annotation for p in params}, "return": returns}
    return mcp_enabled(tool, name=name, expose_docstring=True)


TOOLS = {question.name: _tool(question) for question in QUESTIONS}
TOOL_NAMES = tuple(TOOLS)
