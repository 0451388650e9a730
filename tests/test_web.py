"""Pages and JSON endpoints through Flask's test client."""
from __future__ import annotations

import re

from planner.domain.geo import gcj02_to_wgs84, distance_m


def test_home_in_chinese_by_default(client):
    page = client.get("/?date=2024-02-12").get_data(as_text=True)
    assert "成都大熊猫繁育研究基地" in page and "东郊记忆" in page
    assert 'lang="zh-CN"' in page
    assert "2024-02-12" in page


def test_language_switch_is_remembered(client):
    page = client.get("/?date=2024-02-12&lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Chengdu Research Base of Giant Panda Breeding" in page
    again = client.get("/?date=2024-02-12").get_data(as_text=True)  # cookie set by the first answer
    assert 'lang="en"' in again
    assert 'lang="zh-CN"' in client.get("/?lang=zh").get_data(as_text=True)


def _switch_link(page: str) -> str:
    import html
    import re

    return html.unescape(re.search(r'class="lang-switch" href="([^"]*)"', page).group(1))


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = client.get("/places/panda-museum?date=2024-02-12&lang=en").get_data(as_text=True)
    assert _switch_link(page) == "/places/panda-museum?date=2024-02-12&lang=zh"
    # a repeated parameter keeps every value (a day plan's interests, its must-sees)
    page = client.get("/?date=2024-02-12&tag=pandas&tag=music&lang=zh").get_data(as_text=True)
    assert _switch_link(page) == "/?date=2024-02-12&tag=pandas&tag=music&lang=en"


def test_query_parameters_named_like_url_for_options_or_the_path_change_no_link(client):
    # they were handed to url_for as keywords: _method=POST or a second place_id failed the page
    # (500), _scheme/_external made the switch an absolute link to another scheme
    for query, link in [("_method=POST", "/?lang=en"), ("_scheme=ftp&_external=1", "/?lang=en"),
                        ("_anchor=x&date=2024-02-12", "/?date=2024-02-12&lang=en")]:
        response = client.get(f"/?{query}&lang=zh")
        assert response.status_code == 200, query
        assert _switch_link(response.get_data(as_text=True)) == link, query
    response = client.get("/places/panda-museum?place_id=atlantis&lang=zh")
    assert response.status_code == 200
    assert _switch_link(response.get_data(as_text=True)) == "/places/panda-museum?lang=en"
    assert client.get("/places/atlantis?place_id=x").status_code == 404


def test_home_lists_events_of_the_day(client, model):
    import datetime as dt

    page = client.get("/?date=2024-02-12&lang=en").get_data(as_text=True)
    for event, _ in model.events_on(dt.date(2024, 2, 12)):
        assert f'data-event="{event.id}"' in page


def test_empty_day_points_to_next_event_day(client):
    page = client.get("/?date=2030-06-01&lang=en").get_data(as_text=True)
    assert "No known events" in page


def test_bad_date_on_page_is_400_with_field(client):
    response = client.get("/?date=12/02/2024")
    assert response.status_code == 400
    assert "date" in response.get_data(as_text=True)


def test_place_page_with_amap_link(client, model):
    response = client.get("/places/panda-south-gate?date=2024-02-12&lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "uri.amap.com/marker" in page and "08:00" in page


def test_unknown_place_is_404(client):
    assert client.get("/places/nowhere").status_code == 404


def test_api_places(client, model):
    data = client.get("/api/places?date=2024-02-12").get_json()
    assert {s["id"] for s in data["sites"]} == {"panda-base", "dongjiao-memory"}
    assert len(data["places"]) == len(model.places)
    gate = next(p for p in data["places"] if p["id"] == "panda-south-gate")
    assert gate["hours_on_date"]["open"] == "08:00"
    # the AMap link carries GCJ-02, which converts back to the stored WGS84 point
    position = gate["amap_url"].split("position=")[1].split("&")[0].replace("%2C", ",")
    lon, lat = (float(x) for x in position.split(","))
    assert distance_m(gcj02_to_wgs84(lat, lon), (gate["lat"], gate["lon"])) < 1


def test_api_events_requires_a_good_date(client):
    assert client.get("/api/events").status_code == 400
    bad = client.get("/api/events?date=2024-13-01")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "date"
    events = client.get("/api/events?date=2024-02-12&lang=en").get_json()["events"]
    assert len(events) >= 4
    assert all(e["start"].endswith("+08:00") for e in events)


def test_api_network_geojson(client):
    response = client.get("/api/network.geojson")
    assert response.mimetype == "application/geo+json"
    layers = [f["properties"]["layer"] for f in response.get_json()["features"]]
    assert layers.count("site") == 2 and layers.count("shuttle") == 1
    assert layers.count("line") >= 17


def test_sources_page_shows_every_data_file(client):
    page = client.get("/sources").get_data(as_text=True)
    for name in ("places.yaml", "shuttle.yaml", "network.yaml", "transit.yaml"):
        assert f'id="{name}"' in page
    # the calendar as the database has it, events.yaml (its first programme) as a file
    assert 'id="calendar"' in page and 'href="/sources/events.yaml"' in page


def test_user_text_is_escaped(client):
    response = client.get("/?date=<script>alert(1)</script>")
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_network_geojson_hangs_the_days_events_on_venues(client):
    features = client.get("/api/network.geojson?date=2024-02-12&lang=en").get_json()["features"]
    venues = {f["properties"]["id"]: f["properties"]["events"] for f in features if f["properties"]["layer"] == "place"}
    events = client.get("/api/events?date=2024-02-12&lang=en").get_json()["events"]
    assert sum(len(v) for v in venues.values()) == len(events) >= 4
    for event in events:
        assert event["id"] in [e["id"] for e in venues[event["venue"]]]
    assert client.get("/api/network.geojson?date=someday").status_code == 400


def test_place_page_names_stops_in_english_and_translates_tags(client):
    page = client.get("/places/dj-south-gate?date=2024-02-12&lang=en").get_data(as_text=True)
    assert "Dongjiaojiyi" in page and "东郊记忆" in page  # the stop's pinyin, the Chinese name beside it
    assert "Typical visit" not in page  # a gate takes no visit time
    museum = client.get("/places/panda-museum?date=2024-02-12&lang=zh").get_data(as_text=True)
    assert "博物馆、大熊猫、亲子" in museum and "建议游览" in museum


def test_home_tooltips_map_date_and_favicon(client):
    page = client.get("/?date=2024-02-12&lang=zh").get_data(as_text=True)
    # an event's assumption is an estimate mark opened by a tap (a hover title never shows on a phone)
    assert re.search(r'<div class="assumption"><details class="estimate"><summary>.*假设</summary>', page)
    assert 'data-date="2024-02-12"' in page  # map popups link to the place on this day
    assert 'rel="icon"' in page
    assert client.get("/favicon.ico").status_code == 301


def test_compare_page_downloads_and_explains_minutes_without_transit(client):
    page = client.get("/compare?date=2024-02-12&lang=en").get_data(as_text=True)
    assert 'href="/api/compare?date=2024-02-12" download' in page
    # The shuttle's service hours (the default window) all have a journey that day; over the whole day
    # the evening after the feeders stop has none that day (the journey planner's answer then waits
    # for the next morning), and the page says so; a date the feed does not cover has none at all.
    assert "departure minutes have no transit journey" not in page
    page = client.get("/compare?date=2024-02-12&start=06:00&end=23:00&lang=en").get_data(as_text=True)
    assert re.search(r"\d+ departure minutes have no transit journey", page)
    assert "No transit journey leaving after 2" in page  # 20:xx or 21:xx: the feeders have stopped
    page = client.get("/compare?date=2030-06-01&start=06:00&end=23:00&lang=en").get_data(as_text=True)
    assert "1021 departure minutes have no transit journey" in page
    assert "No transit journey in this window" in page


def test_graph_venues_follow_the_calendar(tmp_path):
    """Events hang on venue nodes, and a staff change shows there without a restart."""
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    planner = app.extensions["planner"]
    hall = "place:dj-fanxing-theatre"
    assert "dj-standup-comedy-2024" in planner.graph.nodes[hall]["events"]
    record = {**planner.calendar.get("dj-standup-comedy-2024").record, "id": "late-comedy-2024",
              "rrule": None, "exdates": []}
    planner.calendar.create(record, "sally")
    assert "late-comedy-2024" in planner.graph.nodes[hall]["events"]


def _chips(page: str, kind: str) -> dict[str, str]:
    import html
    import re

    found = re.findall(rf'<label class="chip[^"]*" data-{kind}="([^"]+)">(.*?)</label>', page, re.S)
    return {key: html.unescape(re.sub(r"<[^>]+>", "", body)).strip() for key, body in found}


def test_the_day_plan_form_lists_the_chosen_dates_events_and_hours(client, model):
    import datetime as dt

    for day in ("2024-12-09", "2024-02-12"):
        page = client.get(f"/itinerary?date={day}&lang=en").get_data(as_text=True)
        scheduled = {ev.id for ev, _ in model.events_on(dt.date.fromisoformat(day)) if ev.status == "scheduled"}
        assert set(_chips(page, "event")) == scheduled, day
        api = client.get(f"/api/events?date={day}&lang=en").get_json()["events"]
        for event in api:  # the page's chips say what /api/events says, as forms.js rebuilds them
            if event["status"] == "scheduled":
                chip = _chips(page, "event")[event["id"]]
                assert chip.startswith(event["title"]) and f"{event['start'][11:16]}-{event['end'][11:16]}" in chip
    winter = _chips(client.get("/itinerary?date=2024-12-09&lang=en").get_data(as_text=True), "place")
    assert winter["panda-museum"].endswith("08:00–17:30")
    assert winter["panda-kindergarten"].endswith("Closed")  # closed on Mondays
    summer = _chips(client.get("/itinerary?date=2024-07-09&lang=en").get_data(as_text=True), "place")
    assert summer["panda-museum"].endswith("07:30–18:00") and summer["panda-kindergarten"].endswith("07:30–18:00")
    # the script that follows the date is this server's own file, and the form says where to ask
    page = client.get("/itinerary?date=2024-12-09&lang=en").get_data(as_text=True)
    assert 'src="/static/js/forms.js"' in page and client.get("/static/js/forms.js").status_code == 200
    assert 'data-events-url="/api/events"' in page and 'data-places-url="/api/places"' in page
    assert 'class="working" role="status"' in page and "Planning your day…" in page


def test_api_places_gives_hours_on_the_date(client):
    def hours(day: str) -> dict:
        places = client.get(f"/api/places?date={day}").get_json()["places"]
        return {p["id"]: p["hours_on_date"] for p in places}

    assert hours("2024-12-09")["panda-kindergarten"] is None  # Mondays off from 2023-12-25
    assert hours("2024-12-10")["panda-kindergarten"]["open"] == "08:00"
    assert hours("2024-07-09")["panda-museum"] == {"open": "07:30", "close": "18:00", "last_entry": "17:00"}


def test_day_plan_faults_are_shown_beside_their_fields_with_the_form_kept(client):
    response = client.get("/itinerary?date=2024-12-09&start=dongjiao-memory&start_latlon=30.65,1o4.07"
                          "&start_time=07:30&end_time=21:00&interests=pandas&must=panda-museum&pace=relaxed&lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="start-error"' in page and "not a place, stop or" in page
    assert 'value="30.65,1o4.07"' in page and 'value="07:30"' in page and 'value="21:00"' in page
    assert 'value="pandas" checked' in page and 'value="panda-museum" checked' in page
    assert 'value="relaxed" selected' in page and 'id="plan-without"' not in page
    unknown = client.get("/itinerary?date=2024-12-09&start=dongjiao-memory&must=hello-atlantis&lang=en")
    text = unknown.get_data(as_text=True)
    assert unknown.status_code == 400 and 'id="must-error"' in text and "no place or event &#39;hello-atlantis&#39;" in text
    late = client.get("/itinerary?date=2024-12-09&start=dongjiao-memory&start_time=20:00&end_time=09:00&lang=zh")
    assert late.status_code == 400 and 'id="end_time-error"' in late.get_data(as_text=True)
    bad_day = client.get("/itinerary?date=2024-13-09&start=dongjiao-memory&lang=en").get_data(as_text=True)
    assert 'id="date-error"' in bad_day and 'value="2024-13-09"' in bad_day


def test_a_plans_steps_say_when_a_place_is_not_open_at_arrival(app, client):
    import dataclasses
    import datetime as dt

    from planner.itinerary.daytrip import DayRequest
    from planner.web.presenters.itinerary import plan_json
    from planner.web.views.itineraries import day_planner

    body = {"date": "2024-12-10", "start": "panda-south-gate", "start_time": "07:00", "end_time": "12:00",
            "interests": ["pandas"], "meal": False, "shuttle": "without"}
    plan = client.post("/api/itineraries?lang=en", json=body).get_json()["plans"]["without"]
    assert plan["steps"] and all(s["arrival_note"] is None or s["arrival_note"]["code"] == "opens_later"
                                 for s in plan["steps"])  # never sent to a place that has closed
    with app.test_request_context():
        model = app.extensions["planner"].model
        real = day_planner().plan(DayRequest(day=dt.date(2024, 12, 10), start="panda-south-gate",
                                             start_s=9 * 3600, end_s=12 * 3600, meal=False))
        visit = next(step for step in real.steps if step.item.kind == "place")
        early = dataclasses.replace(visit, arrive_s=7 * 3600 + 33 * 60)
        late = dataclasses.replace(visit, arrive_s=21 * 3600 + 30 * 60)
        steps = plan_json(dataclasses.replace(real, steps=[early, late]), "en", model)["steps"]
    name = model.places[visit.item.ref].name_en
    assert steps[0]["arrival_note"]["message"] == f"{name} opens at 08:00 in winter: 27 min to wait"
    assert steps[1]["arrival_note"]["message"] == f"{name} closed at 17:30; it opens again at 08:00 on 2024-12-11"
    assert plan_json(real, "en")["steps"][0]["arrival_note"] is None  # no model given: nothing said


def _main_text(page: str) -> str:
    import html
    import re

    main = page[page.index("<main>"):page.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def test_a_place_page_says_what_is_on_that_day_and_what_is_not(client):
    on = _main_text(client.get("/places/dj-fanxing-theatre?date=2024-02-12&lang=en").get_data(as_text=True))
    assert "Events on 2024-02-12 19:30–21:00 Spring Festival stand-up comedy" in on
    assert "Spring Festival stand-up comedy 2024-02-10 – 2024-02-24 On this day" in on
    before = _main_text(client.get("/places/dj-fanxing-theatre?date=2024-02-01&lang=en").get_data(as_text=True))
    assert "Nothing on at this place on this day." in before
    assert "No session on this day: next on 2024-02-10 19:30" in before
    after = _main_text(client.get("/places/dj-fanxing-theatre?date=2024-12-09&lang=en").get_data(as_text=True))
    assert "Over: its last session was on 2024-02-24" in after
    zh = _main_text(client.get("/places/dj-fanxing-theatre?date=2024-12-09&lang=zh").get_data(as_text=True))
    assert "已结束：最后一场在 2024-02-24" in zh and "当天此处没有活动。" in zh
    # the exhibition hall after its exhibition: closed, and the dates it was open to visitors
    hall = _main_text(client.get("/places/dj-three-body-hall?date=2024-12-09&lang=en").get_data(as_text=True))
    assert "Open on this day 2024-12-09 Closed" in hall and "Open to visitors 2023-12-02 – 2024-12-01" in hall
    assert "Over: its last session was on 2024-12-01" in hall
    during = _main_text(client.get("/places/dj-three-body-hall?date=2024-02-12&lang=en").get_data(as_text=True))
    assert "Open on this day 2024-02-12 10:00–21:00" in during
    # closed that day, and when it opens next
    villa = _main_text(client.get("/places/panda-kindergarten?date=2024-12-09&lang=en").get_data(as_text=True))
    assert "Open on this day 2024-12-09 Closed : Panda Kindergarten (young pandas' villa) is closed on " \
           "2024-12-09 (Monday); it opens at 08:00 on 2024-12-10" in villa


def test_a_cancelled_session_is_marked_on_its_place_page(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    calendar = app.extensions["planner"].calendar
    comedy = calendar.get("dj-standup-comedy-2024")
    calendar.cancel("dj-standup-comedy-2024", comedy.version, "sally")
    page = app.test_client().get("/places/dj-fanxing-theatre?date=2024-02-12&lang=en").get_data(as_text=True)
    assert '<li class="event status-cancelled" data-event="dj-standup-comedy-2024">' in page
    assert "19:30–21:00 Spring Festival stand-up comedy Cancelled" in _main_text(page)


def test_a_relaxed_plans_rest_is_named_as_a_rest_in_both_languages(client):
    body = {"date": "2024-12-10", "start": "panda-south-gate", "start_time": "08:00", "end_time": "17:00",
            "interests": ["pandas"], "pace": "relaxed", "meal": False, "shuttle": "without"}
    plan = client.post("/api/itineraries?lang=en", json=body).get_json()["plans"]["without"]
    rests = [s for s in plan["steps"] if s["kind"] == "rest"]
    assert rests, [s["kind"] for s in plan["steps"]]
    assert rests[0]["name_en"].startswith("A rest (") and rests[0]["name_zh"].startswith("休息（")
    query = "&".join(f"{k}={v}" for k, v in body.items() if k != "interests") + "&interests=pandas&meal=0"
    page = client.get(f"/itinerary?{query}&lang=en").get_data(as_text=True)
    assert "A rest (" in page and '<span class="kind">Rest</span>' in page


def test_an_empty_evening_is_a_note_not_a_failure(client):
    """A winter Monday has no show at Dongjiao Memory: the plan says so as a note on the day."""
    body = {"date": "2024-12-09", "start": "dongjiao-memory", "start_time": "14:00", "end_time": "21:00",
            "interests": ["music"], "meal": False, "shuttle": "without"}
    plan = client.post("/api/itineraries?lang=en", json=body).get_json()["plans"]["without"]
    assert any("no show at Dongjiao Memory" in note for note in plan["notes"]), plan["notes"]
    assert not any("no show" in reason for reason in plan["infeasible"])
    page = client.get("/itinerary?lang=en&date=2024-12-09&start=dongjiao-memory&start_time=14:00"
                      "&end_time=21:00&interests=music&meal=0&shuttle=without").get_data(as_text=True)
    assert '<p class="plan-note"><strong>Note:</strong> no show at Dongjiao Memory' in page


def test_the_value_settings_reach_the_apps_day_plans(tmp_path):
    """PLANNER_VALUE_* settings are the app's value model: with no rest break set, a relaxed day has none."""
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports"), "VALUE_REST_MIN": 0})
    body = {"date": "2024-12-10", "start": "panda-south-gate", "start_time": "08:00", "end_time": "17:00",
            "interests": ["pandas"], "pace": "relaxed", "meal": False, "shuttle": "without"}
    plan = app.test_client().post("/api/itineraries?lang=en", json=body).get_json()["plans"]["without"]
    assert plan["steps"] and not [s for s in plan["steps"] if s["kind"] == "rest"]
