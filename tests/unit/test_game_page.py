"""The /guess/ page: served without Redis, CSP-friendly (no inline code or style), names as text."""

from __future__ import annotations

import re

import pytest


def _page(client, query=""):
    response = client.get(f"/guess/{query}")
    return response, response.get_data(as_text=True)


def test_page_defaults(client):
    response, html = _page(client)
    assert response.status_code == 200
    assert 'data-max-value="25"' in html
    assert 'href="/"' in html and "Reelboard" in html
    assert "/assets/vendor/bootstrap.min.css" in html
    assert re.search(r'<script src="/assets/game\.js\?v=\d+"', html)
    for option in (10, 25, 100, 1000):
        assert f'<option value="{option}"' in html
    assert 'id="user-name"' in html and 'id="guess-input"' in html and 'id="hiscore-table"' in html


def test_page_takes_max_value_and_user_from_the_url(client):
    response, html = _page(client, "?max_value=777&user=Zo%C3%AB")
    assert response.status_code == 200
    assert 'data-max-value="777"' in html
    assert '<option value="777" selected>' in html
    assert 'value="Zoë"' in html


@pytest.mark.parametrize("value", ["1", "10001", "abc", "25.5", "-3", "", "9" * 50])
def test_bad_max_value_shows_a_message_not_an_error(client, value):
    response, html = _page(client, f"?max_value={value}")
    assert response.status_code == 400
    assert "max_value must be a whole number from 2 to 10000" in html
    assert 'data-max-value="25"' in html  # the game still works, from 1 to 25
    assert "Traceback" not in html


def test_hostile_name_in_the_url_is_text(client):
    response, html = _page(client, "?user=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_bad_name_in_the_url_is_ignored_with_a_message(client):
    response, html = _page(client, "?user=" + "x" * 40)
    assert response.status_code == 400
    assert "The name in the link was not used" in html
    assert 'value=""' in html


def test_no_inline_script_style_or_handlers(client):
    _, html = _page(client, "?max_value=100&user=Ann")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.search(r"\sstyle\s*=", html) is None
    assert re.search(r"<style", html) is None
    assert re.search(r"\son[a-z]+\s*=", html) is None
    assert "javascript:" not in html


def test_game_assets_are_served(client):
    for path in ("/assets/game.js", "/assets/game.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
