"""Counts in labels take the noun in the right number: "1 view", "2 views", never "1 views"."""

from __future__ import annotations

from data.events.ingest.csv_import import import_csv
from layouts import ids
from layouts.cohort_figures import retention_table
from layouts.wording import counted
from testkit.dash_client import DashCallbacks
from tests.redis_fixtures import start_game
from tests.unit.test_game_api import _secret, win_in


def _row(title: str, user: str) -> str:
    return f"2025-03-03 20:00:00,{user},{title},TV,NO,30,90,33.3,,MOVIE,{title},,"


def test_counted():
    assert counted(1, "view") == "1 view"
    assert [counted(n, "view") for n in (0, 2, 12345)] == ["0 views", "2 views", "12,345 views"]
    assert counted(1, "guess", "guesses") == "1 guess"
    assert counted(3, "guess", "guesses") == "3 guesses"


def test_title_search_says_1_view(make_app, db_path, tmp_path):
    csv = tmp_path / "events.csv"
    lines = [_row("Alone", "a" * 32), _row("Twice", "b" * 32), _row("Twice", "c" * 32)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_csv(db_path, csv).imported == 3
    client = make_app(DATABASE_URL=f"sqlite:///{db_path}").server.test_client()
    sent = {f"{ids.TITLE_PICKER}.search_value": "", f"{ids.TITLE_PICKER}.value": None}
    answer = DashCallbacks.for_flask(client).response(ids.TITLE_PICKER, "options", sent)
    labels = {o["value"]: o["label"] for o in answer[ids.TITLE_PICKER]["options"]}
    assert labels == {"title:Twice": "Twice (2 views)", "title:Alone": "Alone (1 view)"}


def _tooltips(component) -> list[str]:
    """Every title attribute in a component tree, in order."""
    found = [component.title] if getattr(component, "title", None) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _tooltips(child)
    return found


def test_retention_tooltip_says_1_user():
    one = retention_table([{"cohort": "2025-03-03", "size": 1, "retained": [1, 0]}], "weekly")
    assert [t.rpartition(" (")[2] for t in _tooltips(one[0])] == ["1 of 1 user)", "0 of 1 user)"]
    two = retention_table([{"cohort": "2025-03-03", "size": 2, "retained": [2]}], "weekly")
    assert _tooltips(two[0])[0].endswith("(2 of 2 users)")


def test_import_summary_says_1_row(db_path, tmp_path):
    csv = tmp_path / "one.csv"
    csv.write_text(_row("Alone", "a" * 32) + "\n", encoding="utf-8")
    assert import_csv(db_path, csv).summary_lines()[0] == "imported 1 row, rejected 0"


def test_a_game_won_in_1_guess_says_1_guess(game_app, game_client):
    game_id = start_game(game_client, 25, "Ann")
    win_in(game_app, game_client, game_id, 1)
    other = 1 if _secret(game_app, game_id) != 1 else 2
    late = game_client.post(f"/guess/{game_id}", json={"guess": other})
    assert late.status_code == 409
    assert "(in 1 guess)" in late.get_json()["error"]
