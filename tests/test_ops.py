"""Operations in one process: /healthz, /readyz, /metrics and the per-client rate limits.

(``tests/test_serve_workers.py`` checks the same across two ``planner serve`` processes.)
"""
from __future__ import annotations

import pytest

from planner.composition import Settings
from planner.store.db import downgrade, upgrade
from planner.web import create_app
from planner.web.extensions import GROUPS

JOURNEY = "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-05-01&depart=09:00&lang=en"


@pytest.fixture
def make_app(tmp_path):
    made = []

    def make(**config):
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'planner.db'}", "INSTANCE_DIR": str(tmp_path),
                          "TILE_URL": "", "TESTING": True, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["planner"].close()


def test_healthz_answers_without_the_database(make_app):
    app = make_app()
    app.extensions["planner"].database.engine.dispose()
    app.extensions["planner"].database.engine.url = app.extensions["planner"].database.engine.url.set(
        database="/nonexistent/folder/planner.db")
    client = app.test_client()
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json["status"] == "ok" and answer.json["pid"] > 0
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_when_the_database_is_not_migrated_and_200_when_it_is(make_app):
    app = make_app()
    client = app.test_client()
    assert client.get("/readyz").json["status"] == "ready"
    engine = app.extensions["planner"].database.engine
    downgrade(engine, "0003_session_key")
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json["status"] == "not_ready"
    assert "0003_session_key" in answer.json["problems"][0] and "planner db upgrade" in answer.json["problems"][0]
    upgrade(engine)
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app()
    database = app.extensions["planner"].database
    (tmp_path / "planner.db").unlink()
    (tmp_path / "planner.db").mkdir()  # SQLite cannot open a folder
    database.engine.dispose()
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["problems"] == ["database unreachable: OperationalError"]


def test_metrics_count_requests_by_endpoint_and_status_with_bounded_labels(make_app):
    app = make_app()
    client = app.test_client()
    client.get("/api/places")
    client.get("/api/places")
    client.get("/no/such/page/x1")
    client.get("/no/such/page/x2")
    client.open("/api/places", method="BREW")
    text = client.get("/metrics").get_data(as_text=True)
    lines = text.splitlines()

    def value(prefix: str) -> float:
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(prefix))

    assert value('planner_http_requests_total{endpoint="api.places",method="GET",status="200"}') >= 2
    assert value('planner_http_requests_total{endpoint="unmatched",method="GET",status="404"}') >= 2
    assert value('planner_http_requests_total{endpoint="unmatched",method="other",status="405"}') >= 1
    assert "x1" not in text and "BREW" not in text  # paths and methods never become labels
    assert value('planner_http_request_duration_seconds_count{endpoint="api.places"}') >= 2
    assert "planner_day_plans_in_flight 0.0" in text
    for cache in ("comparisons", "plans", "feeds", "timetables", "endpoints", "profile_slices", "events"):
        assert f'planner_cache_entries{{cache="{cache}"}}' in text


def test_cache_entries_stay_within_their_sizes(make_app):
    app = make_app(TIMETABLE_CACHE_SIZE=1, ENDPOINT_CACHE_SIZE=3)
    client = app.test_client()
    for day in range(1, 4):
        for walk in (500, 600, 700, 800):
            assert client.get(JOURNEY.replace("05-01", f"05-0{day}") + f"&max_walk_m={walk}").status_code == 200
    sizes = app.extensions["planner"].cache_sizes()
    assert sizes["timetables"] == 1 and sizes["endpoints"] <= 3


def test_a_limit_answers_429_with_retry_after_in_the_error_shape(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_JOURNEYS="2/minute")
    client = app.test_client()
    assert [client.get(JOURNEY).status_code for _ in range(2)] == [200, 200]
    answer = client.get(JOURNEY)
    assert answer.status_code == 429
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    error = answer.json["error"]
    assert error["code"] == "rate_limited" and error["field"] is None
    assert (error["limit"], error["limit_value"]) == ("rate_limit_journeys", "2 per 1 minute")
    assert "2 per 1 minute (rate_limit_journeys)" in error["message"]
    page = client.get(JOURNEY.replace("/api/journeys", "/journeys"))  # the page shares the counter
    assert page.status_code == 429 and page.mimetype == "text/html" and page.headers["Retry-After"]
    assert client.get("/journeys").status_code == 200  # the empty form is not limited
    assert client.get("/api/places").status_code == 200
    other = client.get(JOURNEY, environ_base={"REMOTE_ADDR": "192.0.2.7"})  # another client has its own count
    assert other.status_code == 200


def test_day_plans_are_limited_only_when_asked(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_PLANS="1/minute")
    client = app.test_client()
    assert client.get("/itinerary").status_code == 200
    assert client.get("/itinerary").status_code == 200  # the form alone
    assert client.post("/api/itineraries", json={}).status_code != 429  # counted (and refused: no start)
    answer = client.post("/api/itineraries", json={})
    assert answer.status_code == 429 and answer.json["error"]["code"] == "rate_limited"


def test_limits_are_off_under_testing_unless_asked(make_app):
    app = make_app(RATE_LIMIT_JOURNEYS="1/minute")
    client = app.test_client()
    assert {client.get(JOURNEY).status_code for _ in range(3)} == {200}


def test_processes_share_counters_on_redis(make_app, redis_url):
    apps = [make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_COMPARE="3/minute", REDIS_URL=redis_url) for _ in range(2)]
    path = "/api/compare?from=dongjiao-memory&to=panda-south-gate&date=2024-13-01"
    statuses = [apps[i % 2].test_client().get(path).status_code for i in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_every_limited_endpoint_exists(make_app):
    app = make_app()
    for group in GROUPS:
        for endpoint in group.endpoints:
            assert endpoint in app.view_functions, f"{endpoint} ({group.scope}) is not an endpoint"
        assert getattr(Settings(), group.setting)


def test_a_bad_limit_stops_the_start_with_its_name():
    with pytest.raises(ValueError, match="rate_limit_plans"):
        Settings.from_overrides({"RATE_LIMIT_PLANS": "lots"})


def test_jobs_are_limited_when_asked_not_their_forms(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_JOBS="1/minute", WTF_CSRF_ENABLED=False,
                   PASSWORD_HASH_PARAMS={"time_cost": 1, "memory_cost": 8, "parallelism": 1})
    app.extensions["planner"].accounts.create("ada", "correct horse battery", "admin")
    client = app.test_client()
    assert client.post("/login", data={"name": "ada", "password": "correct horse battery"}).status_code == 302
    assert [client.get("/staff/import").status_code for _ in range(3)] == [200] * 3  # the form
    assert [client.get("/scenarios/dj-panda-shuttle/simulate").status_code for _ in range(3)] == [200] * 3
    first = client.get("/scenarios/dj-panda-shuttle/simulate?date=2024-05-01&replications=1&seed=1")
    assert first.status_code == 200
    again = client.post("/api/scenarios/dj-panda-shuttle/simulate", json={"date": "2024-05-01"})
    assert again.status_code == 429 and again.json["error"]["limit"] == "rate_limit_jobs"


def test_json_log_lines_name_their_process(client, capsys, root_logging):
    import json
    import os

    from planner.composition import configure_logging

    configure_logging(Settings.from_overrides({"log_level": "INFO", "log_format": "json"}))
    client.get("/healthz")
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert entries and entries[-1]["pid"] == os.getpid()
