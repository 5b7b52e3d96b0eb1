"""The dashboard's view state: parsed from the URL or the controls, checked with data/params.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode

from callbacks.state_checks import (
    bands_in_url,
    checked_bands,
    checked_breakdown,
    checked_compare,
    checked_dates,
    checked_metric,
    checked_num,
    checked_pick,
    checked_premieres,
    checked_top10,
    checked_values,
    checked_week,
    premieres_in_url,
)
from data.events.analysis.shows import DEFAULT_LEVEL
from data.events.params import (
    DEFAULT_COHORT,
    Filters,
    InvalidParameter,
    check_order,
    parse_cohort,
    parse_compare,
    parse_date,
    parse_filters,
    parse_resolution,
    parse_sessiontype,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION
from data.events.title_params import parse_level
from data.events.title_params import parse_title_or_series as _title_or_series
from layouts.options import (
    BREAKDOWN_NONE,
    COMPARE_PREVIOUS,
    DEFAULT_CHART_METRICS,
    DEFAULT_TOP10_TYPE,
    DEFAULT_TOPLIST_SIZE,
    FILTER_DIMENSIONS,
    LATEST_WEEK,
    PREMIERES_HIDE,
    RESOLUTION_VALUES,
    SESSIONTYPE_VALUES,
    pick_of,
)

# Query parameter names: those of the /data routes where they mean the same, in URL order.
# chart1 and chart2 are the two time-series cards' metrics; compare=previous adds the previous
# period (as /data/kpis/?compare=previous does). level is the toplist's (as /data/toplist/);
# week and top10 the Top 10 panel's week and content type (/data/top10/'s week, sessiontype);
# cohort is the retention card's (/data/retention/?cohort=); bands=1 draws the expected range
# (/data/changes/' band) behind the time charts; title or series opens that
# title's or show's own view (as /data/title/ names them).
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
    "bands",
    "premieres",
    "level",
    "week",
    "top10",
    "cohort",
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
    # Each filtered dimension (FILTER_DIMENSIONS, from the catalog) with the values shown (any
    # of them), in catalog order; a dimension left out shows all its values.
    chosen: tuple[tuple[str, tuple[str, ...]], ...] = ()
    breakdown: str | None = None  # a dimension's name: one line per group on the time charts
    chart1: str = DEFAULT_CHART_METRICS[0]
    chart2: str = DEFAULT_CHART_METRICS[1]
    compare: bool = False  # with the previous period
    bands: bool = False  # the expected range behind the time charts' line
    premieres: bool = True  # automatic annotations drawn and listed; premieres=hide: not
    level: str = DEFAULT_LEVEL  # the toplist's: title, season or series
    week: str | None = None  # the Top 10's week, its Monday 'YYYY-MM-DD'; None: the latest
    top10: str = DEFAULT_TOP10_TYPE  # the Top 10's content type: MOVIE or SERIES
    cohort: str = DEFAULT_COHORT  # retention's: first view ever, or in the range
    title: str | None = None  # the title whose own view is open (or, with series, the show)
    series: str | None = None

    def values_of(self, dimension: str) -> tuple[str, ...]:
        """The values a filter dimension shows; () for all."""
        return dict(self.chosen).get(dimension, ())

    def filters(self) -> Filters:
        """The data/params Filters these values mean (same parsing as the /data routes)."""
        return parse_filters(
            {
                "start": self.start,
                "end": self.end,
                "sessiontype": self.sessiontype,
                **{name: list(values) for name, values in self.chosen},
            }
        )

    def query(self) -> str:
        """The URL query string ('?a=b' or ''), leaving out values that are the defaults."""
        pairs = []
        for key, value in asdict(self).items():
            if value == _DEFAULTS[key]:
                continue
            if key == "chosen":
                pairs.extend((name, item) for name, values in value for item in values)
            elif key == "compare":
                pairs.append((key, COMPARE_PREVIOUS))
            elif key == "bands":
                pairs.append((key, "1"))
            elif key == "premieres":
                pairs.append((key, PREMIERES_HIDE))
            else:
                pairs.append((key, value))
        # The open title last: a long one does not hide the rest of the link.
        pairs.sort(key=lambda pair: pair[0] in ("title", "series"))
        return "?" + urlencode(pairs) if pairs else ""

    def to_store(self) -> dict:
        """A JSON-ready dict for the dcc.Store the charts listen to."""
        data = asdict(self)
        del data["chosen"]
        return {**data, **{name: list(self.values_of(name)) for name in FILTER_DIMENSIONS}}

    def control_values(self) -> dict:
        """Each control's value by from_controls' keyword (the open title is not one)."""
        return {
            "resolution": self.resolution,
            "num": self.num,
            "start": self.start,
            "end": self.end,
            "sessiontype": self.sessiontype or "all",
            **{name: list(self.values_of(name)) for name in FILTER_DIMENSIONS},
            "breakdown": self.breakdown or BREAKDOWN_NONE,
            "chart1": self.chart1,
            "chart2": self.chart2,
            "compare": self.compare,
            "bands": self.bands,
            "premieres": self.premieres,
            "level": self.level,
            "week": self.week or LATEST_WEEK,
            "top10": self.top10,
            "cohort": self.cohort,
        }


def _chosen(values: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """ViewState.chosen of checked filter values by dimension: catalog order, empty ones out."""
    return tuple((name, values[name]) for name in FILTER_DIMENSIONS if values.get(name))


_DEFAULTS = asdict(ViewState())


def from_controls(
    resolution,
    num,
    start,
    end,
    sessiontype,
    *,
    breakdown=BREAKDOWN_NONE,
    chart1=DEFAULT_CHART_METRICS[0],
    chart2=DEFAULT_CHART_METRICS[1],
    compare=False,
    bands=False,
    premieres=True,
    level=DEFAULT_LEVEL,
    week=LATEST_WEEK,
    top10=DEFAULT_TOP10_TYPE,
    cohort=DEFAULT_COHORT,
    pick=None,
    **filter_values,
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
    unknown = set(filter_values) - set(FILTER_DIMENSIONS)
    if unknown:
        raise TypeError(f"not a control: {', '.join(sorted(unknown))}")
    start_iso, end_iso = checked_dates(start, end)
    title, series = checked_pick(pick)
    return ViewState(
        resolution=resolution,
        num=checked_num(num),
        start=start_iso,
        end=end_iso,
        sessiontype=None if sessiontype == "all" else sessiontype,
        chosen=_chosen(
            {name: checked_values(name, filter_values.get(name)) for name in FILTER_DIMENSIONS}
        ),
        breakdown=checked_breakdown(breakdown),
        chart1=checked_metric("chart1", chart1),
        chart2=checked_metric("chart2", chart2),
        compare=checked_compare(compare),
        bands=checked_bands(bands),
        premieres=checked_premieres(premieres),
        level=parse_level(level),
        week=checked_week(week),
        top10=checked_top10(top10),
        cohort=parse_cohort(cohort),
        title=title,
        series=series,
    )


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
        breakdown=BREAKDOWN_NONE if breakdown is None else breakdown,
        chart1=data.get("chart1", DEFAULT_CHART_METRICS[0]),
        chart2=data.get("chart2", DEFAULT_CHART_METRICS[1]),
        compare=data.get("compare", False),
        bands=data.get("bands", False),
        premieres=data.get("premieres", True),
        level=data.get("level", DEFAULT_LEVEL),
        week=data.get("week") or LATEST_WEEK,
        top10=data.get("top10", DEFAULT_TOP10_TYPE),
        cohort=data.get("cohort", DEFAULT_COHORT),
        pick=_stored_pick(data.get("title"), data.get("series")),
        **{name: data.get(name) for name in FILTER_DIMENSIONS},
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
    attempt("num", checked_num)
    attempt("start", lambda v: None if v == "" else parse_date(v, "start").isoformat())
    attempt("end", lambda v: None if v == "" else parse_date(v, "end").isoformat())
    # "all" is what the type filter calls "no filter"; the /data routes leave the key out instead.
    attempt("sessiontype", lambda v: None if v.lower() == "all" else parse_sessiontype(v))
    for name in FILTER_DIMENSIONS:
        if name in lists:
            params[name] = lists[name]
            attempt(name, lambda v, name=name: checked_values(name, v))
    values["chosen"] = _chosen({name: values.pop(name, ()) for name in FILTER_DIMENSIONS})
    attempt("breakdown", checked_breakdown)
    attempt("chart1", lambda v: checked_metric("chart1", v))
    attempt("chart2", lambda v: checked_metric("chart2", v))
    attempt("compare", _compare_in_url)
    attempt("bands", bands_in_url)
    attempt("premieres", premieres_in_url)
    attempt("level", parse_level)
    attempt("week", checked_week)
    attempt("top10", lambda v: checked_top10(v.upper() if isinstance(v, str) else v))
    attempt("cohort", parse_cohort)
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
