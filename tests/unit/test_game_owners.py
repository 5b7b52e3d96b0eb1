"""Players own their names: the key or account that first plays under a name keeps it, against
the real Redis (embedded, and REDIS_URL when set)."""

from __future__ import annotations

from tests.redis_fixtures import play_to_win, start_game
from tests.unit.auth_support import OWN_ORIGIN, PASSWORD, sign_in
from tests.unit.test_game_api import win_in
from web import services
from web.auth.accounts import accounts
from web.player_keys import COOKIE, HEADER

VICTIM = "VICTIM"


def _secret(app, game_id: str) -> int:
    store = services.scores(app.server)
    with store.provider.connection() as client:
        return int(client.hget(store.game_key(game_id), "secret"))


def _start(client, user: str | None, max_value: int = 10, address: str = "10.0.0.1", **kw):
    body = {"max_value": max_value, **({"user": user} if user is not None else {})}
    return client.post("/guess/start", json=body, environ_base={"REMOTE_ADDR": address}, **kw)


def _average(client, user: str, max_value: int = 10) -> dict:
    rows = client.get(
        "/guess/hiscore",
        query_string={"max_value": max_value, "board": "players", "user": user},
    ).get_json()
    return next(row for row in rows if row.get("this_player"))


def test_a_name_given_only_at_the_finish_of_unnamed_restarts_never_ranks(game_app, game_client):
    # An honest player sets the record to beat.
    honest = start_game(game_client, 10, "Ann")
    win_in(game_app, game_client, honest, 3)
    assert game_client.post("/guess/finished", json={"game_id": honest}).status_code == 200
    # The attack: unnamed restarts (nothing counts against anyone) until a first guess is lucky.
    fisher = game_app.server.test_client()
    games = [_start(fisher, None, address="10.0.0.9").get_json()["game_id"] for _ in range(5)]
    lucky = games[-1]
    first = fisher.post(f"/guess/{lucky}", json={"guess": _secret(game_app, lucky)})
    assert first.get_json() == {"result": "correct", "guesses": 1}
    for name in ("Fisher", "Ann", None):
        body = {"game_id": lucky, "placement": True, **({"user": name} if name else {})}
        refused = fisher.post("/guess/finished", json=body)
        assert refused.status_code == 409
        assert "anonymous" in refused.get_json()["error"]
    best = game_client.get("/guess/hiscore?max_value=10").get_json()
    assert [(row["user"], row["guesses"]) for row in best] == [("Ann", 3)]


def test_starts_under_anothers_name_are_refused_and_leave_their_average(game_app, game_client):
    # The victim plays 6 games at home: 5, 6, 5, 6, 5, 5 guesses.
    for guesses in (5, 6, 5, 6, 5, 5):
        game_id = _start(game_client, VICTIM).get_json()["game_id"]
        win_in(game_app, game_client, game_id, guesses)
        assert game_client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
    before = _average(game_client, VICTIM)
    assert (before["average"], before["games"]) == (5.33, 6)

    # 10 starts under the name from another address (each would abandon the last): all refused,
    # in any case or width the boards treat as the same name.
    attacker = game_app.server.test_client()
    for attempt in range(10):
        name = (VICTIM, "victim", "\uff36\uff29\uff23\uff34\uff29\uff2d")[attempt % 3]
        refused = _start(attacker, name, address="10.6.6.6")
        assert refused.status_code == 403
        assert "belongs to another player" in refused.get_json()["error"]
    after = _average(game_client, VICTIM)
    assert (after["average"], after["games"]) == (5.33, 6)
    # The victim's game in play is still theirs to win.
    game_id = _start(game_client, "victim").get_json()["game_id"]
    assert game_client.post(f"/guess/{game_id}", json={"guess": 1}).status_code == 200


def test_the_owner_keeps_the_name_from_the_same_key_and_another_key_cannot(game_app):
    # A script: no cookies; the start answer carries the key, later requests send it back.
    script = game_app.server.test_client(use_cookies=False)
    first = _start(script, "Bob")
    assert first.status_code == 201
    key = first.get_json()["player_key"]
    again = _start(script, "bob", headers={HEADER: key}, address="10.0.0.2")
    assert again.status_code == 201  # the same key, from anywhere
    assert again.get_json()["player_key"] == key
    play_to_win(script, again.get_json()["game_id"], 10)
    finished = script.post("/guess/finished", json={"game_id": again.get_json()["game_id"]})
    assert [row["user"] for row in finished.get_json()] == ["bob"]

    # Without the key the script is a new player, and the name is not theirs.
    assert _start(script, "Bob").status_code == 403
    other = _start(script, "Someone else")
    assert other.status_code == 201 and other.get_json()["player_key"] != key
    assert (
        _start(script, "Bob", headers={HEADER: other.get_json()["player_key"]}).status_code == 403
    )
    # A made-up or altered key is refused (it would otherwise pass for a new player).
    # (The id is altered: the signature's last character carries 2 unused bits.)
    altered = ("A" if key[0] != "A" else "B") + key[1:]
    for forged in ("key", altered, "x" * 500):
        answer = _start(script, "Bob", headers={HEADER: forged})
        assert answer.status_code == 400
        assert HEADER in answer.get_json()["error"]


def test_a_browser_keeps_its_key_in_an_httponly_cookie(game_app, game_client):
    first = _start(game_client, "Cleo")
    assert first.status_code == 201
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/guess", "Max-Age="):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain HTTP here; set behind TLS
    # The page's script never needs the key: a start that sent the cookie does not echo it.
    second = _start(game_client, "cleo")
    assert second.status_code == 201 and "player_key" not in second.get_json()
    stranger = game_app.server.test_client()
    assert _start(stranger, "CLEO").status_code == 403
    # A cookie that does not verify (another server's key) is a new player, not an error.
    stranger.set_cookie(COOKIE, "forged.value", path="/guess")
    assert _start(stranger, "Cleo").status_code == 403
    assert _start(stranger, "Dora").status_code == 201


def test_ownership_survives_a_restart_and_needs_the_same_secret_key(make_app, game_config):
    first = make_app(**game_config)
    answer = _start(first.server.test_client(), "Eli")
    key = answer.get_json()["player_key"]
    services.redis_provider(first.server).close()

    second = make_app(**game_config)  # a new app object on the same Redis and SECRET_KEY
    client = second.server.test_client(use_cookies=False)
    assert _start(client, "ELI", headers={HEADER: key}).status_code == 201
    assert _start(client, "Eli").status_code == 403
    services.redis_provider(second.server).close()

    rekeyed = make_app(**game_config, SECRET_KEY="another")
    refused = _start(rekeyed.server.test_client(), "Eli", headers={HEADER: key})
    assert refused.status_code == 400  # a key signed with another secret is not this server's


def test_a_signed_in_account_owns_its_names_from_any_browser(make_app, game_config, tmp_path):
    app = make_app(**game_config, AUTH="on", ACCOUNTS_DATABASE=str(tmp_path / "accounts.sqlite"))
    store = accounts(app.server)
    for name in ("fay", "gus"):
        store.create(name, "viewer", password=PASSWORD)
    laptop, phone, other = (app.server.test_client() for _ in range(3))
    for client, name in ((laptop, "fay"), (phone, "fay"), (other, "gus")):
        assert sign_in(client, name).status_code == 302
    own = {"headers": {"Origin": OWN_ORIGIN}}  # a signed-in browser's POST says its origin
    started = _start(laptop, "Fay", **own)
    assert started.status_code == 201 and "player_key" not in started.get_json()
    assert _start(phone, "fay", **own).status_code == 201  # the account, from another browser
    assert _start(other, "Fay", **own).status_code == 403  # another account
    stranger = app.server.test_client()  # not signed in: its own browser key
    assert _start(stranger, "Fay").status_code == 403


def test_a_game_from_before_owners_is_owned_by_who_finishes_it(game_app, game_client):
    store = services.scores(game_app.server)
    assert _start(game_client, "Hal").status_code == 201  # Hal's name is taken
    for game_id, user in (("oldGameHal0123456789", "Hal"), ("oldGameIvy0123456789", "Ivy")):
        with store.provider.connection() as client:
            client.hset(
                store.game_key(game_id),
                mapping={"secret": 3, "max_value": 10, "user": user, "player": user.lower(),
                         "named": 1, "guesses": 1, "last": 3, "won": 1},
            )  # fmt: skip
            client.expire(store.game_key(game_id), 60)
    stranger = game_app.server.test_client()
    taken = stranger.post("/guess/finished", json={"game_id": "oldGameHal0123456789"})
    assert taken.status_code == 403
    free = stranger.post("/guess/finished", json={"game_id": "oldGameIvy0123456789"})
    assert free.status_code == 200
    assert _start(game_client, "Ivy").status_code == 403  # claimed by who recorded it
    assert _start(stranger, "Ivy").status_code == 201
