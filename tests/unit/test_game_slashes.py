"""The game API answers with or without a trailing slash, as the /data routes do."""

from __future__ import annotations


def test_a_whole_game_through_slashed_urls(game_client):
    response = game_client.post("/guess/start/", json={"max_value": 10, "user": "Slash"})
    assert response.status_code == 201, response.get_data(as_text=True)
    game_id = response.get_json()["game_id"]

    low, high = 1, 10
    while True:
        middle = (low + high) // 2
        response = game_client.post(f"/guess/{game_id}/", json={"guess": middle})
        assert response.status_code == 200, response.get_data(as_text=True)
        result = response.get_json()["result"]
        if result == "correct":
            break
        low, high = (middle + 1, high) if result == "higher" else (low, middle - 1)

    recorded = game_client.post("/guess/finished/", json={"game_id": game_id})
    assert recorded.status_code == 200, recorded.get_data(as_text=True)
    assert [row["user"] for row in recorded.get_json()] == ["Slash"]

    for response in (
        game_client.get("/guess/hiscore/?max_value=10"),
        game_client.post("/guess/hiscore/", json={"max_value": 10}),
    ):
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert [row["user"] for row in response.get_json()] == ["Slash"]


def test_slashed_urls_still_refuse_bad_input_as_json(game_client):
    response = game_client.post("/guess/finished/", json={"guesses": 1, "max_value": 25})
    assert response.status_code == 400
    assert "game" in response.get_json()["error"]
    response = game_client.get("/guess/hiscore/?limit=101")
    assert response.status_code == 400
    assert "limit" in response.get_json()["error"]
