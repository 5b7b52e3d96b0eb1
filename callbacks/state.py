"""The dashboard's view state: parsed from the URL or the controls, checked with data/params.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode

from data.events.catalog import METRIC_NAMES
from data.events.params import (
    Filters,
    InvalidParameter,
    check_order,
    parse_breakdown,
    parse_compare,
    parse_date,
    parse_filters,
    parse_num,
    parse_resolution,
    parse_sessiontype,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION
from data.events.series import DEFAULT_LEVEL
from data.events.title_params import parse_level, parse_week
from data.events.title_params import parse_title_or_series as _title_or_series
from layouts.options import (
    BREAKDOWN_NONE,
    COMPARE_PREVIOUS,
    DEFAULT_CHART_METRICS,
    DEFAULT_TOP10_TYPE,
    DEFAULT_TOPLIST_SIZE,
    FILTER_DIMENSIONS,
    LATEST_WEEK,
    RESOLUTION_VALUES,
    SESSIONTYPE_VALUES,
    TOP10_TYPES,
    TOPLIST_MAX,
    TOPLIST_MIN,
    pick_of,
    picked,
)

# Query parameter names: those of the /data routes where they mean the same, in URL order.
# chart1 and chart2 are the two time-series cards' metrics; compare=previous adds the previous
# period (as /data/kpis/?compare=previous does). level is the toplist's (as /data/toplist/);
# week and top10 the Top 10 panel's week and content type (/data/top10/'s week, sessiontype);
# title or series opens that title's or show's own view (as /data/title/ names them).
QUERY_KEYS = (
    "resolution",
    "num",
    "start",
    "end",
    "sessiontype",
    *FILTER_DIMENSIONS,
    "breakdown",
    "chart1",
    "chart2",
    "compare",
    "level",
    "week",
    "top10",
    "title",
    "series",
)
# Longer query strings are not something the dashboard writes (a title of MAX_TITLE_CHARS
# letters, percent-encoded, fits); gunicorn.conf.py's limit_request_line is above it.
_MAX_SEARCH = 8000


@dataclass(frozen=True)
class ViewState:
    """What the dashboard shows: resolution, toplist length and the /data routes' filters."""

    resolution: str = DEFAULT_RESOLUTION
    num: int = DEFAULT_TOPLIST_SIZE
    start: str | None = None  # 'YYYY-MM-DD'
    end: str | None = None
    sessiontype: str | None = None  # 'MOVIE', 'SERIES' or None for all
    device: tuple[str, ...] = ()  # the values shown (any of them); () for all
    market: tuple[str, ...] = ()
    breakdown: str | None = None  # a dimension's name: one line per group on the time charts
    chart1: str = DEFAULT_CHART_METRICS[0]
    chart2: str = DEFAULT_CHART_METRICS[1]
    compare: bool = False  # with the previous period
    level: str = DEFAULT_LEVEL  # the toplist's: title, season or series
    week: str | None = None  # the Top 10's week, its Monday 'YYYY-MM-DD'; None: the latest
    top10: str = DEFAULT_TOP10_TYPE  # the Top 10's content type: MOVIE or SERIES
    title: str | None = None  # the title whose own view is open (or, with series, the show)
    series: str | None = None

    def filters(self) -> Filters:
        """The data/params Filters these values mean (same parsing as the /data routes)."""
        return parse_filters(
            {
                "start": self.start,
                "end": self.end,
                "sessiontype": self.sessiontype,
                **{name: list(getattr(self, name)) for name in FILTER_DIMENSIONS},
            }
        )

    def query(self) -> str:
        """The URL query string ('?a=b' or ''), leaving out values that are the defaults."""
        pairs = []
        for key, value in asdict(self).items():
            if value == _DEFAULTS[key]:
                continue
            if key in FILTER_DIMENSIONS:
                pairs.extend((key, item) for item in value)
            elif key == "compare":
                pairs.append((key, COMPARE_PREVIOUS))
            elif key in ("title", "series"):
                pairs.append((key, value))  # last: a long title does not hide the rest
            else:
                pairs.append((key, value))
        pairs.sort(key=lambda pair: pair[0] in ("title", "series"))
        return "?" + urlencode(pairs) if pairs else ""

    def to_store(self) -> dict:
        """A JSON-ready dict for the dcc.Store the charts listen to."""
        data = asdict(self)
        for name in FILTER_DIMENSIONS:
            data[name] = list(data[name])
        return data

    def control_values(self) -> tuple:
        """Values for the controls, in from_controls' order (the open title is not one)."""
        return (
            self.resolution,
            self.num,
            self.start,
            self.end,
            self.sessiontype or "all",
            *(list(getattr(self, name)) for name in FILTER_DIMENSIONS),
            self.breakdown or BREAKDOWN_NONE,
            self.chart1,
            self.chart2,
            self.compare,
            self.level,
            self.week or LATEST_WEEK,
            self.top10,
        )


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


def _checked_values(name: str, values: object) -> tuple[str, ...]:
    """A multi-select's values, checked like the /data routes' repeatable filter."""
    if values is None:
        return ()
    if not isinstance(values, list | tuple):
        raise InvalidParameter(f"{name} must be a list of values, got {shown(values)}")
    chosen = parse_filters({name: list(values)}).values(name) or frozenset()
    return tuple(sorted(chosen))


def _checked_metric(name: str, value: object) -> str:
    if not isinstance(value, str) or value not in METRIC_NAMES:
        raise InvalidParameter(
            f"{name} must be one of {', '.join(METRIC_NAMES)}, got {shown(value)}"
        )
    return value


def _checked_breakdown(value: object) -> str | None:
    return None if value == BREAKDOWN_NONE else parse_breakdown(value)


def _checked_week(value: object) -> str | None:
    if value in (None, "", LATEST_WEEK):
        return None
    return parse_week(value).isoformat()


def _checked_top10(value: object) -> str:
    if isinstance(value, str) and value in TOP10_TYPES:
        return value
    raise InvalidParameter(f"top10 must be one of {', '.join(TOP10_TYPES)}, got {shown(value)}")


def _checked_pick(value: object) -> tuple[str | None, str | None]:
    """(title, series) of the title picker's value ('title:...' or 'series:...'; None)."""
    if value in (None, ""):
        return None, None
    try:
        kind, name = picked(value)
    except ValueError:
        raise InvalidParameter(
            f"the title choice must be title:<name> or series:<name>, got {shown(value)}"
        ) from None
    return _title_or_series({kind: name})


def from_controls(  # noqa: PLR0913 - one argument per control, in the page's order
    resolution,
    num,
    start,
    end,
    sessiontype,
    device=None,
    market=None,
    breakdown=BREAKDOWN_NONE,
    chart1=DEFAULT_CHART_METRICS[0],
    chart2=DEFAULT_CHART_METRICS[1],
    compare=False,
    level=DEFAULT_LEVEL,
    week=LATEST_WEEK,
    top10=DEFAULT_TOP10_TYPE,
    pick=None,
) -> ViewState:
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
    title, series = _checked_pick(pick)
    return ViewState(
        resolution=resolution,
        num=_checked_num(num),
        start=start_iso,
        end=end_iso,
        sessiontype=None if sessiontype == "all" else sessiontype,
        device=_checked_values("device", device),
        market=_checked_values("market", market),
        breakdown=_checked_breakdown(breakdown),
        chart1=_checked_metric("chart1", chart1),
        chart2=_checked_metric("chart2", chart2),
        compare=_checked_compare(compare),
        level=parse_level(level),
        week=_checked_week(week),
        top10=_checked_top10(top10),
        title=title,
        series=series,
    )


def _checked_compare(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameter(f"compare must be true or false, got {shown(value)}")
    return value


def from_store(data: object) -> ViewState:
    """Re-check a state dict sent back by the browser; raises InvalidParameter when it is off."""
    if not isinstance(data, dict) or set(data) - set(QUERY_KEYS):
        raise InvalidParameter("the dashboard state is malformed; reload the page")
    sessiontype = data.get("sessiontype")
    breakdown = data.get("breakdown")
    return from_controls(
        data.get("resolution"),
        data.get("num"),
        data.get("start"),
        data.get("end"),
        "all" if sessiontype is None else sessiontype,
        *(data.get(name) for name in FILTER_DIMENSIONS),
        BREAKDOWN_NONE if breakdown is None else breakdown,
        data.get("chart1", DEFAULT_CHART_METRICS[0]),
        data.get("chart2", DEFAULT_CHART_METRICS[1]),
        data.get("compare", False),
        data.get("level", DEFAULT_LEVEL),
        data.get("week") or LATEST_WEEK,
        data.get("top10", DEFAULT_TOP10_TYPE),
        _stored_pick(data.get("title"), data.get("series")),
    )


def _stored_pick(title: object, series: object) -> str | None:
    """The picker value of a stored title or show: text, and not both."""
    for value in (title, series):
        if value is not None and not isinstance(value, str):
            raise InvalidParameter("the dashboard state is malformed; reload the page")
    if title is not None and series is not None:
        raise InvalidParameter("the dashboard state is malformed; reload the page")
    return pick_of(title, series)


def _compare_in_url(value: str) -> bool:
    """compare=previous as /data/kpis/ reads it (any case); empty means off."""
    return parse_compare(value) == COMPARE_PREVIOUS


def from_query(search: object) -> tuple[ViewState, list[str]]:
    """Read a URL query string leniently: a bad value falls back to its default, with a notice."""
    if not isinstance(search, str) or not search or search == "?":
        return ViewState(), []
    if len(search) > _MAX_SEARCH:
        return ViewState(), ["The link's query string is too long; showing the default view."]
    lists = parse_qs(search.lstrip("?"), keep_blank_values=True)
    params = {key: values[0] for key, values in lists.items()}
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
    for name in FILTER_DIMENSIONS:
        if name in lists:
            params[name] = lists[name]
            attempt(name, lambda v, name=name: _checked_values(name, v))
    attempt("breakdown", _checked_breakdown)
    attempt("chart1", lambda v: _checked_metric("chart1", v))
    attempt("chart2", lambda v: _checked_metric("chart2", v))
    attempt("compare", _compare_in_url)
    attempt("level", parse_level)
    attempt("week", _checked_week)
    attempt("top10", lambda v: _checked_top10(v.upper() if isinstance(v, str) else v))
    if "title" in params or "series" in params:
        try:
            values["title"], values["series"] = _title_or_series(params)
        except InvalidParameter as exc:
            notices.append(f"{exc}; showing all titles instead.")
    start, end = values.get("start"), values.get("end")
    try:
        check_order(*(dt.date.fromisoformat(day) if day else None for day in (start, end)))
    except InvalidParameter:
        notices.append(f"start ({start}) is after end ({end}); showing all dates instead.")
        values["start"] = values["end"] = None
    return ViewState(**values), notices
