"""The API against its own OpenAPI document: schemathesis in-process (WSGI), then hostile cases by hand.

Every operation of ``/api/openapi.json`` gets at least 200 generated requests
(valid ones and invalid ones), and every answer must be no server error,
of a documented status and content type, and conform to its schema. The
run is deterministic (CI must not fail by chance); the models' bounds keep
each valid request cheap.
"""
from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MIN_REQUESTS = 200
OPERATIONS = 11




def _app():
    """An app of its own, made at import: schemathesis generates one test per operation of its document.

    (Loading the schema from a fixture, ``schemathesis.pytest.from_fixture``, fails on pytest 9.2.)
    """
    from planner.web import create_app

    folder = Path(tempfile.mkdtemp(prefix="api-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{folder / 'planner.db'}",
                       "IMPORT_DIR": str(folder / "imports")})


@pytest.fixture(scope="module", autouse=True)
def plans_made_once():
    """Each distinct day plan is computed once in this module.

    The generator varies a body's spelling (``"end": null``, ``"meal": true``,
    a field left out) far more than its meaning, and a plan costs a second or
    more; the planner itself is tested in test_itinerary.py.
    """
    from planner.web.views import itineraries

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(itineraries, "_plans", functools.lru_cache(maxsize=None)(itineraries._plans))
        yield


@pytest.fixture(scope="module")
def requests_made():
    """Requests per operation; once every operation has run, each must have had its share."""
    made: Counter[str] = Counter()
    yield made
    assert len(made) == OPERATIONS and min(made.values()) >= MIN_REQUESTS, made


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=MIN_REQUESTS, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case, requests_made):
    requests_made[case.operation.label] += 1
    case.call_and_validate(checks=CHECKS)


# --- hostile requests a generator may not make


HOSTILE_GETS = [
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=0001-01-01&depart=08:00",
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=9999-12-31&depart=08:00",
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:00&max_walk_m=nan",
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:00&max_walk_m=1e400",
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=1000:00",
    "/api/journeys?from=%00&to=panda-south-gate&date=2024-02-12&depart=08:00",
    "/api/journeys?from=%E4%B8%9C%E9%83%8A%E8%AE%B0%E5%BF%86&to=%F0%9F%90%BC&depart=08:00",
    "/api/journeys?from=nan,nan&to=inf,-inf&depart=08:00",
    "/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=%D9%A0%D9%A8:%D9%A0%D9%A0",  # Arabic digits
    "/api/compare?date=2024-02-12&end=1000:00",
    "/api/compare?date=0001-01-01",
    "/api/compare?date=9999-12-31&start=00:00&end=30:01",
    "/api/events?date=9999-12-31",
    "/api/events?date=%00",
    "/api/places?date=0001-01-01",
    "/api/network.geojson?date=9999-12-31",
    "/api/places?lang=%00",
]


@pytest.mark.parametrize("url", HOSTILE_GETS)
def test_hostile_queries_are_refused_quickly(client, url):
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code, response.data[:300])
    error = response.get_json()["error"]
    assert error["code"] and error["message"] and error["field"]
    assert time.perf_counter() - started < 0.5, url


def test_a_walk_limit_too_small_to_measure_is_no_walk(client):
    """1e-320 m rounds to 0 m: no walking between stops (the core's grid cannot take a cell that small)."""
    response = client.get("/api/journeys?from=m-240&to=bus-panda-south&date=2024-02-12&depart=08:00"
                          "&max_walk_m=1e-320")
    assert response.status_code == 200, response.data[:300]


def _post(client, body: bytes | str, content_type: str = "application/json"):
    return client.post("/api/itineraries", data=body, content_type=content_type)


@pytest.mark.parametrize("body", [
    "[" * 1000 + "]" * 1000,
    "[" * 30_000 + "]" * 30_000,
    '{"start": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}",
    '{"start": "dongjiao-memory\\u0000"}',
    '{"start": "dongjiao-memory", "date": "0001-01-01"}',
    '{"start": "dongjiao-memory", "date": "9999-12-31"}',
    '{"start": "\u718a\u732b\U0001F43C", "must": ["\u00e9\u0000"]}',
    '{"start": "dongjiao-memory", "end_time": "99:00"}',
    '{"start": "dongjiao-memory", "interests": ' + json.dumps(["pandas"] * 1000) + "}",
    '{"start": "dongjiao-memory", "start_time": 28800}',
    "\xff\xfe not utf-8",
    "",
])
def test_hostile_bodies_are_refused(client, body):
    response = _post(client, body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body)
    assert response.status_code == 400, (body[:80], response.status_code, response.data[:300])
    assert response.get_json()["error"]["field"].startswith("$")


def test_a_body_too_large_is_413(client):
    response = _post(client, '{"start": "' + "x" * 200_000 + '"}')
    error = response.get_json()["error"]  # the limit named (tests/test_budgets.py: every budget)
    assert response.status_code == 413 and (error["code"], error["limit"]) == ("body_too_large", "max_json_bytes")


def test_a_start_that_cannot_reach_the_end_is_422_not_500(client):
    response = client.post("/api/itineraries?lang=en", json={
        "date": "2024-02-12", "start": "m-240", "end": "30.5,104.3", "start_time": "08:00", "end_time": "12:00"})
    assert response.status_code == 422, response.data[:300]
    error = response.get_json()["error"]
    assert error["code"] and error["message"] and "error" not in error["message"].lower()


def test_http_errors_share_the_shape(client):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/places")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    not_json = _post(client, "start=x", "application/x-www-form-urlencoded")
    assert not_json.status_code == 400 and not_json.get_json()["error"] == {
        "code": "not_json", "field": "$", "message": not_json.get_json()["error"]["message"]}
