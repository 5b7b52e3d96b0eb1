"""Component ids of the dashboard, defined once and shared by layouts, callbacks and tests."""

from data.events.catalog import METRICS
from layouts.options import FILTER_DIMENSIONS

# Page state: the URL query string is the single source of truth for the controls.
URL = "url"
STATE = "dashboard-state"
URL_NOTICE = "url-notice"
DEMO_NOTICE = "demo-notice"
DATA_SUMMARY = "data-summary"
DATA_LEFT_OUT = "data-left-out"  # in the summary: events left out for their date, when any

# Controls (names of the /data routes' query parameters in brackets).
RESOLUTION = "resolution"  # resolution
TOPLIST_SIZE = "toplist-size"  # num
DATE_RANGE = "date-range"  # start, end
SESSIONTYPE = "sessiontype"  # sessiontype
RESET = "reset-filters"
DATE_PRESET = "date-preset"
# One multi-select per open dimension (device, market): its values, with their view counts.
DIMENSION_FILTERS = {name: f"{name}-filter" for name in FILTER_DIMENSIONS}
BREAKDOWN = "breakdown"  # breakdown
COMPARE = "compare"  # compare=previous
BANDS = "bands"  # bands=1: the expected range behind the time charts
BANDS_NOTE = "bands-note"  # why there is none (monthly, a breakdown)
CHART1_METRIC = "chart1-metric"  # chart1: the first time-series card's metric
CHART2_METRIC = "chart2-metric"  # chart2
# Visible names of controls that are groups, not single inputs (aria-labelledby targets).
SESSIONTYPE_LABEL = "sessiontype-label"
TOPLIST_SIZE_LABEL = "toplist-size-label"

# Charts. The two time-series cards keep their first metric's name in their ids.
CHART1_GRAPH = "chart1-graph"
CHART2_GRAPH = "chart2-graph"
TOPLIST_GRAPH = "toplist-graph"
TOPLIST_NOTE = "toplist-note"  # what the toplist leaves out (views without a title)
CHART1_TITLE = "chart1-title"
CHART2_TITLE = "chart2-title"
CHART1_SUBTITLE = "chart1-subtitle"
CHART2_SUBTITLE = "chart2-subtitle"
# Before a drag-zoom: the range a double-click goes back to.
ZOOM_ORIGIN = "zoom-origin"
# A time chart's relayout that moved its x range (a drag-zoom or a double-click), and only those.
ZOOM_EVENT = "zoom-event"

# Live refresh: a timer that asks for the data's version (paused while the tab is hidden).
LIVE_TIMER = "live-timer"
DATA_VERSION = "data-version"  # the version the page last saw
DATA_REFRESH = "data-refresh"  # set when that version changed: what the charts redraw on
UPDATED_AT = "updated-at"
# Per browser: the demo notice was closed.
DEMO_DISMISSED = "demo-dismissed"

# KPI cards: the value element of each catalog metric's card (named ones: tests and benchmarks
# post to them), a note, the error line, and each card's change against the previous period.
KPI_CARDS = {m.name: f"kpi-{m.name.replace('_', '-')}" for m in METRICS}
KPI_UNIQUE_USERS = KPI_CARDS["unique_users"]
KPI_VIEWS = KPI_CARDS["views"]
KPI_ERROR = "kpi-error"
KPI_VIEWS_NOTE = "kpi-views-note"
COMPARE_NOTE = "compare-note"  # which ranges are compared
KPI_DELTAS = {value_id: f"{value_id}-delta" for value_id in KPI_CARDS.values()}

# CSV downloads: one button and one dcc.Download per chart.
CHART1_CSV_BUTTON = "chart1-csv-button"
CHART1_DOWNLOAD = "chart1-download"
CHART2_CSV_BUTTON = "chart2-csv-button"
CHART2_DOWNLOAD = "chart2-download"
TOPLIST_CSV_BUTTON = "toplist-csv-button"
TOPLIST_DOWNLOAD = "toplist-download"

# Chrome.
THEME_SWITCH = "theme-switch"
THEME = "theme"
GAME_LINK = "game-link"

# The toplist's level (level) and the title picker (title, series: a title's own view).
TOPLIST_LEVEL = "toplist-level"
TITLE_PICKER = "title-picker"

# The overview (cards and charts) and, in its place while a title is chosen, its own view.
OVERVIEW = "overview"
TITLE_VIEW = "title-view"
TITLE_BACK = "title-back"  # back to the overview
TITLE_HEADING = "title-heading"
TITLE_KIND = "title-kind"
TITLE_BODY = "title-body"  # what a callback builds when a title is open: the rest below
TITLE_KPIS = "title-kpis"
TITLE_TIME_GRAPH = "title-time-graph"
TITLE_COMPLETION_GRAPH = "title-completion-graph"
TITLE_DEVICES_GRAPH = "title-devices-graph"
TITLE_MARKETS_GRAPH = "title-markets-graph"
TITLE_EPISODES = "title-episodes"  # a show's seasons and episodes
TITLE_BINGE = "title-binge"  # a show's binge share and season-completion funnel
TITLE_NEXT = "title-next"  # what the title's finishers watched next
TITLE_ERROR = "title-error"
TITLE_CSV_BUTTON = "title-csv-button"
TITLE_DOWNLOAD = "title-download"

# Set once the cards below the toplist come near the window (assets/dashboard-live.js): they
# are drawn only then, so a page load draws what the reader sees first.
BELOW_FOLD = "below-fold"
BELOW_FOLD_START = "below-fold-start"  # where the cards below the toplist begin

# The weekly Top 10 panel (top10: its content type; week).
TOP10_TYPE = "top10-type"
TOP10_WEEK = "top10-week"
TOP10_TABLE = "top10-table"
TOP10_CSV_BUTTON = "top10-csv-button"
TOP10_DOWNLOAD = "top10-download"

# Retention (cohorts by first period) and the users' lifecycle, per the page's resolution.
RETENTION_TABLE = "retention-table"  # a heatmap as a table
RETENTION_CSV_BUTTON = "retention-csv-button"
RETENTION_DOWNLOAD = "retention-download"
RETENTION_SUBTITLE = "retention-subtitle"
RETENTION_COHORT = "retention-cohort"  # a user's cohort: first view ever, or in the range
LIFECYCLE_GRAPH = "lifecycle-graph"
LIFECYCLE_CSV_BUTTON = "lifecycle-csv-button"
LIFECYCLE_DOWNLOAD = "lifecycle-download"
LIFECYCLE_SUBTITLE = "lifecycle-subtitle"
# Stickiness: DAU / MAU per day and users by active days in a month (/data/stickiness/).
STICKINESS_GRAPH = "stickiness-graph"
STICKINESS_CSV_BUTTON = "stickiness-csv-button"
STICKINESS_DOWNLOAD = "stickiness-download"
STICKINESS_SUBTITLE = "stickiness-subtitle"
# Prime time (a metric per weekday and hour) and minutes per viewer beside the time cards.
WHEN_GRAPH = "when-graph"
WHEN_METRIC = "when-metric"
WHEN_CSV_BUTTON = "when-csv-button"
WHEN_DOWNLOAD = "when-download"
DISTRIBUTION_GRAPH = "distribution-graph"
DISTRIBUTION_CSV_BUTTON = "distribution-csv-button"
DISTRIBUTION_DOWNLOAD = "distribution-download"
DISTRIBUTION_SUBTITLE = "distribution-subtitle"

# The "Since yesterday" panel at the top (/data/changes/ in words): its heading, the KPIs and
# movers (each mover a link setting the page's filters), a slot for the day's annotations.
PANEL = "morning-panel"
PANEL_TITLE = "morning-panel-title"
PANEL_BODY = "morning-panel-body"
PANEL_ERROR = "morning-panel-error"
PANEL_ANNOTATIONS = "morning-panel-annotations"  # issue 25 part 4 lists the day's notes here
# Annotations (layouts/annotations.py): the card, its form and list, what the charts draw.
ANNOTATIONS_CARD = "annotations-card"
ANNOTATIONS = "annotations-data"  # the annotations of the view, as the charts draw them
ANNOTATIONS_CHANGED = "annotations-changed"  # counts the page's writes: the list reloads
ANNOTATIONS_AUTO = "annotations-auto"  # premieres=hide: automatic ones left out
ANNOTATION_START = "annotation-start"
ANNOTATION_END = "annotation-end"  # empty: one day
ANNOTATION_TEXT = "annotation-text"
ANNOTATION_USE_FILTERS = "annotation-use-filters"
ANNOTATION_SAVE = "annotation-save"
ANNOTATION_CANCEL = "annotation-cancel"
ANNOTATION_EDITING = "annotation-editing"  # the id of the annotation the form edits, or None
ANNOTATION_MESSAGE = "annotation-message"
ANNOTATION_LIST = "annotation-list"
# The Alerts card: the rules with their state, recent history, and (admins) a form.
ALERTS_CARD = "alerts-card"
ALERTS_RULES = "alerts-rules"
ALERTS_HISTORY = "alerts-history"
ALERTS_MESSAGE = "alerts-message"
ALERTS_FORM = "alerts-form"
ALERTS_NAME = "alerts-name"
ALERTS_METRIC = "alerts-metric"
ALERTS_DIMENSION = "alerts-dimension"
ALERTS_VALUE_FILTER = "alerts-filter-value"
ALERTS_KIND = "alerts-kind"
ALERTS_NUMBER = "alerts-number"
ALERTS_WEBHOOK = "alerts-webhook"
ALERTS_EMAIL = "alerts-email"
ALERTS_ADD = "alerts-add"
ALERTS_DELETE_ID = "alerts-delete-id"
ALERTS_DELETE = "alerts-delete"
