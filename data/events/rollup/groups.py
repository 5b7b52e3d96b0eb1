"""The reduced rows a rollup is made of: single events or groups of them, by what they key."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Cells(NamedTuple):
    """Additive measures per row or group: views is None for single events (one view each)."""

    day: np.ndarray  # int64 days since 1970-01-01
    combo: np.ndarray  # int64 combination codes
    views: np.ndarray | None
    minutes: np.ndarray  # float64
    completed: np.ndarray  # bool per event, or counts per group
    rated: np.ndarray


class TitleViews(NamedTuple):
    """Views and minutes per (day, combination, title) row or group (views None: one each)."""

    day: np.ndarray
    combo: np.ndarray
    title: np.ndarray  # vocabulary title codes, -1 for NULL
    views: np.ndarray | None
    minutes: np.ndarray  # float64


class TitleFacts(NamedTuple):
    """(title, runningtime, seasonnumber, episodenumber) per row or group, NaN where unknown,
    with the group's events (count None: one each); each title gets its most frequent values."""

    title: np.ndarray  # vocabulary title codes, -1 for NULL
    runtime: np.ndarray  # float64
    season: np.ndarray  # float64
    episode: np.ndarray  # float64
    count: np.ndarray | None


class Viewings(NamedTuple):
    """(title, day, user, combination, viewpercentage bin) per event, or per group of `count`
    events (count None: one each)."""

    title: np.ndarray  # vocabulary title codes, -1 for NULL
    day: np.ndarray
    user: np.ndarray  # -1 for NULL
    combo: np.ndarray
    percent_bin: np.ndarray  # -1 when unknown
    count: np.ndarray | None


class UserDays(NamedTuple):
    """(day, user, combination) per row or group; repeats are fine, NULL users are -1."""

    day: np.ndarray
    user: np.ndarray
    combo: np.ndarray
