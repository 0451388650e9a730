"""The public /shuttle page: the selected scenario's timetable both ways, in both languages.

First and last departures, the headway of each period, the run time by hour and the fare, from
the scenario itself (the proposal of data/shuttle.yaml, or the one a planner selects); the day
asked for marks its day type's timetable; linked from the home map and /compare; a CSV of every
departure.
"""
from __future__ import annotations

import csv
import io
import re

import pytest

FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture
def shuttle_app(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "IMPORT_DIR": str(tmp_path / "imports")})
    yield app
    app.extensions["planner"].close()


def _text(html: str) -> str:
    """The page's words without tags, spaces folded (what a reader sees, roughly)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _card(html: str, section_id: str, direction: str) -> str:
    section = html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]
    return section.split(f'data-direction="{direction}"', 1)[1].split('data-direction=', 1)[0]


def test_the_page_shows_the_proposal_both_ways_with_first_last_headways_run_times_and_fare(shuttle_app, scenario):
    html = shuttle_app.test_client().get("/shuttle?date=2024-02-12&lang=en").get_data(as_text=True)
    section = "timetable-weekday-weekend-holiday"  # the proposal runs the same timetable every day
    outbound, inbound = _card(html, section, "outbound"), _card(html, section, "inbound")
    assert "Dongjiao Memory South Gate → Panda Base South Gate" in _text(outbound)
    assert re.search(r'class="first">07:00<', outbound) and re.search(r'class="last">15:30<', outbound)
    assert re.search(r'class="first">07:40<', inbound) and re.search(r'class="last">18:40<', inbound)
    # the periods as data/shuttle.yaml writes them, not runs guessed from the departures
    assert "07:00–09:40 20 min" in _text(outbound) and "10:00–15:30 30 min" in _text(outbound)
    assert "16:00–18:40 20 min" in _text(inbound)
    assert re.search(r'class="count">%d<' % len(scenario.departures_s("weekday", "outbound")), outbound)
    page = _text(html)
    assert "Fare ¥2" in page
    # run times by hour from the scenario: 08:00 leaves take 39 min on average (shuttle.yaml), the range ± sd
    mean, sd = scenario.run_time_s(8 * 3600 + 1800), scenario.run_time_sd_s(8 * 3600 + 1800)
    assert f"08:00–08:59 {round(mean / 60)} {round((mean - sd) / 60)}–{round((mean + sd) / 60)}" in page
    assert "2024-02-12 is a public holiday" in page


def test_the_page_is_in_chinese_by_default(shuttle_app):
    html = shuttle_app.test_client().get("/shuttle?date=2024-02-12").get_data(as_text=True)
    page = _text(html)
    assert 'lang="zh-CN"' in html
    for words in ("东郊记忆—大熊猫基地直通车", "首班车", "末班车", "票价", "法定节假日", "各发车时段的车上时间"):
        assert words in page, words
    assert "First bus" not in page


def test_a_selected_scenario_with_its_own_weekend_timetable_is_what_the_page_shows(shuttle_app, users_of_app):
    services = shuttle_app.extensions["planner"]
    store = services.scenarios
    record = store.get("dj-panda-shuttle").record
    record.update(id="weekend-extra", name_en="Weekend extra", name_zh="周末加密")
    record["service"]["weekend"]["outbound"] = {"periods": [{"first_s": 8 * 3600, "last_s": 17 * 3600,
                                                              "headway_s": 15 * 60}], "departures_s": []}
    store.create(record, "pat")
    store.select("weekend-extra", "pat")
    client = shuttle_app.test_client()
    html = client.get("/shuttle?date=2024-03-02&lang=en").get_data(as_text=True)  # a Saturday
    assert "Weekend extra" in _text(html)
    assert 'id="timetable-weekend"' in html and 'id="timetable-weekday-holiday"' in html
    weekend = html.split('id="timetable-weekend"', 1)[0].rsplit("<section", 1)[1]
    assert "today" in weekend  # the Saturday's timetable is the one marked
    outbound = _card(html, "timetable-weekend", "outbound")
    assert re.search(r'class="first">08:00<', outbound) and re.search(r'class="last">17:00<', outbound)
    assert "08:00–17:00 15 min" in _text(outbound)
    weekday = _card(html, "timetable-weekday-holiday", "outbound")
    assert re.search(r'class="first">07:00<', weekday)
    rows = list(csv.DictReader(io.StringIO(client.get("/shuttle.csv").get_data(as_text=True))))
    weekend_out = [r for r in rows if r["day_type"] == "weekend" and r["direction"] == "outbound"]
    assert len(weekend_out) == 37 and weekend_out[0]["depart"] == "08:00" and weekend_out[-1]["depart"] == "17:00"
    assert weekend_out[0]["from_stop"] == "shuttle-dj" and weekend_out[0]["to_stop"] == "shuttle-panda-south"


def test_the_csv_lists_every_departure_of_every_day_type(shuttle_app, scenario):
    response = shuttle_app.test_client().get("/shuttle.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = sum(len(scenario.departures_s(t, d)) for t in ("weekday", "weekend", "holiday")
                   for d in ("outbound", "inbound"))
    assert len(rows) == expected
    first = rows[0]
    arrive = 7 * 3600 + scenario.run_time_s(7 * 3600)
    assert (first["depart"], first["arrive"]) == ("07:00", f"{arrive // 3600:02d}:{arrive % 3600 // 60:02d}")


@pytest.mark.parametrize("path", ["/?date=2024-02-12", "/compare?date=2024-02-12&start=07:00&end=08:00"])
def test_the_home_map_and_the_comparison_link_to_it(shuttle_app, path):
    html = shuttle_app.test_client().get(path + "&lang=en").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="shuttle-timetable-link">([^<]+)</a>', html)
    assert link and link.group(1) == "/shuttle?date=2024-02-12" and link.group(2) == "Shuttle timetable"


def test_a_bad_date_is_answered_as_a_page_naming_it(shuttle_app):
    response = shuttle_app.test_client().get("/shuttle?date=2024-13-01&lang=en")
    assert response.status_code == 400 and "not a date" in response.get_data(as_text=True)


@pytest.fixture
def users_of_app(shuttle_app):
    shuttle_app.extensions["planner"].accounts.create("pat", "correct horse battery", "planner")
