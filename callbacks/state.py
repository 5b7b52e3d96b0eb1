"""The dashboard's view state: parsed from the URL or the controls, checked with data/params.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode

from data.events.params import (
    Filters,
    InvalidParameter,
    check_order,
    parse_date,
    parse_filters,
    parse_num,
    parse_resolution,
    parse_sessiontype,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION
from layouts.options import (
    DEFAULT_TOPLIST_SIZE,
    RESOLUTION_VALUES,
    SESSIONTYPE_VALUES,
    TOPLIST_MAX,
    TOPLIST_MIN,
)

# Query parameter names: exactly those of the /data routes, in the order they appear in URLs.
QUERY_KEYS = ("resolution", "num", "start", "end", "sessiontype")
_MAX_SEARCH = 2048  # longer query strings are not something the dashboard ever writes


@dataclass(frozen=True)
class ViewState:
    """What the dashboard shows: resolution, toplist length and the /data routes' filters."""

    resolution: str = DEFAULT_RESOLUTION
    num: int = DEFAULT_TOPLIST_SIZE
    start: str | None = None  # 'YYYY-MM-DD'
    end: str | None = None
    sessiontype: str | None = None  # 'MOVIE', 'SERIES' or None for all

    def filters(self) -> Filters:
        """The data/params Filters these values mean (same parsing as the /data routes)."""
        return parse_filters(
            {"start": self.start, "end": self.end, "sessiontype": self.sessiontype}
        )

    def query(self) -> str:
        """The URL query string ('?a=b' or ''), leaving out values that are the defaults."""
        pairs = [(key, value) for key, value in asdict(self).items() if value != _DEFAULTS[key]]
        return "?" + urlencode(pairs) if pairs else ""

    def to_store(self) -> dict:
        """A JSON-ready dict for the dcc.Store the charts listen to."""
        return asdict(self)

    def control_values(self) -> tuple:
        """Values for (resolution, toplist-size, start_date, end_date, sessiontype) controls."""
        return (self.resolution, self.num, self.start, self.end, self.sessiontype or "all")


_DEFAULTS = asdict(ViewState())


def _checked_num(value: object) -> int:
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


def _checked_dates(start: object, end: object) -> tuple[str | None, str | None]:
    start_date = None if start in (None, "") else parse_date(start, "start")
    end_date = None if end in (None, "") else parse_date(end, "end")
    check_order(start_date, end_date)
    return (
        start_date.isoformat() if start_date else None,
        end_date.isoformat() if end_date else None,
    )


def from_controls(resolution, num, start, end, sessiontype) -> ViewState:
    """Strictly check the controls' values (a forged request may send anything)."""
    if not isinstance(resolution, str) or resolution not in RESOLUTION_VALUES:
        raise InvalidParameter(
            f"resolution must be one of daily, weekly, monthly, got {shown(resolution)}"
        )
    if not isinstance(sessiontype, str) or sessiontype not in SESSIONTYPE_VALUES:
        raise InvalidParameter(
            f"sessiontype must be one of all, MOVIE, SERIES, got {shown(sessiontype)}"
        )
    start_iso, end_iso = _checked_dates(start, end)
    return ViewState(
        resolution=resolution,
        num=_checked_num(num),
        start=start_iso,
        end=end_iso,
        sessiontype=None if sessiontype == "all" else sessiontype,
    )


def from_store(data: object) -> ViewState:
    """Re-check a state dict sent back by the browser; raises InvalidParameter when it is off."""
    if not isinstance(data, dict) or set(data) - set(QUERY_KEYS):
        raise InvalidParameter("the dashboard state is malformed; reload the page")
    sessiontype = data.get("sessiontype")
    return from_controls(
        data.get("resolution"),
        data.get("num"),
        data.get("start"),
        data.get("end"),
        "all" if sessiontype is None else sessiontype,
    )


def from_query(search: object) -> tuple[ViewState, list[str]]:
    """Read a URL query string leniently: a bad value falls back to its default, with a notice."""
    if not isinstance(search, str) or not search or search == "?":
        return ViewState(), []
    if len(search) > _MAX_SEARCH:
        return ViewState(), ["The link's query string is too long; showing the default view."]
    params = {
        key: values[0]
        for key, values in parse_qs(search.lstrip("?"), keep_blank_values=True).items()
    }
    notices: list[str] = []
    values: dict = {}

    def attempt(key: str, parse) -> None:
        if key not in params:
            return
        try:
            values[key] = parse(params[key])
        except InvalidParameter as exc:
            notices.append(f"{exc}; using the default instead.")

    attempt("resolution", parse_resolution)
    attempt("num", _checked_num)
    attempt("start", lambda v: None if v == "" else parse_date(v, "start").isoformat())
    attempt("end", lambda v: None if v == "" else parse_date(v, "end").isoformat())
    # "all" is what the type filter calls "no filter"; the /data routes leave the key out instead.
    attempt("sessiontype", lambda v: None if v.lower() == "all" else parse_sessiontype(v))
    start, end = values.get("start"), values.get("end")
    try:
        check_order(*(dt.date.fromisoformat(day) if day else None for day in (start, end)))
    except InvalidParameter:
        notices.append(f"start ({start}) is after end ({end}); showing all dates instead.")
        values["start"] = values["end"] = None
    return ViewState(**values), notices
