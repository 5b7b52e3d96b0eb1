"""Turn a chart's rows into CSV text for dcc.Download."""

from __future__ import annotations

import csv
import io
import re

from callbacks.state import ViewState

# A cell, or a line inside one, starting with one of these is run as a formula by spreadsheet
# programs (OWASP "CSV Injection"); a leading ' makes it text.
_FORMULA_START = "=+-@\t\r"
# Every line start: the cell's start and the point after each CR or LF. Checking after CR and
# after LF alike covers readers that split lines on "\n" only as well as those that split on CR.
_DANGEROUS_LINE_START = re.compile(rf"(?:^|(?<=[\r\n]))(?=[{re.escape(_FORMULA_START)}])")


def _cell(value: object) -> object:
    # Numbers stay numbers: a negative one is data, not a formula.
    if isinstance(value, str):
        return _DANGEROUS_LINE_START.sub("'", value)
    return value


def to_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with a header line; text that a spreadsheet would run as a formula is quoted."""
    buffer = io.StringIO()
    # RFC 4180's CRLF: csv's minimal quoting quotes the line terminator's characters, so a cell
    # holding a lone CR or LF is quoted and stays one cell for every reader.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def filename(chart: str, state: ViewState) -> str:
    """A file name that says what is in it, e.g. unique-users_weekly_2025-03-01_2025-03-31.csv."""
    parts = [chart]
    if chart == "top10":  # a week's list: the week and the content type say what it is
        return f"top10_{state.top10.lower()}_{state.week or 'latest-week'}.csv"
    if chart == "toplist":
        parts.append(f"top{state.num}")
        if state.level != "title":
            parts.append(f"by-{state.level}")
    else:
        parts.append(state.resolution)
        if state.breakdown and not chart.startswith("title"):
            parts.append(f"by-{state.breakdown}")
    if state.sessiontype:
        parts.append(state.sessiontype.lower())
    if state.start or state.end:
        parts.append(f"{state.start or 'first'}_{state.end or 'last'}")
    return "_".join(parts) + ".csv"


# Spreadsheet programs read a file without a byte-order mark as their local code page, so
# "på" would show as "pÃ¥"; with it they read UTF-8.
BOM = "\ufeff"


def download(chart: str, state: ViewState, header: list[str], rows: list[list]) -> dict:
    """The dict dcc.Download expects: UTF-8 CSV text with a byte-order mark."""
    return {
        "content": BOM + to_csv(header, rows),
        "filename": filename(chart, state),
        "type": "text/csv",
        "base64": False,
    }
