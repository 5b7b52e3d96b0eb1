"""What an account may see: catalog dimensions limited to some values (a Scope)."""

from __future__ import annotations

import json

from data.events.catalog import DIMENSION_BY_NAME, DIMENSION_NAMES
from data.events.params import InvalidParameter, parse_filters

# A catalog dimension's name -> the values allowed; {} (or None) allows everything.
Scope = dict[str, frozenset[str]]


def parse_limit(text: str) -> tuple[str, frozenset[str]]:
    """`DIMENSION=V1,V2` -> (dimension, values); ValueError with a one-line message otherwise.

    Values are spelled as the /data filters take them (the same checks and `<xx>` decoding:
    data/events/params.py parse_filters), so a limit and a filter name one value alike."""
    if not isinstance(text, str) or "=" not in text:
        raise ValueError(f"a limit is DIMENSION=VALUE1,VALUE2, got {_short(text)}")
    name, _, values = text.partition("=")
    name = name.strip().lower()
    if name not in DIMENSION_BY_NAME:
        raise ValueError(
            f"a limit's dimension must be one of {', '.join(DIMENSION_NAMES)}, got {_short(name)}"
        )
    given = [v for v in values.split(",") if v != ""]
    if not given:
        raise ValueError(f"the {name} limit needs at least one value (DIMENSION=V1,V2)")
    try:
        filters = parse_filters({name: given})
    except InvalidParameter as error:
        raise ValueError(str(error)) from None
    return name, dict(filters.where)[name]


def parse_limits(texts) -> Scope:
    """Several `DIMENSION=V1,V2` texts as one Scope; a dimension given twice gets both's values."""
    scope: Scope = {}
    for text in texts:
        name, values = parse_limit(text)
        scope[name] = scope.get(name, frozenset()) | values
    return scope


def check_scope(scope: Scope | None) -> Scope:
    """A Scope as stored: known dimensions only, each with at least one text value."""
    checked: Scope = {}
    for name, values in (scope or {}).items():
        if name not in DIMENSION_BY_NAME:
            raise ValueError(
                f"a limit's dimension must be one of {', '.join(DIMENSION_NAMES)}, "
                f"got {_short(name)}"
            )
        values = frozenset(values)
        if not values or not all(isinstance(v, str) for v in values):
            raise ValueError(f"the {name} limit needs at least one text value")
        checked[name] = values
    return checked


def scope_to_json(scope: Scope | None) -> str:
    """A Scope as JSON text (sorted, so equal scopes write equal text)."""
    return json.dumps({name: sorted(values) for name, values in sorted((scope or {}).items())})


def scope_from_json(text: str | None) -> Scope:
    """The Scope scope_to_json wrote; empty or missing text is no limit."""
    if not text:
        return {}
    return {name: frozenset(values) for name, values in json.loads(text).items()}


def describe_scope(scope: Scope | None) -> str:
    """A Scope in one line, as the CLI lists it: `market=DE,US; device=tv`, or `-` for none."""
    if not scope:
        return "-"
    return "; ".join(f"{name}={','.join(sorted(scope[name]))}" for name in sorted(scope))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
