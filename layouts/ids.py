"""Component ids of the dashboard, defined once and shared by layouts, callbacks and tests."""

# Page state: the URL query string is the single source of truth for the controls.
URL = "url"
STATE = "dashboard-state"
URL_NOTICE = "url-notice"
DEMO_NOTICE = "demo-notice"
DATA_SUMMARY = "data-summary"

# Controls (names of the /data routes' query parameters in brackets).
RESOLUTION = "resolution"  # resolution
TOPLIST_SIZE = "toplist-size"  # num
DATE_RANGE = "date-range"  # start, end
SESSIONTYPE = "sessiontype"  # sessiontype
RESET = "reset-filters"
# Visible names of controls that are groups, not single inputs (aria-labelledby targets).
SESSIONTYPE_LABEL = "sessiontype-label"
TOPLIST_SIZE_LABEL = "toplist-size-label"

# Charts.
UNIQUE_USERS_GRAPH = "unique-users-graph"
MINUTES_WATCHED_GRAPH = "minutes-watched-graph"
TOPLIST_GRAPH = "toplist-graph"

# KPI cards: the value element of each card.
KPI_UNIQUE_USERS = "kpi-unique-users"
KPI_HOURS_WATCHED = "kpi-hours-watched"
KPI_VIEWS = "kpi-views"
KPI_AVG_MINUTES = "kpi-avg-minutes"
KPI_COMPLETION = "kpi-completion"
KPI_ERROR = "kpi-error"

# CSV downloads: one button and one dcc.Download per chart.
UNIQUE_USERS_CSV_BUTTON = "unique-users-csv-button"
UNIQUE_USERS_DOWNLOAD = "unique-users-download"
MINUTES_WATCHED_CSV_BUTTON = "minutes-watched-csv-button"
MINUTES_WATCHED_DOWNLOAD = "minutes-watched-download"
TOPLIST_CSV_BUTTON = "toplist-csv-button"
TOPLIST_DOWNLOAD = "toplist-download"

# Chrome.
THEME_SWITCH = "theme-switch"
THEME = "theme"
GAME_LINK = "game-link"
