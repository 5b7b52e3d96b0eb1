"""The tutorial's per-request analysis (pydatsci examples/dashboard), kept as a reference.

Reproduces leondutoit/pydatsci examples/dashboard/analysis_tools.py and the JSON its app.py
returns: read the whole table with pd.read_sql, index it by event_date, group with a Python
function per row, aggregate with a Python function per group, zero-fill with pd.date_range.
Used by the parity tests (our numbers must equal these one for one) and by the benchmark (the
speed-up is measured against this). Adaptations, all behaviour-preserving:
- the tutorial reads a global `movie_db` in two places; here the frame passed in is used;
- pandas 3: `Series.sort` -> `sort_values`, `reindex(map(...))` -> `reindex(list(map(...)))`;
- `json_resp` returns the parsed records instead of a Flask Response.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd


def get_data_from_db(conn: sqlite3.Connection) -> pd.DataFrame:
    data = pd.read_sql("select * from movies", conn)
    data.index = pd.DatetimeIndex(data.event_date)
    return data


def date_resolution(resolution):
    def md(y, m, d):
        return dt.datetime(y, m, d)

    funcs = {
        "daily": lambda x: md(x.year, x.month, x.day).strftime("%Y-%m-%d"),
        "weekly": lambda x: (md(x.year, x.month, x.day) - dt.timedelta(days=x.weekday())).strftime(
            "%Y-%m-%d"
        ),
        "monthly": lambda x: md(x.year, x.month, 1).strftime("%Y-%m-%d"),
    }
    return funcs[resolution]


def metric_by_date(df, resolution, column, agg_func):
    grouped = df.groupby(date_resolution(resolution))[column]
    return grouped.apply(agg_func)


def unique_users(df, resolution):
    return metric_by_date(df, resolution, "userid", lambda x: len(x.value_counts()))


def minutes_watched(df, resolution):
    return metric_by_date(df, resolution, "totalminuteswatched", sum)


def add_zeros_for_missing_dates(df, resolution):
    freq_map = {"daily": "D", "weekly": "W-MON", "monthly": "MS"}
    freq = freq_map[resolution]
    start = df.index[0]
    end = df.index[len(df.index) - 1]
    idx = pd.date_range(start, end, freq=freq)

    def format_date(x):
        return x.strftime("%Y-%m-%d")

    return df.reindex(list(map(format_date, idx.to_pydatetime())), fill_value=0)


def rank_titles(df, num):
    toplist = df.groupby("title")["title"].count()
    toplist = toplist.sort_values(ascending=False)
    return toplist[toplist.index != ""][:num]


def json_resp(df, format="ts"):
    if format == "ts":
        df = pd.DataFrame({"date": df.index, "values": df.values})
    else:
        df = pd.DataFrame({"title": df.index, "values": df.values})
    return json.loads(df.to_json(orient="records"))


def get_users(conn: sqlite3.Connection, ts_metric: str, res: str) -> list[dict]:
    """The tutorial's /data/<ts_metric>/?resolution=res, one full read per call."""
    df = get_data_from_db(conn)
    if ts_metric == "unique_users":
        df = unique_users(df, res)
    elif ts_metric == "minutes_watched":
        df = minutes_watched(df, res)
    df = add_zeros_for_missing_dates(df, res)
    return json_resp(df)


def get_toplist(conn: sqlite3.Connection, num: int) -> list[dict]:
    """The tutorial's /data/toplist/?num=num, one full read per call."""
    df = get_data_from_db(conn)
    top = rank_titles(df, num)
    return json_resp(top, format="rank")
