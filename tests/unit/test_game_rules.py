"""The game's input rules (pure functions, no Redis)."""

from __future__ import annotations

import pytest

from data.game.rules import (
    InvalidInput,
    is_game_id,
    parse_guess,
    parse_limit,
    parse_max_value,
    parse_user,
    player_key,
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


@pytest.mark.parametrize(
    "name",
    [
        "Ølaf",
        "Иван",
        "李小龙",
        "नमस्ते",
        "தமிழ்",
        "می\u200cخواهم",  # Persian needs its ZWNJ
        "क्\u200dष",  # a Devanagari half form with ZWJ
        "👩\u200d💻 Ada",  # an emoji ZWJ sequence
        "🧑🏽\u200d💻",  # with a skin tone
        "🏳️\u200d🌈",  # with U+FE0F before the joiner
        "❤️ fan",  # a variation selector
        "山田\u3000太郎",  # an ideographic space between words
        "ปุ้ย",  # Thai: as many marks as letters is fine
        "?!",
    ],
)
def test_names_of_every_script_are_welcome(name):
    assert parse_user(name) == name


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("\u3164", "invisible characters \\(U\\+3164\\)"),
        ("\u115f", "invisible characters \\(U\\+115F\\)"),
        ("\u1160", "invisible"),
        ("\uffa0", "invisible"),
        ("\u2800", "invisible"),
        ("\u034f", "invisible"),
        ("\u17b4", "invisible"),
        ("\u17b5", "invisible"),
        ("\u180e", "invisible"),
        ("\u2060Ann", "invisible"),
        ("An\u2064n", "invisible"),
        ("\u200b", "invisible"),
        ("Ann\u3164", "invisible"),  # a filler anywhere, not only alone
        ("\u3164\u3164\u2800\uffa0", "invisible"),  # only fillers: drawn as blanks or boxes
        ("\u3000", "empty"),
        ("\u3000\u00a0\u3000", "empty"),
        ("a\u200db", "joiner"),  # between two Latin letters
        ("a\u200cb", "joiner"),
        ("\u200dAnn", "joiner"),  # at an end
        ("Ann\u200d", "joiner"),
        ("می\u200c", "joiner"),
        ("👩\u200d\u200d💻", "joiner"),  # doubled
        ("a\u200d 💻", "joiner"),
        ("a" + "".join(chr(0x0300 + i) for i in range(31)), "combining marks"),
        ("abcdef" + "\u0334" * 5, "more than 4 combining marks"),
        ("ab\u0334\u0335\u0336", "not combining marks"),  # marks outnumber the rest
        ("\u0301", "visible letter, digit or symbol"),
        ("\u0301\u0302 \u0303", "visible letter, digit or symbol"),
    ],
)
def test_invisible_or_stacked_names_are_refused_with_a_reason(raw, message):
    with pytest.raises(InvalidInput, match=message):
        parse_user(raw)


def test_names_are_nfc_normalised_before_the_length_limit():
    assert parse_user("Zoe\u0308") == "Zo\u00eb"  # decomposed in, composed out
    assert parse_user("e\u0301" * 32) == "\u00e9" * 32  # 64 code points, 32 characters
    assert parse_user("abcdef" + "\u0334" * 4) == "abcdef" + "\u0334" * 4
    with pytest.raises(InvalidInput, match="at most 32 characters"):
        parse_user("e\u0301" * 33)


def test_player_key_is_the_normalised_case_folded_name():
    assert player_key("Ølaf") == player_key("ØLAF") == player_key("ølaf")
    assert player_key("ａｎｎ") == player_key("Ann")  # fullwidth letters are the same player
    assert player_key("Straße") == player_key("STRASSE")
    assert player_key("Zoë") == player_key("ZOE\u0308")
    assert player_key("Ann") != player_key("Anne")


def test_a_name_cannot_start_with_a_combining_mark():
    with pytest.raises(InvalidInput, match="combining mark"):
        parse_user("\u0332" * 4 + "abcd")
