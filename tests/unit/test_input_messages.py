"""Refusals read well: short values, JSON type names, and CLI options refused before any work."""

from __future__ import annotations

import pytest

from data.events.params import InvalidParameter, parse_num
from data.events.stores.sqlite_store import count_rows
from data.game.rules import InvalidInput, parse_guess, parse_max_value, parse_user


def test_a_huge_integer_num_is_not_echoed_whole():
    # The dashboard's slider may send 1e308, which becomes a 309-digit int before the range check.
    with pytest.raises(InvalidParameter) as caught:
        parse_num(int(1e308))
    message = str(caught.value)
    assert "from 1 to 1000" in message
    assert len(message) < 120


@pytest.mark.parametrize(
    ("parse", "value", "named"),
    [
        (parse_user, 5, "got a number"),
        (parse_user, ["Ann"], "got a list"),
        (parse_user, {"name": "Ann"}, "got an object"),
        (parse_guess, [13], "got a list"),
        (parse_max_value, {"max": 25}, "got an object"),
    ],
)
def test_wrong_json_types_are_named_as_json_names_them(parse, value, named):
    with pytest.raises(InvalidInput) as caught:
        parse(value)
    assert named in str(caught.value)
    assert " a int" not in str(caught.value) and "dict" not in str(caught.value)


def test_game_api_names_the_wrong_type(client):
    response = client.post("/guess/start", json={"max_value": 25, "user": 5})
    assert response.status_code == 400
    assert response.get_json() == {"error": "user must be a text name, got a number"}


def test_demo_data_refuses_a_negative_seed_without_a_traceback(runner, demo_db):
    before = count_rows(demo_db)
    result = runner.invoke(args=["demo-data", "--rows", "10", "--seed", "-1"])
    assert result.exit_code == 2
    assert "--seed" in result.output and "x>=0" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert count_rows(demo_db) == before  # refused before touching the database


def test_demo_data_seed_zero_still_works(runner, demo_db):
    result = runner.invoke(args=["demo-data", "--rows", "10", "--seed", "0"])
    assert result.exit_code == 0, result.output
    assert "wrote 10 demo events (seed 0)" in result.output
    assert count_rows(demo_db) == 10
