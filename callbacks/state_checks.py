"""Strict checks of each dashboard control's value, with the /data routes' rules (a forged
callback may send anything); callbacks/state.py builds the view state from them."""

from __future__ import annotations

from data.events.catalog import METRIC_NAMES
from data.events.params import (
    InvalidParameter,
    check_order,
    parse_breakdown,
    parse_date,
    parse_filters,
    parse_num,
    shown,
)
from data.events.title_params import parse_title_or_series, parse_week
from layouts.options import (
    BREAKDOWN_NONE,
    LATEST_WEEK,
    TOP10_TYPES,
    TOPLIST_MAX,
    TOPLIST_MIN,
    picked,
)


def checked_num(value: object) -> int:
    """A toplist length the slider can show: parse_num's rules, narrowed to 1..50."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the slider's direct input may send 12.0
    number = parse_num(value)
    if not TOPLIST_MIN <= number <= TOPLIST_MAX:
        raise InvalidParameter(
            f"num must be an integer from {TOPLIST_MIN} to {TOPLIST_MAX} on the dashboard, "
            f"got {number}"
        )
    return number


def checked_dates(start: object, end: object) -> tuple[str | None, str | None]:
    start_date = None if start in (None, "") else parse_date(start, "start")
    end_date = None if end in (None, "") else parse_date(end, "end")
    check_order(start_date, end_date)
    return (
        start_date.isoformat() if start_date else None,
        end_date.isoformat() if end_date else None,
    )


def checked_values(name: str, values: object) -> tuple[str, ...]:
    """A multi-select's values, checked like the /data routes' repeatable filter."""
    if values is None:
        return ()
    if not isinstance(values, list | tuple):
        raise InvalidParameter(f"{name} must be a list of values, got {shown(values)}")
    chosen = parse_filters({name: list(values)}).values(name) or frozenset()
    return tuple(sorted(chosen))


def checked_metric(name: str, value: object) -> str:
    if not isinstance(value, str) or value not in METRIC_NAMES:
        raise InvalidParameter(
            f"{name} must be one of {', '.join(METRIC_NAMES)}, got {shown(value)}"
        )
    return value


def checked_breakdown(value: object) -> str | None:
    return None if value == BREAKDOWN_NONE else parse_breakdown(value)


def checked_week(value: object) -> str | None:
    if value in (None, "", LATEST_WEEK):
        return None
    return parse_week(value).isoformat()


def checked_top10(value: object) -> str:
    if isinstance(value, str) and value in TOP10_TYPES:
        return value
    raise InvalidParameter(f"top10 must be one of {', '.join(TOP10_TYPES)}, got {shown(value)}")


def checked_pick(value: object) -> tuple[str | None, str | None]:
    """(title, series) of the title picker's value ('title:...' or 'series:...'; None)."""
    if value in (None, ""):
        return None, None
    try:
        kind, name = picked(value)
    except ValueError:
        raise InvalidParameter(
            f"the title choice must be title:<name> or series:<name>, got {shown(value)}"
        ) from None
    return parse_title_or_series({kind: name})


def checked_premieres(value: object) -> bool:
    """The premieres switch: on or off; None (a page without the switch yet) is on."""
    if value is None:
        return True
    if not isinstance(value, bool):
        raise InvalidParameter(f"premieres must be true or false, got {shown(value)}")
    return value


def premieres_in_url(value: str) -> bool:
    """premieres=hide (or off, 0, false) hides the automatic annotations; show (or on, 1,
    true, empty) shows them."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text in ("hide", "off", "0", "false"):
        return False
    if text in ("show", "on", "1", "true", ""):
        return True
    raise InvalidParameter(f"premieres must be show or hide, got {shown(value)}")


def checked_compare(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameter(f"compare must be true or false, got {shown(value)}")
    return value


def checked_bands(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameter(f"bands must be true or false, got {shown(value)}")
    return value


def bands_in_url(value: str) -> bool:
    """bands=1 draws the expected ranges; 0 or empty does not."""
    if value in ("1", "0", ""):
        return value == "1"
    raise InvalidParameter(f"bands must be 1 or 0, got {shown(value)}")
