"""The guessing game under /guess: its page and its JSON API (start, guess, finished, hiscore)."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, render_template, request

from config import PROJECT_ROOT
from data.game.board_periods import DEFAULT_PERIOD, PERIODS
from data.game.boards import BOARDS, DEFAULT_BOARD
from data.game.rules import (
    DEFAULT_MAX_VALUE,
    MAX_MAX_VALUE,
    MIN_MAX_VALUE,
    NAME_MAX_CHARS,
    OFFERED_MAX_VALUES,
    GameNotFound,
    InvalidInput,
    is_game_id,
    par,
    parse_choice,
    parse_flag,
    parse_guess,
    parse_limit,
    parse_max_value,
    parse_user,
)
from data.game.score_store import ScoreStore
from web import player_keys, services
from web.errors import ClientError
from web.limits import client_key, rate_limited
from web.paths import GAME_PREFIX

bp = Blueprint("guess", __name__, url_prefix=GAME_PREFIX)
# API routes answer with or without a trailing slash, like the /data routes (scripts add one).
# Runs for error answers too: a refused start still hands a new player their key.
bp.after_request(player_keys.remember)


def _store() -> ScoreStore:
    return services.scores()


def json_body() -> dict:
    """The request's JSON object; the one place that enforces the game API's body rules."""
    limit = int(current_app.config.get("GAME_MAX_BODY_BYTES", 16384))
    if request.content_length is not None and request.content_length > limit:
        raise ClientError(413, f"request body too large (at most {limit} bytes)")
    if request.mimetype != "application/json":
        raise ClientError(415, "send a JSON body with Content-Type: application/json")
    raw = request.stream.read(limit + 1) if request.content_length is None else request.get_data()
    if len(raw) > limit:
        raise ClientError(413, f"request body too large (at most {limit} bytes)")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError and huge-int errors are ValueErrors
        raise ClientError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ClientError(400, "the body must be a JSON object")
    return body


@bp.get("/")
def page():
    """The game page; a bad max_value or user in the URL shows a message, never an error page."""
    notices = []
    max_value = DEFAULT_MAX_VALUE
    if request.args.get("max_value") is not None:
        try:
            max_value = parse_max_value(request.args["max_value"], from_text=True)
        except InvalidInput as exc:
            notices.append(f"{exc}. Showing the game from 1 to {DEFAULT_MAX_VALUE} instead.")
    user = ""
    if (request.args.get("user") or "").strip():
        try:
            user = parse_user(request.args["user"])
        except InvalidInput as exc:
            notices.append(f"The name in the link was not used: {exc}.")
    html = render_template(
        "guess.html",
        max_value=max_value,
        max_options=sorted({*OFFERED_MAX_VALUES, max_value}),
        # Par of each offered maximum, so the page shows it before a game exists.
        pars={option: par(option) for option in {*OFFERED_MAX_VALUES, max_value}},
        user=user,
        notices=notices,
        name_max=NAME_MAX_CHARS,
        min_max=MIN_MAX_VALUE,
        max_max=MAX_MAX_VALUE,
        asset_version=_asset_version(),
    )
    return html, (400 if notices else 200)


@bp.post("/start", strict_slashes=False)
@rate_limited("RATELIMIT_GAME_START", "game starts")
def start():
    """Start a game: {"max_value": M, "user"?: U} -> 201 {"game_id", "max_value", "par"} (and
    "player_key" for a client that did not send its key in the cookie). A name belongs to the
    player (key or account) that first played under it: anyone else gets 403."""
    body = json_body()
    max_value = parse_max_value(body.get("max_value", DEFAULT_MAX_VALUE))
    user = parse_user(body["user"]) if body.get("user") is not None else None
    game = _store().start_game(max_value, user, client=client_key(), owner=player_keys.owner())
    key = player_keys.key_for_answer()
    return jsonify({**game, "player_key": key} if key else game), 201


@bp.post("/finished", strict_slashes=False)
def finished():
    """Record a won game once: {"game_id", "user"?, "placement"?} -> the high scores (and,
    with placement, where the game landed on every board)."""
    body = json_body()
    game_id = body.get("game_id")
    if game_id is None:
        # The tutorial's {"guesses", "max_value", "user"} lands here: a client's own count is
        # never trusted.
        raise ClientError(
            400,
            "scores are recorded only from a won game's id: "
            'send {"game_id": ..., "user": ...}; the server counts the guesses',
        )
    if not isinstance(game_id, str):
        raise ClientError(400, "game_id must be a string")
    if not is_game_id(game_id):
        raise GameNotFound("unknown or expired game")
    user = parse_user(body["user"]) if body.get("user") is not None else None
    limit = parse_limit(body.get("limit"))
    with_placement = parse_flag(body.get("placement"), "placement")
    recorded = _store().record(
        game_id, user, limit, with_placement=with_placement, owner=player_keys.owner()
    )
    return jsonify(recorded)


@bp.route("/hiscore", methods=["GET", "POST"], strict_slashes=False)
@rate_limited("RATELIMIT_GAME_READ", "high-score reads")
def hiscore():
    """A board for a maximum: ?max_value, board=best|players, period=all|week|day, unique, limit,
    user (that player's row marked, and pinned below when not in the top). GET query or the
    tutorial's POST body."""
    if request.method == "POST":
        values, from_text = json_body(), False
    else:
        values, from_text = request.args, True
    max_value = parse_max_value(values.get("max_value", DEFAULT_MAX_VALUE), from_text=from_text)
    user = values.get("user")
    entries = _store().hiscores(
        max_value,
        limit=parse_limit(values.get("limit"), from_text=from_text),
        board=parse_choice(values.get("board"), BOARDS, "board", DEFAULT_BOARD),
        period=parse_choice(values.get("period"), PERIODS, "period", DEFAULT_PERIOD),
        unique=parse_flag(values.get("unique"), "unique"),
        user=parse_user(user) if user not in (None, "") else None,
    )
    return jsonify(entries)


@bp.post("/<game_id>", strict_slashes=False)
@rate_limited("RATELIMIT_GAME_GUESS", "guesses")
def guess(game_id: str):
    """Count one guess: {"guess": N} -> {"result": "higher"|"lower"|"correct", "guesses": N}."""
    body = json_body()
    if "guess" not in body:
        raise ClientError(400, 'guess is required: send {"guess": N}')
    value = parse_guess(body["guess"])
    result = _store().guess(game_id, value)
    return jsonify(result=result.result, guesses=result.guesses)


def _asset_version() -> str:
    # Cache-busting query for the page's own files (Dash does the same with ?m=).
    try:
        return str(int((PROJECT_ROOT / "assets" / "game.js").stat().st_mtime))
    except OSError:
        return "0"
