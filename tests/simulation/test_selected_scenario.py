"""The selected scenario is the shuttle of the comparison and the day plans: a new selection, or a new
version of the selected scenario, is used at the next request (nothing cached for another shuttle is served)."""
from __future__ import annotations

import copy
import json

import pytest

from planner.simulation.scenario import PROPOSAL_ID, scenario_to_record

DAY = "2024-02-12"  # a Spring Festival holiday: the day type "holiday"
PLAN = {"date": DAY, "start": "dj-south-gate", "start_time": "08:05", "end_time": "14:00",
        "must": ["panda-kindergarten"], "shuttle": "with", "meal": False}
COMPARE = f"/api/compare?from=shuttle:shuttle-dj&to=shuttle:shuttle-panda-south&date={DAY}&start=08:10&end=08:20"
RUN_S = 1000  # the odd scenario's run time at every hour: no proposal trip takes 16 min 40 s


@pytest.fixture
def app(tmp_path):
    from planner.web import create_app

    made = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'planner.db'}",
                       "IMPORT_DIR": str(tmp_path / "imports")})
    yield made
    made.extensions["planner"].close()


def odd_record(proposal, outbound_s: int, inbound_s: int) -> dict:
    """One departure each way on every day type, 1000 s end to end."""
    record = copy.deepcopy(scenario_to_record(proposal))
    record.update(id="odd", name_en="Odd times", name_zh="奇数班次",
                  run_times=[{"hour": h, "mean_s": RUN_S, "sd_s": 100} for h in (6, 12, 18)])
    for day in record["service"]:
        record["service"][day] = {"outbound": {"periods": [], "departures_s": [outbound_s]},
                                  "inbound": {"periods": [], "departures_s": [inbound_s]}}
    return record


def shuttle_legs(answer) -> list[tuple[str, str]]:
    """(departure, arrival) of every shuttle leg anywhere in an answer."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("mode") == "shuttle":
                found.append((node["departure"][11:19], node["arrival"][11:19]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer)
    return found


def door_by_minute(client) -> dict[str, int | None]:
    minutes = client.get(COMPARE).get_json()["directions"][0]["minutes"]
    return {m["depart"]: m["shuttle_door_s"] for m in minutes}


def test_compare_and_day_plans_follow_the_selected_scenario_and_its_versions(app):
    services, client = app.extensions["planner"], app.test_client()
    store = services.scenarios
    # the proposal: 08:00, 08:20 ... out (08:17 waits 3 min), 10:00, 10:30 ... back (the plan rides 12:00)
    assert door_by_minute(client)["08:17"] > RUN_S + 180
    assert shuttle_legs(client.post("/api/itineraries", json=PLAN).get_json()) == [("12:00:00", "12:29:00")]

    store.create(odd_record(store.get(PROPOSAL_ID).scenario, 8 * 3600 + 17 * 60, 12 * 3600 + 7 * 60), "pat")
    store.select("odd", "pat")
    doors = door_by_minute(client)
    assert doors["08:17"] == RUN_S and doors["08:16"] == RUN_S + 60  # boards the 08:17, rides 1000 s
    assert services.journeys.shuttle.id == "odd"
    assert shuttle_legs(client.post("/api/itineraries", json=PLAN).get_json()) == [("12:07:00", "12:23:40")]

    # a new version of the selected scenario: its departure, not the cached one
    store.update("odd", {"service": odd_record(store.get("odd").scenario, 8 * 3600 + 19 * 60,
                                               12 * 3600 + 13 * 60)["service"]}, 1, "pat")
    doors = door_by_minute(client)
    assert doors["08:19"] == RUN_S and doors["08:17"] == RUN_S + 120
    assert shuttle_legs(client.post("/api/itineraries", json=PLAN).get_json()) == [("12:13:00", "12:29:40")]

    # the proposal again: the planner over data/ serves, as before
    store.select(PROPOSAL_ID, "ada")
    assert services.journeys is services.data_journeys
    assert shuttle_legs(client.post("/api/itineraries", json=PLAN).get_json()) == [("12:00:00", "12:29:00")]


def test_planner_compare_uses_the_selection_of_the_database(app, runner, tmp_path, monkeypatch):
    from planner.main import main

    store = app.extensions["planner"].scenarios
    store.create(odd_record(store.get(PROPOSAL_ID).scenario, 8 * 3600 + 17 * 60, 12 * 3600 + 7 * 60), "pat")
    args = ["compare", "--from", "shuttle:shuttle-dj", "--to", "shuttle:shuttle-panda-south", "--date", DAY,
            "--start", "08:10", "--end", "08:20", "--json"]
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'planner.db'}")

    def door_at_0817() -> int:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        return {m["depart"]: m["shuttle_door_s"] for m in answer["directions"][0]["minutes"]}["08:17"]

    assert door_at_0817() > RUN_S + 180  # the proposal is selected
    store.select("odd", "pat")
    assert door_at_0817() == RUN_S


def test_a_selection_made_while_a_plan_request_starts_never_pairs_one_shuttle_with_anothers_plan_cache(app):
    """The day planner takes the journey planner and the plan cache of one selection: a selection made
    between reading the one and the other (here: at the second read of the selection) must not put a
    plan made with the old shuttle into the new shuttle's cache."""
    from planner.web.views.itineraries import day_planner

    services = app.extensions["planner"]
    store = services.scenarios
    store.create(odd_record(store.get(PROPOSAL_ID).scenario, 8 * 3600 + 17 * 60, 12 * 3600 + 7 * 60), "pat")
    scenarios = services.database.scenarios
    read = scenarios.selected_stored
    reads = []

    def selected_stored():
        reads.append(1)
        if len(reads) == 2:  # another request selects the odd scenario just now
            store.select("odd", "pat")
        return read()

    with app.test_request_context("/"):
        scenarios.selected_stored = selected_stored
        try:
            planner = day_planner()
        finally:
            del scenarios.selected_stored
        pairs = {id(services.data_journeys): "data"}
        if services._selected_journeys is not None:
            pairs[id(services._selected_journeys)] = "odd"
        cache_is_current = planner.plans is services._plans
        journeys_current = planner.journeys is (services._selected_journeys or services.data_journeys)
        assert cache_is_current == journeys_current, (pairs.get(id(planner.journeys)), len(reads))
