"""The planners' scenario pages and the scenario API, through Flask's test client.

Roles (planners write, staff and visitors read), CSRF on every form, the form's faults beside
their boxes with everything typed kept, an edit conflict that loses nothing, the simulated day
with its charts and the CSV behind each, a sweep on the (local) job queue, the GTFS download,
and the API's shapes, bounds and 400s naming the JSON path.
"""
from __future__ import annotations

import csv
import html
import io
import re
import time
import zipfile

import pytest

from tests.calendar.conftest import Browser

FAST_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PASSWORD = "correct horse battery"
PROPOSAL = "dj-panda-shuttle"
DAY = "2024-02-12"  # Spring Festival: a public holiday


@pytest.fixture
def web(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "PASSWORD_HASH_PARAMS": FAST_HASH, "JOB_WORKERS": 2,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "IMPORT_DIR": str(tmp_path / "imports")})
    accounts = app.extensions["planner"].accounts
    for name, role in (("sally", "staff"), ("pat", "planner"), ("ada", "admin")):
        accounts.create(name, PASSWORD, role)
    yield app
    app.extensions["planner"].close()


def logged_in(app, name: str) -> Browser:
    browser = Browser(app)
    assert browser.login(name, PASSWORD).status_code == 302
    return browser


def form_of(page: str) -> dict[str, str]:
    """The values of a page's inputs and textareas, as a browser would post them."""
    values = {name: html.unescape(value) for name, value in re.findall(r'<input type="[a-z]+"[^>]* name="([^"]+)" value="([^"]*)"', page)}
    values.update({name: html.unescape(value) for name, value in
                   re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)})
    values.update({name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)})
    return values


def box(page: str, name: str) -> str:
    """The field's block (its label, box, faults) on a form page."""
    start = page.index(f'name="{name}"')
    begin = page.rfind('<div class="field', 0, start)
    return page[begin:page.index("</div>", start)]


# --- who may do what


def test_visitors_and_staff_read_only_planners_write(web):
    anonymous = web.test_client()
    for path in ("/scenarios", f"/scenarios/{PROPOSAL}", f"/scenarios/{PROPOSAL}/sweep", "/api/scenarios"):
        assert anonymous.get(path + "?lang=en").status_code == 200, path
    assert "Log in to change scenarios" in anonymous.get("/scenarios?lang=en").get_data(as_text=True)
    assert anonymous.get("/scenarios/new").status_code == 401
    assert anonymous.get(f"/scenarios/{PROPOSAL}/edit").status_code == 401
    sally = logged_in(web, "sally")
    assert sally.get(f"/scenarios/{PROPOSAL}/edit").status_code == 403
    page = sally.get(f"/scenarios/{PROPOSAL}?lang=en").get_data(as_text=True)
    assert 'id="edit"' not in page and 'id="select"' not in page and "needs the planner role" in page
    for path in (f"/scenarios/{PROPOSAL}/edit", f"/scenarios/{PROPOSAL}/select", f"/scenarios/{PROPOSAL}/sweep"):
        assert sally.post(path, {"version": "1"}).status_code == 403, path
    pat = logged_in(web, "pat")
    page = pat.get(f"/scenarios/{PROPOSAL}?lang=en").get_data(as_text=True)
    assert 'id="edit"' in page and 'id="copy"' in page
    assert 'id="delete"' not in page  # the proposal cannot be deleted: no button
    assert logged_in(web, "ada").get(f"/scenarios/{PROPOSAL}/edit").status_code == 200
    assert web.extensions["planner"].scenarios.get(PROPOSAL).version == 1


def test_a_form_post_without_its_csrf_token_is_refused_and_saves_nothing(web):
    pat = logged_in(web, "pat")
    values = form_of(pat.get(f"/scenarios/{PROPOSAL}/edit").get_data(as_text=True))
    values.pop("csrf_token")
    answer = pat.client.post(f"/scenarios/{PROPOSAL}/edit?lang=en", data={**values, "fleet_size": "9"})
    assert answer.status_code == 400 and "CSRF" in answer.get_data(as_text=True)
    answer = pat.client.post(f"/scenarios/{PROPOSAL}/select", data={})
    assert answer.status_code == 400
    assert web.extensions["planner"].scenarios.get(PROPOSAL).scenario.fleet_size == 6


# --- the form


def test_a_planner_edits_a_scenario_and_the_history_shows_it(web):
    pat = logged_in(web, "pat")
    values = form_of(pat.get(f"/scenarios/{PROPOSAL}/edit?lang=en").get_data(as_text=True))
    assert values["service.holiday.outbound"] == "07:00-09:40 / 20\n10:00-15:30 / 30"
    assert values["version"] == "1" and values["fleet_size"] == "6"
    values.update({"fleet_size": "7", "service.holiday.outbound": "07:00-09:40 / 10\n10:00-15:30 / 15\n21:40, 21:50"})
    answer = pat.client.post(f"/scenarios/{PROPOSAL}/edit?lang=en", data=values)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    stored = web.extensions["planner"].scenarios.get(PROPOSAL)
    assert stored.version == 2 and stored.scenario.fleet_size == 7
    holiday = stored.scenario.service["holiday"]["outbound"]
    assert holiday.departures_s == (21 * 3600 + 2400, 21 * 3600 + 3000)  # a list of departures IS the timetable
    assert stored.scenario.departures_s("weekday", "outbound")[:2] == [25200, 26400]  # other day types untouched
    page = pat.get(f"/scenarios/{PROPOSAL}?lang=en").get_data(as_text=True)
    assert "Saved (version 2)" in page
    assert re.search(r'data-version="2"><strong>Version</strong>|data-version="2"><strong>Version 2', page)
    assert "fleet_size" in page.split('id="history"', 1)[1]


def test_every_fault_is_beside_its_box_and_nothing_typed_is_lost(web):
    pat = logged_in(web, "pat")
    values = form_of(pat.get(f"/scenarios/{PROPOSAL}/edit?lang=en").get_data(as_text=True))
    typed = {
        "fleet_size": "0",  # below the bound of the record's check
        "service.weekday.outbound": "07:00-09:40 / 20\n10:00-15:30 / 0.5",  # a 30 s headway, on line 2
        "service.weekend.inbound": "seven o'clock",  # not read at all
        "stops": values["stops"] + "\nbroken line",
        "demand.ride_share": "lots",
        "name_en": "Scenario with faults",
    }
    answer = pat.client.post(f"/scenarios/{PROPOSAL}/edit?lang=en", data={**values, **typed})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    for name in ("fleet_size", "service.weekday.outbound", "service.weekend.inbound", "stops", "demand.ride_share"):
        assert 'class="field-error"' in box(page, name), name
        assert 'aria-invalid="true"' in box(page, name), name
    assert "line 2: headway_s:" in box(page, "service.weekday.outbound")  # its unit named: seconds
    assert "line 1:" in box(page, "service.weekend.inbound")
    assert "line 3:" in box(page, "stops")
    assert "fleet_size" not in box(page, "name_en")  # a box without fault shows none
    assert 'class="field-error"' not in box(page, "name_en")
    kept = form_of(page)
    for name, value in typed.items():
        assert kept[name].replace("\r\n", "\n") == value, name
    assert kept["version"] == "1"
    assert web.extensions["planner"].scenarios.get(PROPOSAL).version == 1


def test_the_form_is_in_chinese_with_chinese_faults(web):
    pat = logged_in(web, "pat")
    values = form_of(pat.get(f"/scenarios/{PROPOSAL}/edit").get_data(as_text=True))
    page = pat.post(f"/scenarios/{PROPOSAL}/edit?lang=zh", {**values, "service.weekday.inbound": "七点"}).get_data(as_text=True)
    assert "第 1 行：" in box(page, "service.weekday.inbound") and "发车间隔" in page


def test_an_edit_conflict_shows_theirs_and_keeps_mine(web):
    pat, ada = logged_in(web, "pat"), logged_in(web, "ada")
    mine = form_of(ada.get(f"/scenarios/{PROPOSAL}/edit?lang=en").get_data(as_text=True))
    theirs = form_of(pat.get(f"/scenarios/{PROPOSAL}/edit?lang=en").get_data(as_text=True))
    assert pat.client.post(f"/scenarios/{PROPOSAL}/edit", data={**theirs, "fleet_size": "7"}).status_code == 302
    answer = ada.client.post(f"/scenarios/{PROPOSAL}/edit?lang=en", data={**mine, "capacity_passengers": "80"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert 'id="conflict"' in page and "pat saved version 2" in page
    assert "Theirs: <code>7</code>" in box(page, "fleet_size")
    kept = form_of(page)
    assert kept["capacity_passengers"] == "80" and kept["fleet_size"] == "6" and kept["version"] == "2"
    stored = web.extensions["planner"].scenarios.get(PROPOSAL)
    assert (stored.version, stored.scenario.fleet_size, stored.scenario.capacity_passengers) == (2, 7, 75)
    # having seen both, ada keeps pat's fleet and saves
    answer = ada.client.post(f"/scenarios/{PROPOSAL}/edit", data={**kept, "fleet_size": "7"})
    assert answer.status_code == 302
    stored = web.extensions["planner"].scenarios.get(PROPOSAL)
    assert (stored.version, stored.scenario.fleet_size, stored.scenario.capacity_passengers) == (3, 7, 80)


def test_a_new_scenario_from_a_copy_can_be_selected_deleted_and_restored(web):
    pat = logged_in(web, "pat")
    values = form_of(pat.get(f"/scenarios/new?from={PROPOSAL}&lang=en").get_data(as_text=True))
    assert values["id"] == f"{PROPOSAL}-copy" and values["base"] == PROPOSAL
    values.update({"id": "night-owl", "name_en": "Night owl", "name_zh": "夜猫子",
                   "service.weekend.inbound": "16:00-18:40 / 20\n21:40, 22:10"})
    answer = pat.client.post("/scenarios/new", data=values)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/scenarios/night-owl")
    listed = web.test_client().get("/api/scenarios?lang=en").get_json()
    assert [s["id"] for s in listed["scenarios"]] == [PROPOSAL, "night-owl"] and listed["selected"] == PROPOSAL
    assert pat.post("/scenarios/night-owl/select", {}).status_code == 302
    assert web.test_client().get("/api/scenarios").get_json()["selected"] == "night-owl"
    shuttle = web.test_client().get("/shuttle?lang=en&date=2024-03-02").get_data(as_text=True)
    assert "Night owl" in shuttle and 'class="last">22:10<' in shuttle
    # the proposal cannot be deleted; the copy can, and comes back
    refused = pat.post(f"/scenarios/{PROPOSAL}/delete?lang=en", {"version": "1"})
    assert refused.status_code == 422 and "cannot be deleted" in refused.get_data(as_text=True)
    assert pat.post("/scenarios/night-owl/delete", {"version": "1"}).status_code == 302
    assert [s["id"] for s in web.test_client().get("/api/scenarios").get_json()["scenarios"]] == [PROPOSAL]
    assert web.test_client().get("/api/scenarios").get_json()["selected"] == PROPOSAL
    assert web.test_client().get("/scenarios/night-owl").status_code == 404
    restored = pat.post("/scenarios/night-owl/restore", {"version": "2", "restore": "1"})
    assert restored.status_code == 302
    assert web.extensions["planner"].scenarios.get("night-owl").version == 3


def test_a_fleet_too_small_names_the_first_trip_it_cannot_run(web):
    store = web.extensions["planner"].scenarios
    store.update(PROPOSAL, {"fleet_size": 2}, 1, "pat")
    page = web.test_client().get(f"/scenarios/{PROPOSAL}?day_type=holiday&lang=en").get_data(as_text=True)
    verdict = re.search(r'<p id="fleet-verdict" class="bad">(.*?)</p>', page, re.S).group(1)
    from planner.simulation.blocks import vehicle_blocks

    plan = vehicle_blocks(store.get(PROPOSAL).scenario, "holiday")
    first = plan.uncovered
    assert f"2 buses are too few: the timetable needs {plan.min_fleet}." in " ".join(verdict.split())
    assert f"{first.depart_s // 3600:02d}:{first.depart_s % 3600 // 60:02d}" in verdict
    assert page.count('class="bar-outbound"') + page.count('class="bar-inbound"') >= 2 * sum(
        len(b.trips) for b in plan.blocks)  # each trip drawn in the chart and listed in the table
    rows = list(csv.DictReader(io.StringIO(web.test_client().get(
        f"/scenarios/{PROPOSAL}/blocks.csv?day_type=holiday").get_data(as_text=True))))
    assert sum(r["kind"] == "trip" for r in rows) == sum(len(b.trips) for b in plan.blocks)
    assert {int(r["vehicle"]) for r in rows} == {b.vehicle for b in plan.blocks}


# --- a simulated day


def test_a_simulated_day_shows_metrics_with_intervals_and_charts_with_their_numbers(web):
    client = web.test_client()
    query = f"date={DAY}&replications=3&seed=7"
    page = client.get(f"/scenarios/{PROPOSAL}/simulate?{query}&lang=en").get_data(as_text=True)
    for name in ("riders", "wait_mean_s", "wait_p95_s", "left_behind", "peak_load_factor", "cost_per_passenger_cny",
                 "headway_cv", "vehicle_hours", "vehicle_km", "person_minutes_saved"):
        row = re.search(rf'<tr data-metric="{name}">(.*?)</tr>', page, re.S)
        assert row and re.search(r'class="num ci">[0-9.,]+–[0-9.,]+<', row.group(1)), name
    assert 'class="chart marey-chart"' in page and 'class="chart load-chart"' in page and 'class="chart wait-chart"' in page
    result = client.get(f"/api/scenarios/{PROPOSAL}/simulate").status_code  # GET is not the API's method
    assert result == 405
    api = client.post(f"/api/scenarios/{PROPOSAL}/simulate", json={"date": DAY, "replications": 3, "seed": 7}).get_json()
    load = list(csv.DictReader(io.StringIO(client.get(f"/scenarios/{PROPOSAL}/simulate.csv?{query}&chart=load").get_data(as_text=True))))
    assert len(load) == len(api["trips"]) == _chart(page, "load-chart").count("<rect ")  # a bar per trip
    assert sorted(int(r["max_load"]) for r in load) == sorted(t["max_load"] for t in api["trips"])
    marey = list(csv.DictReader(io.StringIO(client.get(f"/scenarios/{PROPOSAL}/simulate.csv?{query}&chart=marey").get_data(as_text=True))))
    assert len({r["vehicle"] for r in marey}) == _chart(page, "marey-chart").count('<polyline class="vehicle"')
    waits = list(csv.DictReader(io.StringIO(client.get(f"/scenarios/{PROPOSAL}/simulate.csv?{query}&chart=waits").get_data(as_text=True))))
    assert sum(int(r["riders"]) for r in waits) == sum(t["boarded"] for t in api["trips"])
    assert len(waits) == _chart(page, "wait-chart").count("<rect ")  # a bar per bin
    metrics = list(csv.DictReader(io.StringIO(client.get(f"/scenarios/{PROPOSAL}/simulate.csv?{query}&chart=metrics").get_data(as_text=True))))
    by_name = {r["metric"]: r for r in metrics}
    assert float(by_name["riders"]["mean"]) == pytest.approx(api["metrics"]["riders"]["mean"])
    assert by_name["riders"]["replications"] == "3"


def _chart(page: str, name: str) -> str:
    return page.split(f'class="chart {name}"', 1)[1].split("</svg>", 1)[0]


def test_bad_simulation_input_is_shown_beside_its_field_with_what_was_typed(web):
    answer = web.test_client().get(f"/scenarios/{PROPOSAL}/simulate?date={DAY}&replications=99&seed=1&lang=en")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="replications-error"' in box(page, "replications") and "99 is outside 1..50" in page
    assert 'value="99"' in box(page, "replications") and f'value="{DAY}"' in box(page, "date")
    assert 'id="metrics"' not in page


# --- the API


def test_the_api_lists_and_shows_scenarios(web):
    client = web.test_client()
    listed = client.get("/api/scenarios?lang=en").get_json()
    (proposal,) = listed["scenarios"]
    assert proposal["id"] == PROPOSAL and proposal["selected"] and proposal["fleet_size"] == 6
    assert set(proposal["trips"]) == {"weekday", "weekend", "holiday"}
    one = client.get(f"/api/scenarios/{PROPOSAL}").get_json()
    assert one["record"]["service"]["weekday"]["outbound"]["periods"][0] == {"first_s": 25200, "last_s": 34800, "headway_s": 1200}
    assert set(one["blocks"]) == {"weekday", "weekend", "holiday"} and one["blocks"]["weekday"]["min_fleet"] >= 1
    missing = client.get("/api/scenarios/no-such?lang=en")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"]


@pytest.mark.parametrize("body, path", [
    ({"replications": 51}, "$.replications"),
    ({"replications": 0}, "$.replications"),
    ({"date": "2024-13-01"}, "$.date"),
    ({"seed": -1}, "$.seed"),
    ({"seeds": 1}, "$.seeds"),
    ({"replications": "ten"}, "$.replications"),
])
def test_bad_simulation_bodies_are_400_naming_the_json_path(web, body, path):
    answer = web.test_client().post(f"/api/scenarios/{PROPOSAL}/simulate?lang=en", json=body)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["field"] == path


def test_the_api_simulation_is_reproducible_by_seed(web):
    client = web.test_client()
    first = client.post(f"/api/scenarios/{PROPOSAL}/simulate", json={"date": DAY, "replications": 2, "seed": 3}).get_json()
    web.extensions.pop("scenario_results")  # simulate again, not from the kept result
    again = client.post(f"/api/scenarios/{PROPOSAL}/simulate", json={"date": DAY, "replications": 2, "seed": 3}).get_json()
    other = client.post(f"/api/scenarios/{PROPOSAL}/simulate", json={"date": DAY, "replications": 2, "seed": 4}).get_json()
    assert first == again and first["metrics"] != other["metrics"]
    riders = first["metrics"]["riders"]
    assert riders["low"] <= riders["mean"] <= riders["high"] and riders["n"] == 2 and first["day_type"] == "holiday"


def test_a_sweep_needs_a_planner_and_bounded_grids(web):
    anonymous = web.test_client()
    assert anonymous.post(f"/api/scenarios/{PROPOSAL}/sweep", json={"headways_min": [20], "fleets": [5]}).status_code == 400  # no CSRF token
    sally = logged_in(web, "sally")
    token = sally.csrf()
    answer = sally.client.post(f"/api/scenarios/{PROPOSAL}/sweep", json={"headways_min": [20], "fleets": [5]},
                               headers={"X-CSRFToken": token})
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    pat = logged_in(web, "pat")
    token = pat.csrf()
    for body, path in (({"headways_min": list(range(10, 18)), "fleets": [5]}, "$.headways_min"),
                       ({"headways_min": [20], "fleets": [5], "replications": 21}, "$.replications"),
                       ({"headways_min": [0], "fleets": [5]}, "$.headways_min[0]"),
                       ({"headways_min": [20]}, "$.fleets")):
        answer = pat.client.post(f"/api/scenarios/{PROPOSAL}/sweep", json=body, headers={"X-CSRFToken": token})
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == path, body


def _finished(client, job: str, timeout_s: float = 240) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job}").get_json()
        assert status["state"] in ("queued", "running", "finished"), status
        if status["state"] == "finished":
            return status
        time.sleep(0.3)
    raise AssertionError(f"sweep {job} not finished in {timeout_s} s: {status}")


def test_a_sweep_on_the_local_queue_from_the_api_and_from_the_page(web):
    pat = logged_in(web, "pat")
    token = pat.csrf()
    answer = pat.client.post(f"/api/scenarios/{PROPOSAL}/sweep", headers={"X-CSRFToken": token}, json={
        "date": DAY, "headways_min": [20, 30], "fleets": [4, 6], "replications": 1,
        "targets": {"wait_p95_s": 3600, "left_behind": 100000}})
    assert answer.status_code == 202, answer.get_data(as_text=True)[:500]
    accepted = answer.get_json()
    assert accepted["points"] == 4 and answer.headers["Location"].endswith(accepted["status_url"])
    status = _finished(pat.client, accepted["job"])
    assert status["done"] == status["total"] == 4
    points = status["result"]["points"]
    assert sorted((p["headway_s"], p["fleet"]) for p in points) == [(1200, 4), (1200, 6), (1800, 4), (1800, 6)]
    # the page: a form post starts it, the page shows its progress, then the best plan, the chart and the CSV
    form = {"date": DAY, "headways": "20, 30", "fleets": "4,6", "replications": "1", "wait_p95_min": "60",
            "left_behind": "100000", "seed": "1"}
    answer = pat.post(f"/scenarios/{PROPOSAL}/sweep", form)
    assert answer.status_code == 302
    page_url = answer.headers["Location"]
    job = re.search(r"job=([0-9a-zA-Z-]+)", page_url).group(1)
    first = pat.get(page_url + "&lang=en").get_data(as_text=True)
    assert 'id="sweep-status"' in first and f'data-job="{job}"' in first
    assert 'value="20, 30"' in box(first, "headways") and 'value="4,6"' in box(first, "fleets")  # as sent
    points = _finished(pat.client, job)["result"]["points"]
    page = pat.get(page_url + "&lang=en").get_data(as_text=True)
    best = re.search(r'<p class="ok" id="best-plan">(.*?)</p>', page, re.S)
    assert best and "Cheapest plan meeting the targets" in best.group(1)
    # a dot per plan, plans of the same cost and wait (a fleet larger than the timetable uses) on one
    assert page.count('<circle class="dot') == len({(p["cost_cny"], p["metrics"]["wait_p95_s"]["mean"]) for p in points})
    assert page.count("<tr data-headway=") == 4
    rows = list(csv.DictReader(io.StringIO(pat.get(f"/scenarios/{PROPOSAL}/sweep.csv?job={job}").get_data(as_text=True))))
    assert len(rows) == 4 and sum(r["best"] == "1" for r in rows) == 1
    cheapest = min((r for r in rows if r["meets_targets"] == "1"), key=lambda r: float(r["cost_cny"]))
    assert cheapest["best"] == "1"


def test_a_bad_sweep_form_keeps_what_was_typed_beside_each_fault(web):
    pat = logged_in(web, "pat")
    form = {"date": DAY, "headways": "10, x", "fleets": "1,2,3,4,5,6,7,8", "replications": "5",
            "wait_p95_min": "15", "left_behind": "0", "seed": "1"}
    answer = pat.post(f"/scenarios/{PROPOSAL}/sweep?lang=en", form)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="headways-error"' in box(page, "headways") and 'value="10, x"' in box(page, "headways")
    assert 'id="fleets-error"' in box(page, "fleets") and "8 is outside 1..7" in box(page, "fleets")
    assert 'id="replications-error"' not in page


def test_an_unknown_job_is_404(web):
    answer = web.test_client().get("/api/jobs/nothing-here")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "no_job"
    assert web.test_client().get("/api/jobs/" + "x" * 101).status_code == 404


# --- GTFS


def test_the_gtfs_download_holds_the_timetable_and_refuses_a_range_too_long(web):
    client = web.test_client()
    answer = client.get(f"/scenarios/{PROPOSAL}/gtfs.zip?from=2024-02-01&to=2024-02-29")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as feed:
        assert {"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt"} <= set(feed.namelist())
        stops = list(csv.DictReader(io.TextIOWrapper(feed.open("stops.txt"), "utf-8-sig")))
    assert {s["stop_id"] for s in stops} >= {"shuttle-dj", "shuttle-panda-south"}
    assert client.get(f"/scenarios/{PROPOSAL}/gtfs.zip?from=2024-02-01&to=2025-02-02").status_code == 400
    assert client.get(f"/scenarios/{PROPOSAL}/gtfs.zip?from=2024-02-01&to=2024-01-31").status_code == 400


# --- the OpenAPI document


def test_the_openapi_document_states_the_endpoints_and_their_bounds(web):
    doc = web.test_client().get("/api/openapi.json").get_json()
    paths = doc["paths"]
    assert {"/api/scenarios", "/api/scenarios/{scenario_id}", "/api/scenarios/{scenario_id}/simulate",
            "/api/scenarios/{scenario_id}/sweep", "/api/jobs/{job_id}"} <= set(paths)
    assert paths["/api/jobs/{job_id}"]["get"]["parameters"][0] == {
        "name": "job_id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 100}}
    schemas = doc["components"]["schemas"]
    simulate = schemas["ScenarioSimulateRequest"]["properties"]
    assert simulate["replications"]["maximum"] == 50 and simulate["replications"]["minimum"] == 1
    sweep = schemas["ScenarioSweepRequest"]["properties"]
    assert sweep["headways_min"]["maxItems"] == 7 and sweep["fleets"]["maxItems"] == 7
    assert sweep["replications"]["maximum"] == 20
    sweep_op = next(ops["post"] for path, ops in paths.items() if path.endswith("/sweep"))
    assert "202" in sweep_op["responses"] and {"401", "403"} <= set(sweep_op["responses"])
