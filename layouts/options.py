"""The dashboard controls' choices and defaults, shared by the layout and the callbacks' checks."""

from cli.events import make_import_command
from data.events.catalog import DIMENSIONS, METRICS
from data.events.params import COHORT_DEFINITIONS
from data.events.periods import RESOLUTIONS

RESOLUTION_OPTIONS = [{"label": value.capitalize(), "value": value} for value in RESOLUTIONS]

# "all" stands for no filter; the other values are the /data routes' sessiontype values.
SESSIONTYPE_OPTIONS = [
    {"label": "All", "value": "all"},
    {"label": "Movies", "value": "MOVIE"},
    {"label": "Series", "value": "SERIES"},
]
DEFAULT_SESSIONTYPE = "all"

# The /data routes accept num up to 1000; a bar chart stays readable up to 50.
TOPLIST_MIN = 1
TOPLIST_MAX = 50
DEFAULT_TOPLIST_SIZE = 10
TOPLIST_MARKS = {1: "1", 10: "10", 20: "20", 30: "30", 40: "40", 50: "50"}

RESOLUTION_VALUES = frozenset(o["value"] for o in RESOLUTION_OPTIONS)
SESSIONTYPE_VALUES = frozenset(o["value"] for o in SESSIONTYPE_OPTIONS)

# What the demo notice tells to run: works as written in the project folder, venv or not.
IMPORT_COMMAND = make_import_command()

# Dimensions with open sets of values get a multi-select each (device, market); the closed
# sessiontype set keeps its segmented buttons above.
FILTER_DIMENSIONS = tuple(d.name for d in DIMENSIONS if d.choices is None)
FILTER_LABELS = {d.name: d.label for d in DIMENSIONS}

# "Break down by": none, or any dimension of the catalog.
BREAKDOWN_NONE = "none"
BREAKDOWN_OPTIONS = [{"label": "None", "value": BREAKDOWN_NONE}] + [
    {"label": d.label, "value": d.name} for d in DIMENSIONS
]

# The time-series cards' metric choice, and what each card shows first.
METRIC_OPTIONS = [{"label": m.label, "value": m.name} for m in METRICS]
DEFAULT_CHART_METRICS = ("unique_users", "minutes_watched")

PREMIERES_HIDE = "hide"  # premieres=hide leaves the automatic annotations out
COMPARE_PREVIOUS = "previous"  # the compare value, as /data/kpis/?compare=previous takes it

# Date presets beside the range picker; data/events/date_presets.py computes each one's range.
PRESET_CUSTOM = "custom"
PRESET_OPTIONS = [
    {"label": "Custom range", "value": PRESET_CUSTOM},
    {"label": "Last 7 days", "value": "last7"},
    {"label": "Last 30 days", "value": "last30"},
    {"label": "Last 90 days", "value": "last90"},
    {"label": "Month to date", "value": "mtd"},
    {"label": "Quarter to date", "value": "qtd"},
    {"label": "Year to date", "value": "ytd"},
    {"label": "All dates", "value": "all"},
]

# The toplist's level (/data/toplist/?level=): titles, or series rolled up to seasons or shows.
LEVEL_OPTIONS = [
    {"label": "Titles", "value": "title"},
    {"label": "Seasons", "value": "season"},
    {"label": "Series", "value": "series"},
]

# The Top 10 panel: its content type, and its week ("latest": the last complete one).
TOP10_TYPE_OPTIONS = [{"label": "Movies", "value": "MOVIE"}, {"label": "Series", "value": "SERIES"}]
TOP10_TYPES = tuple(o["value"] for o in TOP10_TYPE_OPTIONS)
DEFAULT_TOP10_TYPE = "MOVIE"
LATEST_WEEK = "latest"

# Retention's cohort definition (/data/retention/?cohort=), one button each.
COHORT_LABELS = {"first_ever": "First view ever", "in_range": "First view in range"}
COHORT_OPTIONS = [{"label": COHORT_LABELS[name], "value": name} for name in COHORT_DEFINITIONS]

# The title picker's values name a title or a show: "title:<name>" or "series:<name>".
PICK_KINDS = ("title", "series")


def pick_of(title: str | None, series: str | None) -> str | None:
    """The title picker's value for a title or a show (None: the overview)."""
    if series is not None:
        return f"series:{series}"
    return None if title is None else f"title:{title}"


def picked(value: object) -> tuple[str, str]:
    """(kind, name) of a title picker value; ValueError for anything else."""
    kind, _, name = value.partition(":") if isinstance(value, str) else ("", "", "")
    if kind not in PICK_KINDS or not name:
        raise ValueError(f"not a title picker value: {str(value)[:40]!r}")
    return kind, name
