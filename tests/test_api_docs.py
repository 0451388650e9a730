"""The OpenAPI document, the docs page (offline, in Chromium), and one error shape everywhere."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from planner.itinerary.daytrip import PACE
from planner.web.api_models import ItineraryRequest, JourneyQuery, Pace, parse_query
from planner.web.openapi import build_document

OPERATIONS = {("/api/places", "get"), ("/api/events", "get"), ("/api/network.geojson", "get"),
              ("/api/journeys", "get"), ("/api/compare", "get"), ("/api/itineraries", "post"),
              ("/api/scenarios", "get"), ("/api/scenarios/{scenario_id}", "get"),
              ("/api/scenarios/{scenario_id}/simulate", "post"), ("/api/scenarios/{scenario_id}/sweep", "post"),
              ("/api/jobs/{job_id}", "get")}


def test_the_document_covers_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == OPERATIONS
    served = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())  # Flask's <id>, OpenAPI's {id}
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - documented == {("/api/openapi.json", "get"), ("/api/docs", "get")}  # the docs themselves
    assert document == build_document(app)


def test_parameters_bodies_answers_and_errors_are_described(client):
    document = client.get("/api/openapi.json").get_json()
    journeys = document["paths"]["/api/journeys"]["get"]
    params = {p["name"]: p for p in journeys["parameters"]}
    assert params["from"]["required"] and params["to"]["required"] and not params["depart"]["required"]
    assert params["max_walk_m"]["schema"] == {"type": "number", "minimum": 0, "maximum": 5000}
    assert "null" not in str(params["date"]["schema"])  # a query value is text or absent
    assert all(p.get("description") for p in journeys["parameters"])
    assert journeys["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JourneysAnswer"}
    error = journeys["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][error]["required"] == ["error"]
    body = document["paths"]["/api/itineraries"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    itinerary = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert itinerary["additionalProperties"] is False and itinerary["required"] == ["start"]
    assert [p["name"] for p in document["paths"]["/api/itineraries"]["post"]["parameters"]] == ["lang"]
    assert set(document["paths"]["/api/compare"]["get"]["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "field" in document["info"]["description"]  # the error shape, told once


def test_the_models_agree_with_the_core():
    assert set(Pace.__args__) == set(PACE)


def test_the_form_and_the_api_share_the_parsing():
    form = MultiDict([("start", "dongjiao-memory"), ("start_latlon", "30.6540,104.0790"), ("date", ""),
                      ("must", "a"), ("must", ""), ("must", "b"), ("meal", "on"), ("shuttle", "with")])
    wanted = ItineraryRequest.from_form(form)
    assert wanted.start == "30.6540,104.0790" and wanted.must == ["a", "b"] and wanted.meal and not wanted.taxi
    assert wanted.date is None and wanted.shuttle == "with" and wanted.start_time == 8 * 3600
    query = parse_query(JourneyQuery, MultiDict({"from": "x", "to": "y", "arrive_by": "25:10", "depart": ""}))
    assert query.arrive_by == 25 * 3600 + 600 and query.depart is None


def test_api_errors_have_one_shape_in_the_visitors_language(client):
    en = client.get("/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=8h&lang=en").get_json()
    zh = client.get("/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=8h&lang=zh").get_json()
    assert en["error"]["code"] == zh["error"]["code"] == "not_a_time"
    assert en["error"]["field"] == zh["error"]["field"] == "depart"
    assert "time" in en["error"]["message"] and "时间" in zh["error"]["message"]
    several = client.get("/api/journeys?from=dongjiao-memory&to=panda-south-gate&depart=8h&max_walk_m=-1").get_json()
    assert [p["field"] for p in several["error"]["problems"]] == ["depart", "max_walk_m"]
    domain = client.get("/api/journeys?from=atlantis&to=panda-south-gate&depart=08:00&lang=en").get_json()
    assert domain["error"]["field"] == "from" and "atlantis" in domain["error"]["message"]


def test_pages_answer_errors_as_pages(client):
    page = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&depart=99:00&lang=en")
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "depart" in page.get_data(as_text=True)
    missing = client.get("/no-such-page?lang=en")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    day = client.get("/itinerary?start=dongjiao-memory&date=2024-02-12&pace=fast&lang=en")
    assert day.status_code == 400 and "pace" in day.get_data(as_text=True)


def test_the_docs_page_uses_only_this_servers_files(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(not urlsplit(url).netloc for url in assets), assets
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert client.get("/static/vendor/swagger-ui/LICENSE").status_code == 200


@pytest.mark.browser
def test_the_docs_render_offline(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() == len(OPERATIONS)
    assert "/api/itineraries" in page.inner_text("body")
    assert outside == []
    page.close()
