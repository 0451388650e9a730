"""The scenario store on SQLite and PostgreSQL: the proposal seeded once and never deleted, versions
with conflicts, validation with JSON paths, history, restore, and the selected scenario."""
from __future__ import annotations

import copy
import threading

import pytest
import sqlalchemy as sa

from planner.domain.errors import DataError, NotFound
from planner.simulation.scenario import PROPOSAL_ID, scenario_from_shuttle, scenario_to_record
from planner.store import Conflict, open_database
from planner.store.db import current_revision, downgrade, head_revision, upgrade
from planner.store.scenarios import ScenarioConflict, ScenarioStore


@pytest.fixture
def database(db_url, model):
    db = open_database(db_url, model.places)
    yield db
    db.close()


@pytest.fixture
def store(database, model) -> ScenarioStore:
    """The scenario store of a fresh database with the proposal seeded."""
    assert database.scenarios.seed_from(scenario_from_shuttle(model.shuttle)) is True
    return database.scenarios


def variant(scenario, **changes) -> dict:
    """The proposal's record under another id (a night service by default), with ``changes``."""
    record = copy.deepcopy(scenario_to_record(scenario))
    record.update({"id": "night-service", "name_en": "Night service", "name_zh": "夜间班车"})
    record.update(changes)
    return record


def test_the_migration_adds_the_tables_and_goes_back(database):
    engine = database.engine
    assert current_revision(engine) == head_revision() == "0004_scenarios"
    downgrade(engine, "0003_session_key")
    assert not sa.inspect(engine).has_table("scenarios")
    assert sa.inspect(engine).has_table("events")
    upgrade(engine)
    assert {"scenarios", "scenario_versions", "selected_scenario"} <= set(sa.inspect(engine).get_table_names())


def test_the_proposal_is_seeded_once_and_an_edit_survives_a_second_seed(store, model, scenario):
    proposal = store.get(PROPOSAL_ID)
    assert proposal.version == 1 and proposal.created_by == "seed"
    assert proposal.record == scenario_to_record(scenario)  # what data/shuttle.yaml says, whole
    edited = store.update(PROPOSAL_ID, {"fleet_size": 7}, 1, "pat")
    assert store.seed_from(scenario_from_shuttle(model.shuttle)) is False
    assert store.get(PROPOSAL_ID).scenario.fleet_size == 7 and store.get(PROPOSAL_ID).version == edited.version == 2
    assert [s.id for s in store.all()] == [PROPOSAL_ID]


def test_create_get_and_list_with_the_proposal_first(store, scenario):
    made = store.create(variant(scenario, id="a-first-by-name"), "pat")
    assert made.version == 1 and made.created_by == made.updated_by == "pat"
    store.create(variant(scenario), "pat")
    assert [s.id for s in store.all()] == [PROPOSAL_ID, "a-first-by-name", "night-service"]
    assert store.get("night-service").scenario.name_en == "Night service"
    with pytest.raises(DataError) as taken:
        store.create(variant(scenario), "pat")
    assert [p.where for p in taken.value.problems] == ["id"]
    with pytest.raises(NotFound):
        store.get("no-such-scenario")


def test_an_invalid_record_names_every_fault_by_json_path_and_writes_nothing(store, scenario):
    record = variant(scenario, fleet_size=0)
    record["service"]["weekday"]["outbound"]["periods"][1]["headway_s"] = 30
    record["stops"][1]["lat"] = 200
    record["stops"][0]["place_id"] = "no-such-place"
    with pytest.raises(DataError) as bad:
        store.create(record, "pat")
    paths = {p.where for p in bad.value.problems}
    assert {"fleet_size", "service.weekday.outbound.periods[1].headway_s", "stops[1].lat",
            "stops[0].place_id"} <= paths
    assert store.find("night-service") is None
    with pytest.raises(DataError) as bad_update:
        store.update(PROPOSAL_ID, {"capacity_passengers": 5000}, 1, "pat")
    assert [p.where for p in bad_update.value.problems] == ["capacity_passengers"]
    assert store.get(PROPOSAL_ID).version == 1 and len(store.history(PROPOSAL_ID)) == 1


def test_a_change_from_an_old_version_is_a_conflict_with_both_sides(store):
    store.update(PROPOSAL_ID, {"fleet_size": 7}, 1, "sally")
    with pytest.raises(ScenarioConflict) as clash:
        store.update(PROPOSAL_ID, {"fleet_size": 8, "fare_cny": 5.0}, 1, "pat")
    conflict = clash.value
    assert isinstance(conflict, Conflict)  # handled wherever an event's edit conflict is
    assert conflict.current.version == 2 and conflict.current.updated_by == "sally"
    assert conflict.expected_version == 1 and conflict.base["fleet_size"] == 6
    assert ("fleet_size", 6, 7, 8) in conflict.differences()
    assert "version 2" in str(conflict) and "sally" in str(conflict)
    assert store.get(PROPOSAL_ID).scenario.fleet_size == 7


def test_concurrent_writers_from_one_version_only_one_wins(store):
    outcomes: list[str] = []

    def write(fleet: int) -> None:
        try:
            store.update(PROPOSAL_ID, {"fleet_size": fleet}, 1, f"writer-{fleet}")
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in (7, 8, 9, 10)]  # each differs from the proposal's 6
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["saved"]
    assert store.get(PROPOSAL_ID).version == 2 and len(store.history(PROPOSAL_ID)) == 2


def test_an_unchanged_save_writes_no_version(store):
    assert store.update(PROPOSAL_ID, {"fleet_size": 6}, 1, "pat").version == 1  # the proposal's own fleet
    assert len(store.history(PROPOSAL_ID)) == 1


def test_history_diffs_and_restore(store):
    store.update(PROPOSAL_ID, {"fleet_size": 9, "fare_cny": 4.0}, 1, "pat")
    restored = store.restore(PROPOSAL_ID, 1, 2, "ada")
    assert restored.version == 3 and restored.scenario.fleet_size == 6
    history = store.history(PROPOSAL_ID)
    assert [(h.version, h.action, h.changed_by) for h in history] == [(3, "restore", "ada"), (2, "update", "pat"),
                                                                     (1, "seed", "seed")]
    assert history[1].diff == [("fleet_size", 6, 9), ("fare_cny", 2.0, 4.0)]
    assert history[0].diff == [("fleet_size", 9, 6), ("fare_cny", 4.0, 2.0)]
    with pytest.raises(NotFound):
        store.restore(PROPOSAL_ID, 99, 3, "ada")
    with pytest.raises(ScenarioConflict):
        store.restore(PROPOSAL_ID, 1, 2, "ada")


def test_the_proposal_cannot_be_deleted_others_can_and_come_back(store, scenario):
    with pytest.raises(DataError) as refused:
        store.delete(PROPOSAL_ID, 1, "ada")
    assert "cannot be deleted" in str(refused.value) and store.get(PROPOSAL_ID).version == 1
    store.create(variant(scenario), "pat")
    with pytest.raises(ScenarioConflict):
        store.delete("night-service", 7, "pat")
    gone = store.delete("night-service", 1, "pat")
    assert gone.deleted and gone.version == 2
    assert store.find("night-service") is None and [s.id for s in store.all()] == [PROPOSAL_ID]
    with pytest.raises(NotFound):
        store.update("night-service", {"fleet_size": 3}, 2, "pat")
    with pytest.raises(DataError):  # its id stays taken: its history is kept under it
        store.create(variant(scenario), "pat")
    back = store.restore("night-service", 1, 2, "pat")
    assert not back.deleted and back.version == 3 and store.get("night-service").scenario.name_en == "Night service"
    assert [h.action for h in store.history("night-service")] == ["restore", "delete", "create"]


def test_the_selected_scenario_defaults_to_the_proposal_and_follows_its_versions(store, scenario):
    assert store.selected().id == PROPOSAL_ID and store.selected_id() == PROPOSAL_ID
    store.create(variant(scenario), "pat")
    store.select("night-service", "pat")
    assert store.selected().id == "night-service" and store.selected_stored().key == ("night-service", 1)
    store.update("night-service", {"fleet_size": 2}, 1, "pat")
    assert store.selected_stored().key == ("night-service", 2) and store.selected().fleet_size == 2
    with pytest.raises(NotFound):
        store.select("no-such-scenario", "pat")
    store.delete("night-service", 2, "pat")  # deleting the selected one falls back to the proposal
    assert store.selected().id == PROPOSAL_ID and store.selected_id() == PROPOSAL_ID
    with pytest.raises(NotFound):
        store.select("night-service", "pat")


def test_concurrent_selections_all_succeed_and_one_stands(store, scenario):
    for ident in ("night-a", "night-b", "night-c"):
        store.create(variant(scenario, id=ident), "pat")
    errors: list[Exception] = []

    def choose(ident: str) -> None:
        try:
            store.select(ident, "pat")
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=choose, args=(ident,)) for ident in ("night-a", "night-b", "night-c") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and store.selected_id() in ("night-a", "night-b", "night-c")
