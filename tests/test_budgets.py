"""A budget for every request (issue 14 item 1): beyond each limit the right status, naming the setting
and its value; the OpenAPI document states the settings' values; busy work answers 503 with Retry-After.

Memory under an attack of distinct parameters is measured by ``benchmarks/attack.py``, not here.
"""
from __future__ import annotations

import json
import threading

import pytest
from werkzeug.datastructures import MultiDict

from planner.store.ical import import_calendar
from planner.web.api_models import JourneyQuery, parse_query
from planner.domain.errors import Busy
from planner.web.budgets import Gate, gate

#: Small budgets, so that each is reached by a cheap request.
SMALL = {"PLAN_MUST_MAX": 7, "PLAN_INTERESTS_MAX": 3, "MAX_JSON_BYTES": 2048, "MAX_JSON_DEPTH": 4,
         "MAX_QUERY_BYTES": 1024, "MAX_QUERY_PARAMS": 20, "COMPARE_WINDOW_MAX_MIN": 60, "COMPARE_BUILDS_MAX": 1,
         "JOURNEY_BUILDS_MAX": 1, "JOURNEY_WALK_MAX_M": 2000, "JOURNEY_WALK_STEP_M": 250,
         "JOURNEY_TRANSFER_STEP_S": 30, "BUSY_RETRY_AFTER_S": 7, "BUSY_WAIT_S": 0,
         "MAX_SESSIONS_PER_SERIES": 50, "RATE_LIMIT_PLANS": "3/minute"}
JOURNEY = "/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=08:00"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from planner.web import create_app

    folder = tmp_path_factory.mktemp("budgets")
    return create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{folder / 'planner.db'}",
                       "IMPORT_DIR": str(folder / "imports"), **SMALL})


@pytest.fixture
def tiny(small):
    return small.test_client()


def limit_of(answer, status: int) -> tuple[str, str | None, object]:
    """The error's code, the setting it names and that setting's value, after checking the status."""
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    error = answer.get_json()["error"]
    return error["code"], error.get("limit"), error.get("limit_value")


def test_a_query_string_over_its_size_answers_414_naming_the_limit(client, tiny):
    assert limit_of(tiny.get("/api/places?x=" + "a" * 2000), 414) == ("query_too_long", "max_query_bytes", 1024)
    assert limit_of(client.get("/api/places?x=" + "a" * 100_000), 414) == ("query_too_long", "max_query_bytes", 8192)
    page = tiny.get("/?lang=en&x=" + "a" * 2000)  # a page answers as a page, naming it too
    assert page.status_code == 414 and "max_query_bytes" in page.get_data(as_text=True)
    assert tiny.get("/api/places?x=" + "a" * 900).status_code == 200


def test_many_repeated_parameters_answer_400_naming_the_limit(client, tiny):
    assert limit_of(tiny.get("/api/places?" + "&".join(["a=1"] * 21)), 400) == (
        "too_many_parameters", "max_query_params", 20)
    assert limit_of(client.get("/api/places?" + "&".join(["must=x"] * 1000)), 400)[1:] == ("max_query_params", 200)
    assert tiny.get("/api/places?" + "&".join(["a=1"] * 20)).status_code == 200


def test_a_json_body_over_its_size_answers_413_naming_the_limit(client, tiny):
    body = json.dumps({"start": "dongjiao-memory", "must": ["x" * 90] * 30})  # ~3 KiB
    assert limit_of(tiny.post("/api/itineraries", data=body, content_type="application/json"), 413) == (
        "body_too_large", "max_json_bytes", 2048)
    huge = json.dumps({"start": "x" * 70_000})
    assert limit_of(client.post("/api/itineraries", data=huge, content_type="application/json"), 413) == (
        "body_too_large", "max_json_bytes", 65536)
    # the app's own limit (max_upload_bytes, for .ics uploads) is not a JSON body's
    assert client.application.config["MAX_CONTENT_LENGTH"] > 65536


def test_a_deep_json_body_answers_400_naming_the_limit(client, tiny):
    deep = '{"start": "dongjiao-memory", "must": [[[[["x"]]]]]}'
    answer = tiny.post("/api/itineraries", data=deep, content_type="application/json")
    assert limit_of(answer, 400) == ("json_too_deep", "max_json_depth", 4)
    nested = "[" * 30_000 + "]" * 30_000  # under the size, past Python's own parser: counted as deeper than any limit
    assert limit_of(client.post("/api/itineraries", data=nested, content_type="application/json"), 400) == (
        "json_too_deep", "max_json_depth", 16)
    simulate = tiny.post("/api/scenarios/proposal/simulate", data="[[[[[1]]]]]", content_type="application/json")
    assert limit_of(simulate, 400)[0] == "json_too_deep"


def test_day_plan_lists_beyond_their_settings_name_them(client, tiny):
    answer = tiny.post("/api/itineraries", json={"start": "dongjiao-memory", "must": [f"p{i}" for i in range(8)]})
    assert limit_of(answer, 400) == ("too_long", "plan_must_max", 7)
    assert answer.get_json()["error"]["field"] == "$.must"
    answer = tiny.post("/api/itineraries", json={"start": "dongjiao-memory", "interests": ["a", "b", "c", "d"]})
    assert limit_of(answer, 400) == ("too_long", "plan_interests_max", 3)
    many = {"start": "dongjiao-memory", "must": [f"p{i}" for i in range(100_000)]}  # over the size first
    assert limit_of(client.post("/api/itineraries", json=many), 413)[1] == "max_json_bytes"
    thirty_one = {"start": "dongjiao-memory", "must": [f"p{i}" for i in range(31)]}
    assert limit_of(client.post("/api/itineraries", json=thirty_one), 400) == ("too_long", "plan_must_max", 30)


def test_a_journeys_walk_limit_is_bounded_and_rounded_to_its_step(client, tiny, app, small):
    assert limit_of(tiny.get(JOURNEY + "&date=2024-02-12&max_walk_m=2001"), 400) == (
        "less_than_equal", "journey_walk_max_m", 2000)
    assert limit_of(client.get(JOURNEY + "&date=2024-02-12&max_walk_m=5001"), 400)[1:] == ("journey_walk_max_m", 5000)
    with app.app_context():  # defaults: 100 m and 60 s steps
        query = parse_query(JourneyQuery, MultiDict({"from": "a", "to": "b", "depart": "08:00",
                                                     "max_walk_m": "849.4", "min_transfer_s": "91"}))
        assert (query.max_walk_m, query.min_transfer_s) == (800, 120)
        assert parse_query(JourneyQuery, MultiDict({"from": "a", "to": "b", "depart": "08:00",
                                                    "max_walk_m": "1e-320"})).max_walk_m == 0
    with small.app_context():
        query = parse_query(JourneyQuery, MultiDict({"from": "a", "to": "b", "depart": "08:00",
                                                     "max_walk_m": "849.4", "min_transfer_s": "91"}))
        assert (query.max_walk_m, query.min_transfer_s) == (750, 90)


def test_a_comparison_window_longer_than_its_setting_answers_400(client, tiny):
    answer = client.get("/api/compare?date=2024-02-12&start=00:00&end=30:00")
    assert limit_of(answer, 400) == ("window_too_long", "compare_window_max_min", 1440)
    assert answer.get_json()["error"]["field"] == "end"
    assert limit_of(tiny.get("/api/compare?date=2024-02-12&start=08:00&end=09:01"), 400)[1:] == (
        "compare_window_max_min", 60)
    # a window one end of which is the default (the shuttle's service hours) is bounded too
    assert limit_of(tiny.get("/api/compare?date=2024-02-12&start=08:00"), 400)[0] == "window_too_long"
    assert tiny.get("/api/compare?date=2024-02-12&start=08:00&end=09:00").status_code == 200


def test_more_comparisons_at_once_than_the_budget_answer_503_with_retry_after(small, tiny):
    with small.app_context():
        busy_gate = gate("comparisons", "compare_builds_max")
    with busy_gate.enter("another comparison being computed"):
        answer = tiny.get("/api/compare?date=2024-02-13&start=10:00&end=10:30")
        assert limit_of(answer, 503)[:2] == ("busy", "compare_builds_max")
        assert answer.headers["Retry-After"] == "7" and answer.get_json()["error"]["retry_after_s"] == 7
    assert tiny.get("/api/compare?date=2024-02-13&start=10:00&end=10:30").status_code == 200
    with busy_gate.enter("another comparison being computed"):  # a comparison kept costs nothing: no gate
        assert tiny.get("/api/compare?date=2024-02-13&start=10:00&end=10:30").status_code == 200
    with small.app_context():
        builds = gate("journeys", "journey_builds_max")
    with builds.enter("a timetable being built for a journey"):  # a comparison is one of those builds too
        answer = tiny.get("/api/compare?date=2024-02-16&start=10:00&end=10:30")
        assert limit_of(answer, 503)[:2] == ("busy", "journey_builds_max")


def test_more_timetables_built_at_once_than_the_budget_answer_503(small, tiny):
    assert tiny.get(JOURNEY + "&date=2024-02-14").status_code == 200  # that date's timetable is kept now
    with small.app_context():
        busy_gate = gate("journeys", "journey_builds_max")
    with busy_gate.enter("another timetable being built"):
        answer = tiny.get(JOURNEY + "&date=2024-02-15")
        assert limit_of(answer, 503)[:2] == ("busy", "journey_builds_max")
        assert answer.headers["Retry-After"] == "7"
        assert tiny.get(JOURNEY + "&date=2024-02-14").status_code == 200  # kept: answered
        page = tiny.get("/journeys?from=dongjiao-memory&to=panda-south-gate&depart=08:00&date=2024-02-15")
        assert page.status_code == 503 and page.headers["Retry-After"] == "7"


def test_a_burst_waits_for_a_place_a_stream_is_refused():
    waiting = Gate("journeys", "journey_builds_max", size=1, retry_after_s=1, wait_s=30)
    held, release, order = threading.Event(), threading.Event(), []

    def hold() -> None:
        with waiting.enter("first date"):
            held.set()
            release.wait(30)
            order.append("first done")

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    threading.Timer(0.2, release.set).start()
    with waiting.enter("second date"):  # waits for the first to finish, then has its place
        order.append("second in")
    holder.join()
    assert order == ["first done", "second in"]
    refusing = Gate("journeys", "journey_builds_max", size=1, retry_after_s=1, wait_s=0)
    with refusing.enter("first date"):
        with pytest.raises(Busy):
            with refusing.enter("second date"):
                pass


def test_the_document_states_the_settings_values(client, tiny):
    default = client.get("/api/openapi.json").get_json()
    small = tiny.get("/api/openapi.json").get_json()

    def limits(document, path, method="get"):
        return {limit["name"]: limit for limit in document["paths"][path][method]["x-limits"]}

    plans_default, plans_small = limits(default, "/api/itineraries", "post"), limits(small, "/api/itineraries", "post")
    assert plans_default["plan_must_max"]["value"] == 30 and plans_small["plan_must_max"]["value"] == 7
    assert plans_small["plan_must_max"]["applies_to"] == "$.must" and plans_small["plan_must_max"]["status"] == 400
    assert plans_small["max_json_bytes"] == {"name": "max_json_bytes", "value": 2048, "applies_to": "body",
                                             "what": "bytes of the JSON body", "status": 413}
    assert {"plan_queue_max", "plan_deadline_s", "max_json_depth", "max_query_bytes"} <= set(plans_small)
    must = small["components"]["schemas"]["ItineraryRequest"]["properties"]["must"]
    assert (must["maxItems"], must["x-limit"]) == (7, "plan_must_max")
    assert default["components"]["schemas"]["ItineraryRequest"]["properties"]["must"]["maxItems"] == 30

    # the per-client rate limits too, with the 429 they answer and its Retry-After
    assert plans_default["rate_limit_plans"]["value"] == "20/minute"
    assert plans_small["rate_limit_plans"] == {"name": "rate_limit_plans", "value": "3/minute", "status": 429,
                                               "applies_to": "client (its address)",
                                               "what": "requests of the 'plans' kind per client"}
    too_many = small["paths"]["/api/itineraries"]["post"]["responses"]["429"]
    assert "Retry-After" in too_many["headers"]
    assert "rate_limit_journeys" in limits(small, "/api/journeys") and "rate_limit_plans" not in limits(
        small, "/api/journeys")
    compare = limits(small, "/api/compare")
    assert compare["compare_window_max_min"]["value"] == 60 and compare["compare_builds_max"]["status"] == 503
    journeys = small["paths"]["/api/journeys"]["get"]
    walk = next(p for p in journeys["parameters"] if p["name"] == "max_walk_m")
    assert walk["schema"]["maximum"] == 2000 and walk["x-limit"] == "journey_walk_max_m"
    assert limits(small, "/api/journeys")["journey_walk_step_m"]["value"] == 250
    assert limits(small, "/api/journeys")["journey_builds_max"]["value"] == 1
    assert "Retry-After" in journeys["responses"]["503"]["headers"]
    for path, operations in small["paths"].items():  # every operation: its query string, and its body's size
        for method, operation in operations.items():
            assert {"max_query_bytes", "max_query_params"} <= set(limits(small, path, method)), (path, method)
            assert "414" in operation["responses"]
            if "requestBody" in operation:
                assert "413" in operation["responses"] and limits(small, path, method)["max_json_bytes"]["value"] == 2048
    assert "2048" in small["info"]["description"] and "65536" in default["info"]["description"]


def test_an_endless_recurring_event_expands_to_its_setting(small, tiny):
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//budgets//EN\r\nBEGIN:VEVENT\r\n"
           "UID:endless@test\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Asia/Shanghai:20240212T100000\r\n"
           "DTEND;TZID=Asia/Shanghai:20240212T100001\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Every second\r\n"
           "LOCATION:East District Live House\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with small.app_context():
        report = import_calendar(small.extensions["planner"].calendar, ics, filename="endless.ics", user="test")
        [event_id] = report.created
    events = tiny.get("/api/events?date=2024-02-12").get_json()["events"]
    assert len([e for e in events if e["id"] == event_id]) == SMALL["MAX_SESSIONS_PER_SERIES"]
    for page in ("/?date=2024-02-12", "/calendar.ics", "/api/network.geojson?date=2024-02-12"):
        assert tiny.get(page).status_code == 200


def test_a_comparisons_taxi_computed_once_an_hour_is_the_taxi_of_every_minute(app):
    from planner.routing.compare import taxi_minutes

    planner = app.extensions["planner"].journeys
    origin, dest = planner.resolve("dongjiao-memory"), planner.resolve("panda-south-gate")
    minutes = taxi_minutes(planner, origin, dest, 6 * 3600 + 1800, 10 * 3600 + 1800)
    assert len({m.ride_s for m in minutes}) > 1  # the hour's speed changes the ride
    for minute in minutes:
        wait, ride = planner.taxi_time_s(origin, dest, minute.depart_s)
        assert (minute.origin_wait_s, minute.ride_s, minute.door_s) == (wait, ride, wait + ride)
