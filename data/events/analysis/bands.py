"""Expected ranges behind a time series: each period judged as /data/changes/ judges its day."""

from __future__ import annotations

import datetime as dt

from data.events.analysis import changes, queries, selection
from data.events.analysis.measures import group_codes
from data.events.params import Filters, InvalidParameter
from data.events.periods import day_number, period_end, period_labels, period_of, period_start
from data.events.rollup.model import Rollup

BAND_RESOLUTIONS = ("daily", "weekly")
# How far back a period's baseline reaches, in periods of its resolution.
_REACH = {"daily": 7 * changes.BASELINE_PERIODS, "weekly": changes.BASELINE_PERIODS}
_FIRST_DAY = day_number(dt.date.min)


def bands(rollup: Rollup, metric: str, filters: Filters, resolution: str) -> list[dict]:
    """[{"date", "value", "expected", "low", "high", "flag"}] for each period of the metric's
    time series (queries.timeseries' periods), judged by changes.judged against the same
    baseline /data/changes/ uses for that day (weekly: that ISO week).

    One pass: the metric's series over whole periods, from the baseline of the first period
    to the last, then each period against its baseline values in that series. A period not
    wholly inside the data's span or the asked range (a cut week, a day without data) gets
    no band (expected, low, high and flag None): it would be judged on a part of itself.
    """
    spec = queries._check_metric(metric, resolution)
    if resolution not in BAND_RESOLUTIONS:
        raise InvalidParameter("expected ranges are per day or per ISO week, not per month")
    view = selection.view_span(rollup, filters, resolution)
    if view is None:
        return []
    allowed, p_lo, p_hi = view.allowed, view.p_lo, view.p_hi
    # Whole periods from the first baseline on; none before the calendar's first week.
    back = max(p_lo - _REACH[resolution], int(period_of(_FIRST_DAY + 6, resolution)))
    first, last = int(period_start(back, resolution)), period_end(p_hi, resolution)
    (values,) = queries._metric_values(
        rollup, spec, resolution, first, last, back, p_hi, group_codes(allowed), 1
    )
    # The range asked (not the matching events' span: a week is whole before its first event).
    asked = (
        day_number(filters.start) if filters.start else first,
        day_number(filters.end) if filters.end else last,
    )
    out = []
    labels = period_labels(p_lo, p_hi, resolution)  # the series' own labels, as the chart's
    for period, label in zip(range(p_lo, p_hi + 1), labels, strict=True):
        start = int(period_start(period, resolution))
        spans = changes.spans(start, resolution)
        at = [int(period_of(s[0], resolution)) - back for s in spans]
        series = [values[i] if i >= 0 else None for i in at]
        whole = changes.inside_data(rollup, spans[0]) and asked[0] <= spans[0][0]
        whole = whole and spans[0][1] <= asked[1]
        verdict = changes.judged(series[0], changes.counted_baseline(rollup, spans, series[1:]))
        if not whole:
            verdict |= dict.fromkeys(("expected", "low", "high", "change", "flag"))
        out.append({"date": label, **verdict})
    return out
