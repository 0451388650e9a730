"""Journey and day-plan pages: estimates marked with their reasons in the page's language, "you are
already there", typed coordinates' faults beside their box with the form kept, maps' data, line names
and cancelled sessions in map popups (the browser half: tests/test_maps_browser.py)."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
import yaml

from planner.domain.paths import bundled_data_dir

DAY = "2024-02-12"
HAN = re.compile(r"[\u4e00-\u9fff]")
MARK = re.compile(r'<details class="estimate"><summary><span aria-hidden="true">≈</span> (?P<label>[^<]+)</summary>'
                  r'<span class="estimate-reason" role="note">(?P<texts>.*?)</span></details>', re.S)
JOURNEY = f"/journeys?from=dongjiao-memory&to=panda-south-gate&date={DAY}&time=08:10&time_is=depart&shuttle=1"
PLAN = (f"/itinerary?date={DAY}&start=&start_latlon=30.6540,104.0790&start_time=08:00&end_time=22:00"
        "&interests=pandas&must=hello-su-dongpo-2024&meal=1&pace=normal&shuttle=compare")


def _data(name: str) -> dict:
    return yaml.safe_load((bundled_data_dir() / name).read_text(encoding="utf-8"))


def _marks(html: str) -> list[tuple[str, list[str]]]:
    """Each estimate mark: its label and its reason texts, as a reader sees them."""
    return [(m["label"], [unescape(t) for t in re.findall(r'<span class="estimate-text">(.*?)</span>', m["texts"], re.S)])
            for m in MARK.finditer(html)]


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- every estimate marked, why on tap


def test_a_journey_marks_its_modelled_times_headways_taxi_and_shuttle_fare_with_the_datas_reasons(client):
    html = client.get(JOURNEY + "&lang=en").get_data(as_text=True)
    marks = _marks(html)
    texts = [t for _, ts in marks for t in ts]
    network, shuttle = _data("network.yaml"), _data("shuttle.yaml")
    taxi = _section(html, '<article class="journey" data-label="taxi">', "</article>")
    taxi_marks = _marks(taxi)
    assert len(taxi_marks) == 2  # its times and its fare
    assert all(ts == [network["taxi"]["assumption"]] for _, ts in taxi_marks)
    assert shuttle["notes"]["fare_cny"]["en"] in texts  # the shuttle's 2 CNY is ours
    assert shuttle["notes"]["service"]["en"] in texts  # its times too
    assert network["assumption"] in texts  # walking
    assert {label for label, _ in marks} <= {"estimate", "assumed"}


def test_a_metro_journey_says_its_clock_times_and_every_n_min_are_the_timetable_models(client):
    html = client.get(f"/journeys?from=dongjiao-memory&to=panda-museum&date={DAY}&time=10:00&lang=en").get_data(as_text=True)
    fastest = _section(html, '<article class="journey" data-label="fastest">', "</article>")
    headways = _one_line(_data("transit.yaml")["headways_s"]["assumption"])
    (label, heading), = _marks(_section(fastest, "<h3>", "</h3>"))  # its clock times
    assert label == "estimate" and headways in heading and _data("network.yaml")["assumption"] in heading
    assert any(t.startswith("Clock times from a timetable modelled") for t in heading)
    metro = re.findall(r'<li class="leg mode-metro">(.*?)</li>', fastest, re.S)
    assert metro and all(re.search(r"every \d+ min<details", leg) for leg in metro)
    assert all(_marks(leg) == [("estimate", [headways])] for leg in metro)  # "every 4 min" is assumed


def test_on_chinese_pages_the_marks_and_the_shuttles_reasons_are_chinese(client):
    html = client.get(JOURNEY + "&lang=zh").get_data(as_text=True)
    marks = _marks(html)
    assert marks and {label for label, _ in marks} <= {"估算", "假设"}
    texts = [t for _, ts in marks for t in ts]
    assert _data("shuttle.yaml")["notes"]["fare_cny"]["zh"] in texts
    assert "<summary><span aria-hidden=\"true\">≈</span> estimate" not in html


@pytest.mark.parametrize("url", [JOURNEY, PLAN, f"/journeys?from=dongjiao-memory&to=panda-museum&date={DAY}&time=23:00"])
def test_every_reason_on_a_chinese_page_is_chinese(client, url):
    """The data's assumptions through the translation table (planner/messages/data_zh.py), the shuttle's own notes."""
    texts = [t for _, ts in _marks(client.get(url + "&lang=zh").get_data(as_text=True)) for t in ts]
    assert len(texts) >= 3
    assert [t for t in texts if not HAN.search(t)] == []


def test_a_reason_the_table_lacks_is_english_marked_as_english(model):
    from planner.web.presenters.estimates import Estimates

    said = Estimates(model, bundled_data_dir(), "zh")._say("a text nobody translated", None)
    assert said == ['<span lang="en">a text nobody translated</span>']


def test_a_day_plan_marks_each_way_the_way_back_the_fares_and_assumed_places(client, model):
    html = client.get(PLAN + "&lang=en").get_data(as_text=True)
    plan = _section(html, 'id="plan-without"', "</section>")
    travels = re.findall(r'<li class="tl-travel muted">(.*?)</li>', plan, re.S)
    assert travels and all(_marks(t) for t in travels)  # every way between visits, and home
    back = _section(plan, '<li class="tl-back">', "</li>")
    assert _marks(back)
    su = _section(plan, 'data-id="hello-su-dongpo-2024"', "</li>")
    assert _marks(su) == [("assumed", [model.events["hello-su-dongpo-2024"].assumption])]  # its times and price
    # the fares' mark: only with a taxi or the shuttle in the plan (metro and bus fares are published)
    fare_note = _data("shuttle.yaml")["notes"]["fare_cny"]["en"]
    from_dongjiao = client.get(f"/itinerary?date={DAY}&start=dongjiao-memory&start_time=08:00&end_time=20:00"
                               "&interests=pandas&must=panda-villa-5&shuttle=compare&lang=en").get_data(as_text=True)
    shuttles = []
    for html, variant in ((html, "without"), (html, "with"), (from_dongjiao, "without"), (from_dongjiao, "with")):
        section = _section(html, f'id="plan-{variant}"', "</section>")
        data = json.loads(unescape(re.search(r'class="plan-data">(.*?)</script>', section, re.S).group(1)))
        modes = {leg["mode"] for way in [*(s["route"] for s in data["steps"]), data["home"]] for leg in way["legs"]}
        money = _marks(re.search(r"<p>Money:.*?</p>", section, re.S).group(0))
        assert "taxi" not in modes
        assert money == ([("estimate", [fare_note])] if "shuttle" in modes else []), variant
        shuttles.append("shuttle" in modes)
    assert shuttles == [False, False, False, True]  # both cases met: the mark is there only with the shuttle


def test_the_estimate_macro_is_a_details_that_opens_without_script(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    with app.test_request_context("/?lang=en"):
        from flask import render_template_string

        app.preprocess_request()  # the page's language from ?lang=
        out = render_template_string('{% from "_estimate.html" import estimate %}'
                                     '{{ estimate("a <b>") }}|{{ estimate([]) }}|{{ estimate(none) }}|{{ estimate(["x", none, "y"], "assumed") }}')
    first, empty, none_, two = out.split("|")
    assert _marks(first) == [("estimate", ["a <b>"])] and "<b>" not in first  # escaped
    assert empty == "" and none_ == ""
    assert _marks(two) == [("assumed", ["x", "y"])]


# --- you are already there


@pytest.mark.parametrize("lang, words", [("en", "You are already there"), ("zh", "您已经在这里了")])
def test_a_journey_from_a_place_to_itself_is_already_there_not_a_taxi(client, lang, words):
    body = client.get(f"/api/journeys?from=panda-museum&to=panda-museum&date={DAY}&depart=10:00&lang={lang}").get_json()
    assert body["already_there"] is True and body["journeys"] == [] and body["taxi"] is None
    assert body["reason"].startswith(words)
    page = client.get(f"/journeys?from=panda-museum&to=panda-museum&date={DAY}&time=10:00&lang={lang}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and words in html and '<article class="journey"' not in html


def test_typed_coordinates_on_the_place_are_already_there_and_100_m_away_are_not(client, model):
    museum = model.places["panda-museum"]
    near = f"{museum.lat + 0.0001:.5f},{museum.lon:.5f}"  # 11 m north
    far = f"{museum.lat + 0.0009:.5f},{museum.lon:.5f}"  # 100 m north
    there = client.get(f"/api/journeys?from={near}&to=panda-museum&date={DAY}&depart=10:00&lang=en").get_json()
    assert there["already_there"] is True
    away = client.get(f"/api/journeys?from={far}&to=panda-museum&date={DAY}&depart=10:00&lang=en").get_json()
    assert away["already_there"] is False and away["taxi"] is not None and away["journeys"]


# --- a typo keeps the form


def test_a_coordinate_typo_on_the_journey_form_is_shown_beside_its_box_with_everything_kept(client):
    page = client.get(f"/journeys?from=dongjiao-memory&to=&to_latlon=30.7O,104.14&date={DAY}"
                      "&time_is=arrive_by&time=09:30&shuttle=1&lang=zh")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    error = re.search(r'<p class="field-error" id="to-error"[^>]*>(.*?)</p>', html).group(1)
    assert "30.7O,104.14" in unescape(error) and HAN.search(error)
    to_field = _section(html, '<label for="to">', "</div>")
    assert 'id="to-error"' in to_field and 'value="30.7O,104.14"' in to_field  # beside its own box
    assert re.search(r'<option value="" selected>', to_field)
    assert len(re.findall(r"<option[^>]* selected>", to_field)) == 1  # one choice, the typed one
    assert '<option value="dongjiao-memory" selected>' in html
    assert 'value="arrive_by" checked' in html and 'name="time" value="09:30"' in html
    assert 'name="shuttle" value="1" checked' in html and f'value="{DAY}"' in html


def test_a_chinese_keyboards_full_width_comma_is_no_typo(client):
    body = client.get(f"/journeys?from=&from_latlon=30.6540，104.0790&to=panda-south-gate&date={DAY}&time=09:00&lang=zh")
    html = body.get_data(as_text=True)
    assert body.status_code == 200 and 'id="results"' in html and "field-error" not in html
    assert 'value="30.6540，104.0790"' in html  # the box keeps what was typed


def test_a_coordinate_typo_on_the_day_plan_form_keeps_every_choice(client):
    page = client.get(f"/itinerary?date={DAY}&start=&start_latlon=30.65,104.O7&start_time=09:15&end_time=20:45"
                      "&interests=pandas&interests=music&must=hello-su-dongpo-2024&must=panda-villa-5&taxi=1"
                      "&meal=0&pace=brisk&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    start = _section(html, '<label for="start">', "</div>")
    assert 'id="start-error"' in start and 'value="30.65,104.O7"' in start and "104.O7" in unescape(start)
    for kept in ('name="start_time" value="09:15"', 'name="end_time" value="20:45"',
                 'value="pandas" checked', 'value="music" checked', 'value="hello-su-dongpo-2024" checked',
                 'value="panda-villa-5" checked', 'name="taxi" value="1" checked', 'value="brisk" selected'):
        assert kept in html, kept
    assert 'name="meal" value="1" checked' not in html  # lunch was unticked
    assert 'class="plan"' not in html


# --- maps: data for the backdrop, the ends, names


def test_the_maps_get_their_backdrop_ends_and_words(client):
    html = client.get(JOURNEY + "&lang=en").get_data(as_text=True)
    box = re.search(r'<div id="journey-map"[^>]*>', html).group(0)
    assert 'data-network="/api/network.geojson?lang=en&amp;date=2024-02-12"' in box
    assert 'data-tile-url=""' in box  # the tests run offline: the lines are the backdrop
    assert 'data-start-word="Start"' in box and 'data-end-word="End"' in box
    zh = client.get(PLAN + "&lang=zh").get_data(as_text=True)
    assert 'data-start-word="起点"' in zh and 'data-end-word="终点"' in zh
    data = json.loads(unescape(re.search(r'<script type="application/json" class="plan-data">(.*?)</script>', zh, re.S).group(1)))
    assert data["ends"]["start"]["lat"] == 30.654 and data["ends"]["end"] == data["ends"]["start"]
    lines = [f for f in client.get("/api/network.geojson?lang=en").get_json()["features"] if f["properties"]["layer"] == "line"]
    assert len(lines) >= 10


def test_english_pages_name_the_shuttle_in_english(client):
    html = client.get(JOURNEY + "&lang=en").get_data(as_text=True)
    legs = " ".join(re.findall(r'<li class="leg mode-shuttle">(.*?)</li>', html, re.S))
    assert "Dongjiao Memory - Panda Base Direct Shuttle" in legs and not HAN.search(legs)
    zh = client.get(JOURNEY + "&lang=zh").get_data(as_text=True)
    assert "东郊记忆—大熊猫基地直通车" in " ".join(re.findall(r'<li class="leg mode-shuttle">(.*?)</li>', zh, re.S))


def test_a_cancelled_session_carries_its_status_in_the_pages_language_for_the_map(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    calendar = app.extensions["planner"].calendar
    calendar.cancel("dj-standup-comedy-2024", calendar.get("dj-standup-comedy-2024").version, "sally")
    for lang, word in (("en", "Cancelled"), ("zh", "已取消")):
        fc = app.test_client().get(f"/api/network.geojson?date={DAY}&lang={lang}").get_json()
        theatre = next(f for f in fc["features"] if f["properties"].get("id") == "dj-fanxing-theatre")
        comedy = [e for e in theatre["properties"]["events"] if e["id"] == "dj-standup-comedy-2024"]
        assert comedy and all(e["status"] == "cancelled" and e["status_text"] == word for e in comedy)


def test_an_arrival_note_marks_the_assumed_hours_it_rests_on(client):
    html = client.get(f"/journeys?from=dongjiao-memory&to=panda-museum&date={DAY}&time=21:00&lang=en").get_data(as_text=True)
    notes = re.findall(r'<p class="arrival-note[^"]*" role="note">(.*?)</p>', html, re.S)
    assert notes  # closed at arrival, or (after the last train) waiting for the morning opening
    for note in notes:  # the winter rule's assumption decides 2024-02-12, then the museum's own
        assert _marks(note) == [("estimate", ["another guide starts the winter hours in November; we follow OSM (Dec-Feb)",
                                              "visit_min 40: indoor museum, a selective walk-through"])]


@pytest.mark.parametrize("lang, holiday, weekday", [
    ("en", "2024-02-12 is a Spring Festival holiday: the metro runs the weekend timetable.",
     "2024-02-19 is a weekday: the metro runs the weekday timetable."),
    ("zh", "2024-02-12 是春节假期：地铁按周末时刻表运行。", "2024-02-19 是工作日：地铁按工作日时刻表运行。")])
def test_journeys_and_plans_say_which_metro_timetable_the_day_runs(client, lang, holiday, weekday):
    """Issue 13: 2024-02-12, a Spring Festival holiday, ran the weekday timetable without saying so."""
    for url, said in ((f"/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:00&lang={lang}",
                       holiday),
                      (f"/itinerary?date=2024-02-12&start=dongjiao-memory&lang={lang}", holiday),
                      (f"/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-19&depart=08:00&lang={lang}",
                       weekday)):
        page = client.get(url).get_data(as_text=True)
        line = re.search(r'<p class="[^"]*metro-day">(.*?)</p>', page, re.S)
        assert line and said in line.group(1), url
        assert "<details" in line.group(1), url  # the reason (transit.yaml's day_types) opens on a tap
