"""Annotations: what one is (a day or a range, a text, the filters it concerns), how input is
checked, and who may see and change one (by an account's name, role and scope)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from data.events.catalog import DIMENSION_NAMES
from data.events.params import InvalidParameter, parse_date, parse_filters, shown

MAX_TEXT_CHARS = 500
FIELDS = ("start", "end", "text", "filters")
ADMIN = "admin"

# A dimension's name -> the values the annotation concerns (any of them); {}: the whole data.
AnnotationFilters = dict[str, tuple[str, ...]]


class AnnotationNotFound(LookupError):
    """No annotation of that id (or none the asker may see); the message is safe to show."""


class AnnotationRefused(PermissionError):
    """The asker may not write that annotation; the message says why."""


@dataclass(frozen=True)
class Annotation:
    """One stored annotation; days as 'YYYY-MM-DD', times as 'YYYY-MM-DD HH:MM:SS UTC'."""

    id: int
    start: str
    end: str
    text: str
    filters: AnnotationFilters = field(default_factory=dict)
    author: str = ""
    created: str = ""
    updated: str = ""

    def as_json(self) -> dict:
        """The /data/annotations/ shape of it."""
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "filters": {name: list(values) for name, values in self.filters.items()},
            "author": self.author,
            "created": self.created,
            "updated": self.updated,
            "automatic": False,
        }


def timestamp(now: dt.datetime) -> str:
    """How created and updated are kept and shown: UTC to the second."""
    if now.tzinfo is not None:
        now = now.astimezone(dt.UTC)
    return now.strftime("%Y-%m-%d %H:%M:%S UTC")


def check_text(value: object) -> str:
    """1..MAX_TEXT_CHARS characters of text, kept exactly as given (it may look like HTML)."""
    if not isinstance(value, str):
        raise InvalidParameter(f"text must be text, got {shown(value)}")
    if not value.strip():
        raise InvalidParameter("text must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidParameter(
            f"text may have at most {MAX_TEXT_CHARS} characters, got {len(value)}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON can carry it, a database cannot
        raise InvalidParameter("text must be valid Unicode text") from None
    return value


def check_filters(value: object) -> AnnotationFilters:
    """{dimension: [values]} of catalog dimensions, checked as the /data filters are; a
    single value may be given as text. {} or null: the annotation concerns all the data."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameter(
            f"filters must be an object of dimension -> values, got {shown(value)}"
        )
    unknown = [name for name in value if name not in DIMENSION_NAMES]
    if unknown:
        raise InvalidParameter(
            f"filters may name only the dimensions {', '.join(DIMENSION_NAMES)}, "
            f"got {shown(unknown[0])}"
        )
    given = {}
    for name, values in value.items():
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list | tuple) or not values:
            raise InvalidParameter(f"filters' {name} must be a value or a non-empty list of them")
        given[name] = list(values)
    parsed = parse_filters(given)
    return {name: tuple(sorted(values)) for name, values in parsed.where}


def check_input(body: object, before: Annotation | None = None) -> dict:
    """{start, end, text, filters} from a JSON body: a new annotation's (start and text needed;
    end defaults to start; `day` stands for both), or an edit of `before` (what is left out
    stays as it was). InvalidParameter with a clear message for anything else."""
    if not isinstance(body, Mapping):
        raise InvalidParameter("the body must be a JSON object")
    body = dict(body)
    if "day" in body:
        if "start" in body or "end" in body:
            raise InvalidParameter("give either day, or start (and end), not both")
        body["start"] = body["end"] = body.pop("day")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise InvalidParameter(
            f"unknown field {shown(unknown[0])}: an annotation has day or start and end, "
            "text and filters"
        )
    if before is None:
        for name in ("start", "text"):
            if name not in body:
                raise InvalidParameter(f"{name} is required")
        body.setdefault("end", body["start"])
        body.setdefault("filters", None)
    old = before.as_json() if before is not None else {}
    start = parse_date(body.get("start", old.get("start")), "start")
    end = parse_date(body.get("end", old.get("end")), "end")
    if end < start:
        raise InvalidParameter(f"end ({end}) must not be before start ({start})")
    text = check_text(body["text"]) if "text" in body else before.text
    filters = check_filters(body["filters"]) if "filters" in body else before.filters
    return {"start": start.isoformat(), "end": end.isoformat(), "text": text, "filters": filters}


def within_scope(filters: AnnotationFilters, scope: Mapping | None) -> bool:
    """True when the filters lie inside the scope: every limited dimension is filtered to
    allowed values only (an annotation of all markets tells of markets a scope hides)."""
    for name, allowed in (scope or {}).items():
        values = filters.get(name)
        if not values or not set(values) <= set(allowed):
            return False
    return True


def may_edit(annotation: Annotation, name: str, role: str) -> bool:
    """Admins edit and delete any annotation; anyone else their own (names ignore case)."""
    return role == ADMIN or annotation.author.casefold() == name.casefold()


def check_write(
    annotation: Annotation | None, fields: dict | None, name: str, role: str, scope
) -> None:
    """Raise AnnotationRefused unless the account may make this change: its own (or any, for an
    admin), and both the old and new filters inside its scope."""
    if annotation is not None and not may_edit(annotation, name, role):
        raise AnnotationRefused(
            f"annotation {annotation.id} was written by someone else: only its author or an "
            "admin may change it"
        )
    if fields is not None and not within_scope(fields["filters"], scope):
        raise AnnotationRefused(
            "your account is limited to part of the data: give filters inside your limits "
            f"({_describe(scope)})"
        )


def _describe(scope: Mapping | None) -> str:
    return "; ".join(f"{n}={','.join(sorted(v))}" for n, v in sorted((scope or {}).items()))
