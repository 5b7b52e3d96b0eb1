"""The dashboard controls' choices and defaults, shared by the layout and the callbacks' checks."""

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

IMPORT_COMMAND = "flask --app dashboard_app import-events FILE --replace"
