"""The leaderboards: par, the player board against restart farming, periods, placement, the API."""

from __future__ import annotations

import datetime as dt

import pytest

from data.game.rules import par
from tests.redis_fixtures import play_to_win, start_game
from web import services

DAY = 86_400


def near_midnight(now: float) -> float:
    """Half a minute before the end of the first Tuesday (UTC) at least two days after `now`.

    Derived from the Redis server's own clock, never a fixed date, so that the boards a test
    writes are in Redis's future whatever day the suite runs.
    """
    day = dt.datetime.fromtimestamp(now, dt.UTC).date() + dt.timedelta(days=2)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)  # weekday 1 is Tuesday
    return dt.datetime.combine(day, dt.time(23, 59, 30), dt.UTC).timestamp()


def redis_now(app) -> float:
    """The time on the Redis server that this app's store writes to."""
    with services.scores(app.server).provider.connection() as redis_client:
        seconds, micros = redis_client.time()
    return seconds + micros / 1e6


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(game_app) -> Clock:
    """The game store's clock, under the test's control."""
    store = services.scores(game_app.server)
    store.clock = Clock(near_midnight(redis_now(game_app)))
    return store.clock


def _win(client, max_value: int, user: str) -> int:
    return play_to_win(client, start_game(client, max_value, user), max_value)


def _finish(client, game_id: str, user: str | None = None, **extra):
    body = {"game_id": game_id, **({"user": user} if user else {}), **extra}
    response = client.post("/guess/finished", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _board(client, **params) -> list[dict]:
    response = client.get("/guess/hiscore", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(1, 1), (2, 2), (3, 2), (10, 4), (16, 5), (25, 5), (100, 7), (1000, 10), (10**6, 20)],
)
def test_par_is_the_worst_case_of_halving(maximum, expected):
    assert par(maximum) == expected


def test_start_answers_par_and_a_won_game_its_score(game_client):
    response = game_client.post("/guess/start", json={"max_value": 100, "user": "Ann"})
    assert response.get_json()["par"] == 7
    game_id = response.get_json()["game_id"]
    guesses = play_to_win(game_client, game_id, 100)
    answer = _finish(game_client, game_id, placement=True)
    assert answer["placement"]["game"] == {"guesses": guesses, "par": 7, "score": 7 - guesses}
    assert answer["placement"]["best"]["all"] == {"rank": 1, "of": 1}
    assert answer["placement"]["personal_best"]["guesses"] == guesses
    assert answer["hiscores"][0]["this_game"] is True


def test_todays_answer_only_gains_rank_and_par(game_client):
    game_id = start_game(game_client, 25, "Ann")
    guesses = play_to_win(game_client, game_id, 25)
    listed = _finish(game_client, game_id)
    assert isinstance(listed, list)
    [entry] = _board(game_client, max_value=25)
    assert set(entry) == {"rank", "user", "guesses", "date", "par"}
    assert (entry["rank"], entry["user"], entry["guesses"], entry["par"]) == (1, "Ann", guesses, 5)
    assert _board(game_client, max_value=25, board="best", period="all", unique=0, limit=10) == [
        entry
    ]


def test_binary_search_player_outranks_a_restart_farmer(game_client):
    """The farmer restarts until a lucky first guess; each restart counts as par + 1 guesses.

    At maximum 100 a first guess wins one game in a hundred: hundreds of starts for a few wins.
    """
    # Hundreds of starts from one address stay under the cap on games in play: each restart
    # ends the game it abandons.
    maximum, abandoned = 100, par(100) + 1
    searched = []
    for _ in range(12):  # by binary search: never more than par
        game_id = start_game(game_client, maximum, "Searcher")
        searched.append(play_to_win(game_client, game_id, maximum))
        _finish(game_client, game_id)
    counted, previous = [], None  # the farmer's games as the board must count them
    while counted.count(1) < 3:
        assert len(counted) < 3000, "no lucky first guess in 3000 starts"
        game_id = start_game(game_client, maximum, "Farmer")
        if previous is not None:
            counted.append(abandoned)  # the start abandoned the previous game
        answer = game_client.post(f"/guess/{game_id}", json={"guess": 1}).get_json()
        previous = None if answer["result"] == "correct" else game_id
        if previous is None:
            _finish(game_client, game_id)
            counted.append(1)
    best = _board(game_client, max_value=maximum, unique=1)
    [farmer_best] = [row for row in best if row["user"] == "Farmer"]
    assert farmer_best["guesses"] == 1 and farmer_best["rank"] <= 2  # luck tops the best games
    players = _board(game_client, max_value=maximum, board="players")
    assert [row["user"] for row in players] == ["Searcher", "Farmer"], players
    searcher, farmer = players
    assert searcher["average"] == round(sum(searched[-10:]) / 10, 2) <= par(maximum)
    assert farmer["average"] == round(sum(counted[-10:]) / 10, 2) > searcher["average"]
    assert searcher["games"] == farmer["games"] == 10  # the last 10 counted games
    print(f"\nfarmer: {len(counted)} counted games for 3 lucky wins, average {farmer['average']}")


def test_abandoned_games_count_once_and_end(game_client):
    store = services.scores(game_client.application)
    first = start_game(game_client, 25, "Ann")
    second = start_game(game_client, 25, "ann")  # the same player: the first is abandoned
    # It ended: its id is unknown now, so it can be neither played on nor counted again.
    assert game_client.post(f"/guess/{first}", json={"guess": 1}).status_code == 404
    assert game_client.post("/guess/finished", json={"game_id": first}).status_code == 404
    row = store.hiscores(25, board="players", user="Ann")[-1]
    assert row["games"] == 1 and row["average"] == par(25) + 1 and row["rank"] is None
    # A won game is not abandoned by the next start.
    play_to_win(game_client, second, 25)
    _finish(game_client, second)
    start_game(game_client, 25, "Ann")
    row = store.hiscores(25, board="players", user="Ann")[-1]
    assert row["games"] == 2
    # Another maximum is another board: a game in play there stays in play.
    other = start_game(game_client, 100, "Ann")
    start_game(game_client, 10, "Ann")
    assert game_client.post(f"/guess/{other}", json={"guess": 50}).status_code == 200


def test_expired_games_count_as_abandoned(make_app, game_config):
    app = make_app(**game_config, GAME_TTL_SECONDS=1)
    client = app.server.test_client()
    store = services.scores(app.server)
    clock = store.clock = Clock(near_midnight(redis_now(app)) - 3600)
    start_game(client, 25, "Bea")
    clock.now += 5  # Bea's game has expired; any start at this maximum finds it
    start_game(client, 25, "Cal")
    [row] = [r for r in store.hiscores(25, board="players", user="Bea") if r["user"] == "Bea"]
    assert (row["games"], row["average"]) == (1, par(25) + 1)


def test_games_named_only_at_the_finish_stay_off_every_board(game_client):
    for _ in range(6):
        response = game_client.post("/guess/start", json={"max_value": 10})
        game_id = response.get_json()["game_id"]
        play_to_win(game_client, game_id, 10)
        body = {"game_id": game_id, "user": "Nameless"}
        assert game_client.post("/guess/finished", json=body).status_code == 409
    assert _board(game_client, max_value=10) == []
    assert _board(game_client, max_value=10, board="players", user="Nameless") == []


def test_period_boards_roll_over_at_the_utc_boundary(game_client, clock):
    for _ in range(5):
        _win_and_finish(game_client, "Ann")
    assert len(_board(game_client, max_value=25, period="day")) == 5
    assert [
        r["user"] for r in _board(game_client, max_value=25, board="players", period="day")
    ] == ["Ann"]
    clock.now += 60  # Wednesday 00:00:30 UTC: a new day, the same ISO week
    assert _board(game_client, max_value=25, period="day") == []
    assert _board(game_client, max_value=25, board="players", period="day") == []
    assert len(_board(game_client, max_value=25, period="week")) == 5
    _win_and_finish(game_client, "Bo")
    assert [r["user"] for r in _board(game_client, max_value=25, period="day")] == ["Bo"]
    clock.now += 6 * DAY  # Tuesday of the next ISO week
    assert _board(game_client, max_value=25, period="week") == []
    assert len(_board(game_client, max_value=25, period="all")) == 6


def test_period_boards_expire_by_themselves(game_client, clock):
    _win_and_finish(game_client, "Ann")
    store = services.scores(game_client.application)
    tuesday = dt.datetime.fromtimestamp(clock.now, dt.UTC).date()
    year, week, _ = tuesday.isocalendar()
    with store.provider.connection() as redis_client:
        day_key = next(redis_client.scan_iter(match=store.ranking_key(25) + ":day:*"))
        week_key = next(redis_client.scan_iter(match=store.ranking_key(25) + ":week:*"))
        assert day_key.endswith(f":day:{tuesday.isoformat()}")
        assert week_key.endswith(f":week:{year}-W{week:02d}")
        # Until the end of the period plus a day's margin (Wednesday's end; the next Monday's
        # end), counted from the store's clock: Redis is told the seconds left, not the moment,
        # so its own clock may differ.
        for key, days_after in ((day_key, 2), (week_key, 7)):
            until = dt.datetime.combine(tuesday + dt.timedelta(days=days_after), dt.time(), dt.UTC)
            assert abs(redis_client.ttl(key) - (until.timestamp() - clock.now)) < 10, key
        assert redis_client.ttl(store.ranking_key(25)) == -1


def _win_and_finish(client, user: str) -> int:
    game_id = start_game(client, 25, user)
    guesses = play_to_win(client, game_id, 25)
    _finish(client, game_id)
    return guesses


def test_unique_board_and_the_players_pinned_row(game_client):
    for user in ("Ann", "Ann", "Bo", "Cy"):
        _win_and_finish(game_client, user)
    unique = _board(game_client, max_value=25, unique=1)
    assert sorted(r["user"] for r in unique) == ["Ann", "Bo", "Cy"]
    assert [r["rank"] for r in unique] == [1, 2, 3]
    # Whoever is not first (the secrets are random): their row is pinned below a top of one.
    second = unique[1]["user"]
    top = _board(game_client, max_value=25, limit=1, user=second.lower())
    assert len(top) == 2 and top[1]["user"] == second and top[1]["this_player"] is True
    assert top[1]["rank"] > 1
    mine = _board(game_client, max_value=25, limit=10, user="Bo")
    assert len(mine) == 4 and [r.get("this_player", False) for r in mine].count(True) == 1


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"board": "worst"}, "board"),
        ({"period": "year"}, "period"),
        ({"unique": "yes"}, "unique"),
        ({"user": "\u3164"}, "user"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_board_parameters_are_400(game_client, params, word):
    response = game_client.get("/guess/hiscore", query_string={"max_value": 25, **params})
    assert response.status_code == 400
    assert word in response.get_json()["error"]


def test_placement_on_every_board_and_period(game_client, clock):
    for _ in range(5):
        answer = _finish_with_placement(game_client, "Ann")
    where = answer["placement"]
    assert set(where["best"]) == set(where["players"]) == {"all", "week", "day"}
    assert where["players"]["day"] == {"rank": 1, "of": 1}
    assert where["average"]["all"]["games"] == 5
    clock.now += 60
    where = _finish_with_placement(game_client, "Ann")["placement"]
    assert where["best"]["day"] == {"rank": 1, "of": 1}
    assert where["best"]["week"]["of"] == 6
    assert where["players"]["day"] is None  # one game today: not ranked yet
    assert where["average"]["day"]["games"] == 1


def _finish_with_placement(client, user: str) -> dict:
    game_id = start_game(client, 25, user)
    play_to_win(client, game_id, 25)
    return _finish(client, game_id, placement=True)


def test_concurrent_finishes_count_once_on_every_board(game_client, clock):
    import threading

    game_id = start_game(game_client, 25, "Ann")
    play_to_win(game_client, game_id, 25)
    app = game_client.application
    statuses = []
    barrier = threading.Barrier(8)

    def finish():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/guess/finished", json={"game_id": game_id}).status_code)

    threads = [threading.Thread(target=finish) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    for period in ("all", "week", "day"):
        assert len(_board(game_client, max_value=25, period=period)) == 1
        [row] = _board(game_client, max_value=25, board="players", period=period, user="Ann")
        assert row["games"] == 1


def test_a_stranger_cannot_abandon_another_players_game(game_client):
    def start(client, address: str, user: str):
        return client.post(
            "/guess/start",
            json={"max_value": 10, "user": user},
            environ_base={"REMOTE_ADDR": address},
        )

    carols = start(game_client, "10.0.0.12", "carol").get_json()["game_id"]
    # Someone else, elsewhere, under her name: refused (the name is hers), so nothing ends.
    stranger = game_client.application.test_client()
    assert start(stranger, "10.0.0.14", "CAROL").status_code == 403
    # Carol herself on another network (her key, her phone) plays a second game beside it.
    assert start(game_client, "10.0.0.14", "Carol").status_code == 201
    answer = game_client.post(
        f"/guess/{carols}", json={"guess": 5}, environ_base={"REMOTE_ADDR": "10.0.0.12"}
    )
    assert answer.status_code == 200  # her game is still in play
    assert _board(game_client, max_value=10, board="players", user="carol") == []
