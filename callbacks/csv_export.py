"""Turn a chart's rows into CSV text for dcc.Download."""

from __future__ import annotations

import csv
import io

from callbacks.state import ViewState

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with a header line; text that a spreadsheet would run as a formula is quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def filename(chart: str, state: ViewState) -> str:
    """A file name that says what is in it, e.g. unique-users_weekly_2025-03-01_2025-03-31.csv."""
    parts = [chart]
    if chart != "toplist":
        parts.append(state.resolution)
    else:
        parts.append(f"top{state.num}")
    if state.sessiontype:
        parts.append(state.sessiontype.lower())
    if state.start or state.end:
        parts.append(f"{state.start or 'first'}_{state.end or 'last'}")
    return "_".join(parts) + ".csv"


def download(chart: str, state: ViewState, header: list[str], rows: list[list]) -> dict:
    """The dict dcc.Download expects."""
    return {
        "content": to_csv(header, rows),
        "filename": filename(chart, state),
        "type": "text/csv",
        "base64": False,
    }
