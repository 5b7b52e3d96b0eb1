"""The game's input rules (pure functions, no Redis)."""

from __future__ import annotations

import pytest

from data.game_rules import (
    InvalidInput,
    is_game_id,
    parse_guess,
    parse_limit,
    parse_max_value,
    parse_user,
)


@pytest.mark.parametrize("value", [2, 25, 10_000])
def test_max_value_accepts_the_range(value):
    assert parse_max_value(value) == value
    assert parse_max_value(str(value), from_text=True) == value


@pytest.mark.parametrize("value", [1, 10_001, -5, "25", 25.0, True, None, [25], 10**100])
def test_max_value_refuses_the_rest(value):
    with pytest.raises(InvalidInput, match="max_value must be a whole number"):
        parse_max_value(value)


@pytest.mark.parametrize("text", ["", " ", "1e3", "0x10", "25.0", "+25", "٢٥", "9" * 7])
def test_max_value_text_refuses_non_digits(text):
    with pytest.raises(InvalidInput):
        parse_max_value(text, from_text=True)


@pytest.mark.parametrize("value", [0, -1, 10_001, "3", 3.0, False, None])
def test_guess_refusals(value):
    with pytest.raises(InvalidInput):
        parse_guess(value)


def test_limit_defaults_and_bounds():
    assert parse_limit(None) == 10
    assert parse_limit(100) == 100
    assert parse_limit("7", from_text=True) == 7
    for bad in (0, 101, "5", True):
        with pytest.raises(InvalidInput):
            parse_limit(bad)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("  Ann ", "Ann"),
        ("Zoë", "Zoë"),
        ("山田", "山田"),
        ("می‌خواهم", "می‌خواهم"),
        ("👩‍💻 Dev", "👩‍💻 Dev"),
        ("x" * 32, "x" * 32),
    ],
)
def test_names_are_trimmed_and_kept(raw, name):
    assert parse_user(raw) == name


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "x" * 33, "a\tb", "a\x07", "a\u202eb", "a\u2028b", "\ufeffAnn", 7, None, ["Ann"]],
)
def test_bad_names_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_user(raw)


def test_game_id_shape():
    assert is_game_id("AbC-_123xyzAbC-_123xyz")
    for bad in ("short", "has space in it!", "../../etc/passwd", "x" * 65, 5, None):
        assert not is_game_id(bad)
