"""GTFS out, and back in: the exported zip validates (gtfs-guru), loads (read_feed) and routes (planner route)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import gtfs_guru  # a missing validator fails this module, it does not skip it
import pytest

from planner.main import main
from planner.simulation.daytypes import day_type
from planner.simulation.gtfs_export import MAX_DAYS, scenario_to_gtfs
from planner.simulation.scenario import DAY_TYPES, scenario_from_record, scenario_to_record
from planner.sources.gtfs import read_feed

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _rows(zipped: bytes, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


@pytest.fixture(scope="module")
def by_day_type(scenario):
    """The proposal with a holiday and a weekend timetable of their own, to see the calendar at work."""
    record = scenario_to_record(scenario)
    record["service"]["holiday"]["outbound"] = {"periods": [], "departures_s": [10 * 3600 + 5 * 60]}
    record["service"]["weekend"]["outbound"] = {"periods": [], "departures_s": [9 * 3600, 12 * 3600]}
    return scenario_from_record(record)


@pytest.fixture(scope="module")
def three_stops(scenario):
    """A stop between the terminals, at coordinates (no place), and no road path."""
    record = scenario_to_record(scenario)
    middle = {"id": "xiongmao-avenue", "name_zh": "熊猫大道", "name_en": "Panda Avenue", "lat": 30.7278,
              "lon": 104.1070, "place_id": None}
    record["stops"].insert(1, middle)
    record["path"] = []
    return scenario_from_record(record)


def _write(tmp_path, scenario, name="shuttle.zip"):
    path = tmp_path / name
    path.write_bytes(scenario_to_gtfs(scenario, START, END))
    return path


@pytest.mark.parametrize("which", ["scenario", "by_day_type", "three_stops"])
def test_gtfs_guru_finds_no_errors(request, tmp_path, which):
    path = _write(tmp_path, request.getfixturevalue(which))
    result = gtfs_guru.validate(str(path), date="2025-06-01")
    assert [(n.code, n.file, n.field, n.message) for n in result.errors()] == []
    # left: a check for Latin text flags the Chinese names (as on data/gtfs), documented in gtfs_export
    assert {(n.code, n.file) for n in result.warnings()} <= {
        ("mixed_case_recommended_field", "routes.txt"), ("mixed_case_recommended_field", "agency.txt"),
        ("mixed_case_recommended_field", "stops.txt")}


def test_the_feed_loads_with_every_trip_and_its_times(tmp_path, scenario):
    zipped = scenario_to_gtfs(scenario, START, END)
    path = tmp_path / "shuttle.zip"
    path.write_bytes(zipped)
    feed = read_feed(path)
    trips = {t.trip_id: t for kind in DAY_TYPES for t in scenario.trips(kind)}
    assert set(feed.trips) == set(trips) and sorted(feed.stops) == ["shuttle-dj", "shuttle-panda-south"]
    times = {}
    for row in _rows(zipped, "stop_times.txt"):
        times.setdefault(row["trip_id"], []).append(row)
    for trip_id, trip in trips.items():
        first, last = times[trip_id]
        assert (first["stop_id"], last["stop_id"]) == (trip.from_stop, trip.to_stop)
        h, m, _ = first["departure_time"].split(":")
        assert int(h) * 3600 + int(m) * 60 == trip.depart_s
        h, m, _ = last["arrival_time"].split(":")
        assert int(h) * 3600 + int(m) * 60 == trip.arrive_s
    fare = _rows(zipped, "fare_attributes.txt")[0]
    assert (fare["price"], fare["currency_type"]) == ("2.00", "CNY")
    assert len(_rows(zipped, "shapes.txt")) == 2 * len(scenario.path)
    english = {r["record_id"]: r["translation"] for r in _rows(zipped, "translations.txt") if r["table_name"] == "stops"}
    assert english == {"shuttle-dj": "Dongjiao Memory South Gate", "shuttle-panda-south": "Panda Base South Gate"}


def test_each_date_runs_its_day_types_service(by_day_type):
    zipped = scenario_to_gtfs(by_day_type, START, END)
    calendar = {r["service_id"]: r for r in _rows(zipped, "calendar.txt")}
    assert set(calendar) == {"weekday", "weekend"}  # holiday runs on calendar_dates only
    exceptions = {(r["service_id"], r["date"]): r["exception_type"] for r in _rows(zipped, "calendar_dates.txt")}
    for day in (START + dt.timedelta(days=i) for i in range(365)):
        natural = "weekday" if day.weekday() < 5 else "weekend"
        on = {kind for kind in DAY_TYPES
              if (kind == natural and exceptions.get((kind, day.strftime("%Y%m%d"))) != "2")
              or exceptions.get((kind, day.strftime("%Y%m%d"))) == "1"}
        assert on == {day_type(day)}, day


def _first_shuttle(runner, path, date: str, depart: str) -> str:
    result = runner.invoke(main, ["route", "--gtfs", str(path), "--from", "shuttle-dj", "--to", "shuttle-panda-south",
                                  "--date", date, "--depart", depart, "--json"])
    assert result.exit_code == 0, result.output
    legs = json.loads(result.stdout)["journeys"][0]["legs"]
    (ride,) = [leg for leg in legs if leg["mode"] == "bus"]
    assert ride["route_id"] == "dj-panda-shuttle" and ride["line"] == "直通车"
    return ride["departure"]


def test_planner_route_finds_the_shuttle_in_the_exported_feed(runner, tmp_path, by_day_type):
    path = _write(tmp_path, by_day_type)
    assert _first_shuttle(runner, path, "2025-10-09", "08:05:00") == "2025-10-09T08:20:00+08:00"  # a Thursday
    assert _first_shuttle(runner, path, "2025-10-03", "08:05:00") == "2025-10-03T10:05:00+08:00"  # National Day
    assert _first_shuttle(runner, path, "2025-10-11", "08:05:00") == "2025-10-11T08:20:00+08:00"  # make-up Saturday
    assert _first_shuttle(runner, path, "2025-10-18", "08:05:00") == "2025-10-18T09:00:00+08:00"  # a Saturday


def test_planner_route_with_a_stop_between(runner, tmp_path, three_stops):
    path = _write(tmp_path, three_stops)
    result = runner.invoke(main, ["route", "--gtfs", str(path), "--from", "shuttle-dj", "--to", "xiongmao-avenue",
                                  "--date", "2025-03-03", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 0, result.output
    (ride,) = [leg for leg in json.loads(result.stdout)["journeys"][0]["legs"] if leg["mode"] == "bus"]
    assert ride["departure"] == "2025-03-03T07:00:00+08:00" and ride["arrival"] < "2025-03-03T07:33:00+08:00"


def test_the_same_scenario_and_dates_give_the_same_bytes(scenario):
    assert scenario_to_gtfs(scenario, START, END) == scenario_to_gtfs(scenario, START, END)
    feed_info = _rows(scenario_to_gtfs(scenario, START, END), "feed_info.txt")[0]
    changed = scenario_from_record({**scenario_to_record(scenario), "fare_cny": 3.0})
    assert _rows(scenario_to_gtfs(changed, START, END), "feed_info.txt")[0]["feed_version"] != feed_info["feed_version"]
    assert (feed_info["feed_start_date"], feed_info["feed_end_date"]) == ("20250101", "20251231")


def test_dates_are_checked(scenario):
    with pytest.raises(ValueError, match="before it starts"):
        scenario_to_gtfs(scenario, END, START)
    with pytest.raises(ValueError, match=f"at most {MAX_DAYS}"):
        scenario_to_gtfs(scenario, START, START + dt.timedelta(days=MAX_DAYS))
