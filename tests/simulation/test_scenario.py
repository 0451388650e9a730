"""Scenarios: the proposal read from data/, records both ways, every fault at once with its JSON path."""
from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from planner.domain.errors import DataError
from planner.simulation.scenario import (
    DAY_TYPES, DIRECTIONS, PROPOSAL_ID, DirectionService, HeadwayPeriod, scenario_from_record,
    scenario_from_shuttle, scenario_to_record, with_fleet, with_headway,
)


def _problems(record) -> dict[str, str]:
    with pytest.raises(DataError) as caught:
        scenario_from_record(record)
    return {p.where: p.message for p in caught.value.problems}


def test_the_proposal_carries_every_field_of_shuttle_yaml(scenario):
    assert scenario.id == PROPOSAL_ID
    assert [s.id for s in scenario.stops] == ["shuttle-dj", "shuttle-panda-south"]
    assert scenario.stops[0].place_id == "dj-south-gate"
    assert scenario.departures_s("weekday", "outbound")[:3] == [7 * 3600, 7 * 3600 + 1200, 7 * 3600 + 2400]
    assert scenario.departures_s("holiday", "inbound")[-1] == 18 * 3600 + 40 * 60
    # the same timetable every day type (shuttle.yaml gives no other)
    assert len({tuple(scenario.departures_s(d, "inbound")) for d in DAY_TYPES}) == 1
    assert (scenario.fleet_size, scenario.capacity_passengers, scenario.layover_s) == (6, 75, 480)
    assert (scenario.dwell_base_s, scenario.dwell_per_boarding_s, scenario.fare_cny) == (10, 3.0, 2.0)
    assert (scenario.cost_per_vehicle_hour_cny, scenario.cost_per_km_cny) == (90.0, 3.5)
    assert scenario.run_time_s(8 * 3600 + 1) == 39 * 60 and scenario.run_time_sd_s(8 * 3600) == 7 * 60
    assert scenario.demand.visitors_per_day == {"weekday": 18000, "weekend": 34000, "holiday": 54000}
    assert len(scenario.demand.outbound_curve) == len(scenario.demand.inbound_curve) == 24


def test_every_number_of_the_proposal_says_where_it_comes_from_in_both_languages(scenario):
    fields = {"stops", "path", "run_times", "service", "layover_s", "dwell_base_s", "dwell_per_boarding_s",
              "capacity_passengers", "fleet_size", "fare_cny", "cost_per_vehicle_hour_cny", "cost_per_km_cny"}
    assert set(scenario.notes_en) == set(scenario.notes_zh) == fields
    demand = {"visitors_per_day", "dongjiao_visitors_per_day", "ride_share", "outbound_curve", "inbound_curve",
              "show_audience_default", "show_ride_share", "surge_spread_s"}
    assert set(scenario.demand.notes_en) == set(scenario.demand.notes_zh) == demand
    assert "FACTS.md" in scenario.demand.notes_en["visitors_per_day"]
    notes = [*scenario.notes_en.values(), *scenario.demand.notes_en.values()]
    assert all("Assumption" in n or "FACTS.md" in n or "Manual" in n for n in notes)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in n) for n in [*scenario.notes_zh.values(),
                                                                   *scenario.demand.notes_zh.values()])


def test_length_follows_the_road_path(scenario):
    assert 10_300 < scenario.length_m() < 10_900  # "sketch length 10.6 km" in shuttle.yaml
    straight = scenario_from_record({**scenario_to_record(scenario), "path": []})
    assert 7_200 < straight.length_m() < 7_400  # FACTS.md: about 7.3 km in a straight line


def test_trips_both_ways_sorted_with_run_times(scenario):
    trips = scenario.trips("weekday")
    out = [t for t in trips if t.direction == "outbound"]
    back = [t for t in trips if t.direction == "inbound"]
    assert len(out) == len(scenario.departures_s("weekday", "outbound")) and len(back) + len(out) == len(trips)
    assert [t.depart_s for t in trips] == sorted(t.depart_s for t in trips)
    assert trips[0].trip_id == f"{PROPOSAL_ID}-weekday-outbound-25200"
    assert all(t.arrive_s - t.depart_s == scenario.run_time_s(t.depart_s) for t in trips)
    assert {(t.from_stop, t.to_stop) for t in out} == {("shuttle-dj", "shuttle-panda-south")}
    assert {(t.from_stop, t.to_stop) for t in back} == {("shuttle-panda-south", "shuttle-dj")}


def test_an_hour_without_a_run_time_takes_the_nearest(scenario):
    assert scenario.run_time_s(3 * 3600) == scenario.run_time_s(6 * 3600)  # 6 is the nearest listed to 3
    assert scenario.run_time_s(25 * 3600) == scenario.run_time_s(23 * 3600)  # 01:00 next day: 23 is nearest


def test_the_record_is_json_and_reads_back_equal(scenario):
    record = scenario_to_record(scenario)
    again = json.loads(json.dumps(record, ensure_ascii=False))
    assert scenario_from_record(again) == scenario
    assert list(record["service"]) == list(DAY_TYPES)
    assert all(list(record["service"][d]) == list(DIRECTIONS) for d in DAY_TYPES)


def test_to_shuttle_and_back_is_the_same_scenario(scenario):
    assert scenario_from_shuttle(scenario.to_shuttle()) == scenario


def test_an_explicit_list_of_departures_is_the_timetable(scenario):
    record = scenario_to_record(scenario)
    record["service"]["holiday"]["outbound"]["departures_s"] = [30000, 25200, 30000]
    s = scenario_from_record(record)
    assert s.departures_s("holiday", "outbound") == [25200, 30000]
    assert s.departures_s("weekday", "outbound") == scenario.departures_s("weekday", "outbound")
    shuttle = s.to_shuttle()
    assert shuttle.departures_s("outbound", "holiday") == [25200, 30000]
    assert shuttle.departures_s("outbound", "weekday") == scenario.departures_s("weekday", "outbound")


def test_every_fault_at_once_with_its_json_path(scenario):
    record = copy.deepcopy(scenario_to_record(scenario))
    record["service"]["weekday"]["outbound"]["periods"][1]["headway_s"] = 30
    record["service"]["weekend"]["inbound"]["periods"][0]["last_s"] = 0
    record["fleet_size"] = 0
    record["capacity_passengers"] = 301
    record["stops"][1]["lat"] = float("nan")
    record["stops"][1]["id"] = record["stops"][0]["id"]
    record["run_times"][0]["mean_s"] = True
    record["demand"]["ride_share"] = 1.5
    record["demand"]["inbound_curve"] = [0] * 24
    record["colour"] = "red"
    problems = _problems(record)
    assert problems["service.weekday.outbound.periods[1].headway_s"] == "30 is outside 60..7200"
    assert "before the first" in problems["service.weekend.inbound.periods[0].last_s"]
    assert problems["fleet_size"] == "0 is outside 1..200"
    assert problems["capacity_passengers"] == "301 is outside 1..300"
    assert "expected a number" in problems["stops[1].lat"]
    assert "used twice" in problems["stops[1].id"]
    assert "whole number" in problems["run_times[0].mean_s"]
    assert problems["demand.ride_share"] == "1.5 is outside 0..1"
    assert "above 0" in problems["demand.inbound_curve"]
    assert "unknown field" in problems["colour"]
    assert len(problems) == 10


@pytest.mark.parametrize("change, where", [
    (lambda r: r.update(stops=r["stops"] * 11), "stops"),  # 22 stops
    (lambda r: r.update(stops=r["stops"][:1]), "stops"),
    (lambda r: r.update(path=[[30.7, 104.1]] * 1001), "path"),
    (lambda r: r.update(path=[[30.7, 104.1]]), "path"),
    (lambda r: r["service"]["holiday"]["inbound"].update(departures_s=list(range(0, 401 * 60, 60))),
     "service.holiday.inbound.departures_s"),
    (lambda r: r["service"]["holiday"]["inbound"].update(
        periods=[{"first_s": 0, "last_s": 30 * 3600, "headway_s": 60}]), "service.holiday.inbound.periods"),
    (lambda r: r["service"]["weekday"]["outbound"]["periods"][0].update(first_s=30 * 3600 + 1),
     "service.weekday.outbound.periods[0].first_s"),
    (lambda r: r["service"].update(sunday={}), "service.sunday"),
    (lambda r: r.update(run_times=[]), "run_times"),
    (lambda r: r.update(run_times=r["run_times"] + r["run_times"][:1]), "run_times[18].hour"),
    (lambda r: r["run_times"][0].update(mean_s=14401), "run_times[0].mean_s"),
    (lambda r: r.update(name_en="x" * 201), "name_en"),
    (lambda r: r.update(id="Shuttle 1"), "id"),
    (lambda r: r.update(fare_cny=math.inf), "fare_cny"),
    (lambda r: r.update(layover_s=-1), "layover_s"),
    (lambda r: r["demand"].update(surge_spread_s=0), "demand.surge_spread_s"),
    (lambda r: r["demand"]["visitors_per_day"].pop("holiday"), "demand.visitors_per_day.holiday"),
    (lambda r: r["demand"].update(outbound_curve=[1] * 23), "demand.outbound_curve"),
    (lambda r: r.update(notes_en={f"n{i}": "x" for i in range(61)}), "notes_en"),
    (lambda r: r.update(notes_zh={"fleet_size": "x" * 2001}), "notes_zh"),
    (lambda r: r.pop("demand"), "demand"),
    (lambda r: r.update(stops="two"), "stops"),
])
def test_bounds_a_stranger_could_abuse(scenario, change, where):
    record = copy.deepcopy(scenario_to_record(scenario))
    change(record)
    assert where in _problems(record)


def test_not_an_object_at_all():
    assert "(record)" in _problems(["a", "list"])


def test_place_ids_are_checked_when_given(scenario):
    record = scenario_to_record(scenario)
    record["stops"][0]["place_id"] = "atlantis"
    assert scenario_from_record(record).stops[0].place_id == "atlantis"  # not checked without the places
    with pytest.raises(DataError) as caught:
        scenario_from_record(record, place_ids={"dj-south-gate", "panda-south-gate"})
    assert [p.where for p in caught.value.problems] == ["stops[0].place_id"]


def test_with_headway_and_with_fleet(scenario):
    ten = with_headway(scenario, 600)
    assert {p.headway_s for d in DAY_TYPES for s in ten.service[d].values() for p in s.periods} == {600}
    assert ten.departures_s("weekday", "outbound")[:3] == [25200, 25800, 26400]
    assert len(ten.trips("weekday")) > len(scenario.trips("weekday"))
    assert with_fleet(scenario, 9).fleet_size == 9 and scenario.fleet_size == 6
    assert with_fleet(scenario, 9).service == scenario.service


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 3000), st.integers(60, 7200)), max_size=6),
       st.lists(st.integers(0, 108_000), max_size=30))
def test_periods_and_departures_read_back(scenario, periods, departures):
    record = copy.deepcopy(scenario_to_record(scenario))
    record["service"]["weekend"]["outbound"] = {
        "periods": [{"first_s": a, "last_s": a + span, "headway_s": h} for a, span, h in periods
                    if a + span <= 108_000],
        "departures_s": departures}
    s = scenario_from_record(record)
    service = s.service["weekend"]["outbound"]
    assert scenario_to_record(s) == record
    expected = sorted(set(departures)) if departures else sorted(
        {d for p in service.periods for d in range(p.first_s, p.last_s + 1, p.headway_s)})
    assert s.departures_s("weekend", "outbound") == expected  # at most 6 x 51 departures: within bounds


def test_direction_service_without_anything_runs_nothing():
    assert DirectionService().all_departures_s() == []
    assert DirectionService((HeadwayPeriod(0, 0, 60),)).all_departures_s() == [0]


def test_shuttle_yaml_planning_fields_are_validated(data_dir):
    from planner.sources.datafiles import load_model

    path = data_dir / "shuttle.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [("ride_share: 0.02", "ride_share: 2"), ("cost_per_km_cny: 3.5", "cost_per_km_cny: -1"),
                     ("run_time_sd_min_by_hour: {6: 3,", "run_time_sd_min_by_hour: {5: 3,"),
                     ("  fleet_size:\n    en:", "  fleet_sizes:\n    en:"),
                     ("  outbound_curve: [0, 0, ", "  outbound_curve: [0, "),
                     ("holiday: 100000}", "holiday: 1.5}")]:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_model(data_dir)
    problems = [str(p) for p in caught.value.problems]
    for where in ("demand.ride_share", "cost_per_km_cny", "run_time_sd_min_by_hour", "notes.fleet_size",
                  "demand.outbound_curve", "demand.dongjiao_visitors_per_day"):
        assert any(where in p and p.startswith("shuttle.yaml:") for p in problems), (where, problems)
