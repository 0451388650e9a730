"""The generated GTFS feed (data/gtfs) is valid, up to date and says what transit.yaml says."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import gtfs_guru
import pytest
import yaml

from planner.domain.geo import distance_m
from planner.sources import gtfs_build as build_gtfs

ROOT = Path(__file__).resolve().parent.parent
GTFS = ROOT / "data" / "gtfs"
TRANSIT = yaml.safe_load((ROOT / "data" / "transit.yaml").read_text(encoding="utf-8"))




def read(name: str) -> list[dict]:
    with open(GTFS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def seconds(hms: str) -> int:
    h, m, *s = (int(p) for p in hms.split(":"))
    return h * 3600 + m * 60 + (s[0] if s else 0)


@pytest.fixture(scope="module")
def feed():
    stops = {row["stop_id"]: row for row in read("stops.txt")}
    stop_times = defaultdict(list)
    for row in read("stop_times.txt"):
        stop_times[row["trip_id"]].append(row)
    for rows in stop_times.values():
        rows.sort(key=lambda r: int(r["stop_sequence"]))
    frequencies = defaultdict(list)
    for row in read("frequencies.txt"):
        frequencies[row["trip_id"]].append(row)
    return {
        "stops": stops,
        "routes": {row["route_id"]: row for row in read("routes.txt")},
        "trips": read("trips.txt"),
        "stop_times": stop_times,
        "frequencies": frequencies,
        "transfers": read("transfers.txt"),
    }


def station_stop(feed, name: str) -> str:
    (stop_id,) = [sid for sid, s in feed["stops"].items() if sid.startswith("m-") and s["stop_name"] == name]
    return stop_id


def position(feed, stop_id: str) -> tuple[float, float]:
    stop = feed["stops"][stop_id]
    return float(stop["stop_lat"]), float(stop["stop_lon"])


# --- validity and freshness ---------------------------------------------------------------


def test_gtfs_guru_finds_no_errors():
    result = gtfs_guru.validate(str(GTFS))
    assert [(n.code, n.file, n.row, n.field, n.message) for n in result.errors()] == []


def test_only_the_documented_warnings_remain():
    # A fixed date inside the feed's validity, so expiry warnings do not depend on today.
    result = gtfs_guru.validate(str(GTFS), date="2024-02-10")
    left = {(n.code, n.file, n.field) for n in result.warnings()}
    assert left <= {("mixed_case_recommended_field", "stops.txt", "stop_name")}


def test_committed_feed_matches_a_fresh_build(tmp_path):
    build_gtfs.write_feed(tmp_path)
    built = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in GTFS.iterdir())
    assert built == committed
    stale = [name for name in built if (tmp_path / name).read_bytes() != (GTFS / name).read_bytes()]
    assert stale == [], "data/gtfs is out of date: rerun planner build-gtfs"


# --- network ------------------------------------------------------------------------------


def test_every_station_and_line_of_the_metro_is_in_the_feed(feed):
    cd_lines, stations = build_gtfs.load_metro(build_gtfs.METRO_JS)
    metro_stops = {sid for sid in feed["stops"] if sid.startswith("m-")}
    assert metro_stops == {f"m-{i}" for i in stations}
    assert len(metro_stops) == 353
    metro_routes = [r for r in feed["routes"].values() if r["agency_id"] == "cdmetro"]
    assert len(metro_routes) == len(cd_lines) == 17
    assert {r["route_type"] for r in metro_routes if r["route_short_name"].startswith("蓉")} == {"0"}


def test_station_positions_are_converted_to_wgs84(feed):
    # FACTS.md: 东郊记忆 station is GCJ-02 30.668562, 104.129048, WGS84 about 30.67097, 104.12652.
    assert distance_m(position(feed, station_stop(feed, "东郊记忆")), (30.67097, 104.12652)) < 50


def test_line_7_loop_takes_the_official_66_minutes(feed):
    # FACTS.md: one loop about 66 min. Checks the speed, circuity and dwell of transit.yaml together.
    trips = [t["trip_id"] for t in feed["trips"] if t["route_id"] == "m-7" and "-from-" not in t["trip_id"]]
    assert len(trips) == 2 * len(TRANSIT["services"])
    for trip_id in trips:
        rows = feed["stop_times"][trip_id]
        assert rows[0]["stop_id"] == rows[-1]["stop_id"]
        loop_min = seconds(rows[-1]["arrival_time"]) / 60 + TRANSIT["running"]["dwell_s"] / 60
        assert 64 <= loop_min <= 68, trip_id


def first_departures(feed, route_id: str) -> dict[tuple[str, str], int]:
    """{(direction_id, stop_id): first departure there} over every trip of the route (GTFS runs)."""
    found: dict[tuple[str, str], int] = {}
    for trip in feed["trips"]:
        if trip["route_id"] != route_id or not trip["service_id"] == "weekday":
            continue
        rows = feed["stop_times"][trip["trip_id"]]
        start = gtfs_runs(feed["frequencies"][trip["trip_id"]])[0]
        for row in rows[:-1]:  # the loop's last stop is its first: arriving there boards nothing
            key = (trip["direction_id"], row["stop_id"])
            found[key] = min(found.get(key, 10**9), start + seconds(row["departure_time"]))
    return found


def test_line_7_loop_starts_its_first_trains_at_every_station(feed):
    # The slip this guards: the loop ran only from 火车北站 from 06:15, so 理工大学 saw its first
    # train at 07:09. A loop's trains start spread round it: every station has one within a
    # headway of the published 06:15 (FACTS.md, Line 7 service 06:15-22:55).
    (line,) = [line for line in TRANSIT["lines"] if line["id"] == "m-7"]
    first = build_gtfs.clock_s(line["first"])
    headway = TRANSIT["headways_s"]["weekday"]["early"]
    firsts = first_departures(feed, "m-7")
    assert len(firsts) == 2 * 31  # both ways round, 31 stations (FACTS.md)
    assert all(first <= t < first + headway for t in firsts.values()), sorted(firsts.items(), key=lambda kv: kv[1])[-3:]
    ligong = station_stop(feed, "理工大学")
    assert all(firsts[(d, ligong)] <= build_gtfs.clock_s("06:23") for d in ("0", "1"))


def test_line_7_trains_entering_at_the_start_are_one_headway_apart(feed):
    # Each starting train is where a train of the loop would be at 06:15: k headways behind the first.
    trips = [t for t in feed["trips"] if t["route_id"] == "m-7" and t["service_id"] == "weekday"]
    for direction in ("0", "1"):
        (loop,) = [t for t in trips if t["direction_id"] == direction and "-from-" not in t["trip_id"]]
        offsets = {r["stop_id"]: seconds(r["departure_time"]) for r in feed["stop_times"][loop["trip_id"]][:-1]}
        first = gtfs_runs(feed["frequencies"][loop["trip_id"]])[0]
        behind = sorted(first - (gtfs_runs(feed["frequencies"][t["trip_id"]])[0]
                                 - offsets[feed["stop_times"][t["trip_id"]][0]["stop_id"]])
                        for t in trips if t["direction_id"] == direction and "-from-" in t["trip_id"])
        assert behind == [480 * k for k in range(1, len(behind) + 1)]
        assert len(behind) == max(offsets.values()) // 480  # every train the 66-min loop holds


def test_stations_of_several_lines_have_a_transfer_time(feed):
    lines_at = defaultdict(set)
    for trip in feed["trips"]:
        if trip["route_id"].startswith("m-"):
            for row in feed["stop_times"][trip["trip_id"]]:
                lines_at[row["stop_id"]].add(trip["route_id"])
    interchanges = {sid for sid, lines in lines_at.items() if len(lines) > 1}
    same_stop = {t["from_stop_id"]: t for t in feed["transfers"] if t["from_stop_id"] == t["to_stop_id"]}
    assert set(same_stop) == interchanges
    assert station_stop(feed, "理工大学") in interchanges  # Lines 7 and 8 (FACTS.md)
    minimum = str(TRANSIT["transfers"]["min_transfer_time_s"])
    assert all(t["transfer_type"] == "2" and t["min_transfer_time"] == minimum for t in same_stop.values())


# --- timetable ----------------------------------------------------------------------------


def passing_times(feed, route_id: str, station: str, towards: str) -> list[tuple[int, int]]:
    """(first, last) departure at a station, per trip of the route heading to `towards`."""
    stop_id = station_stop(feed, station)
    result = []
    for trip in feed["trips"]:
        rows = feed["stop_times"][trip["trip_id"]]
        if trip["route_id"] != route_id or feed["stops"][rows[-1]["stop_id"]]["stop_name"] != towards:
            continue
        offset = seconds(next(r["departure_time"] for r in rows if r["stop_id"] == stop_id))
        windows = feed["frequencies"][trip["trip_id"]]
        first = min(seconds(w["start_time"]) for w in windows)
        # runs are start + k x headway before end_time (GTFS): the last run of the last window
        last = max(seconds(w["start_time"]) + (seconds(w["end_time"]) - 1 - seconds(w["start_time"]))
                   // int(w["headway_secs"]) * int(w["headway_secs"]) for w in windows)
        result.append((first + offset, last + offset))
    return result


FACTS = TRANSIT["first_last_trains"]


@pytest.mark.parametrize("fact", FACTS, ids=[f"{f['line']}-{f['station']}-{f['towards']}" for f in FACTS])
def test_published_first_and_last_trains_come_out_right(feed, fact):
    times = passing_times(feed, fact["line"], fact["station"], fact["towards"])
    assert len(times) == len(TRANSIT["services"])  # one template trip per service
    for first, last in times:
        if "first" in fact:
            assert build_gtfs.gtfs_time(first) == fact["first"] + ":00"
        if "last" in fact:
            assert build_gtfs.gtfs_time(last) == fact["last"] + ":00"


def test_dongjiao_memory_first_trains_are_published_in_both_directions():
    towards = {f["towards"] for f in FACTS if f["station"] == "东郊记忆" and "first" in f}
    assert towards == {"桂龙路", "龙港"}  # the two terminals of Line 8 in cd.js


def test_every_trip_runs_in_time_order_and_has_service(feed):
    for trip in feed["trips"]:
        rows = feed["stop_times"][trip["trip_id"]]
        times = [seconds(t) for r in rows for t in (r["arrival_time"], r["departure_time"])]
        assert times == sorted(times) and times[0] == 0, trip["trip_id"]
        assert feed["frequencies"][trip["trip_id"]], trip["trip_id"]


# --- feeders ------------------------------------------------------------------------------


def stop_sequences(feed, route_id: str) -> set[tuple[str, ...]]:
    return {tuple(r["stop_id"] for r in feed["stop_times"][t["trip_id"]])
            for t in feed["trips"] if t["route_id"] == route_id}


@pytest.mark.parametrize("route_id, a, b", [
    ("bus-198", "bus-xmdd", "bus-panda-south"),
    ("bus-d025", "bus-xmdd", "bus-panda-south"),
    ("shuttle-west-gate", "bus-jqzyy", "bus-panda-west"),
])
def test_feeders_run_both_ways_between_station_and_gate(feed, route_id, a, b):
    assert feed["routes"][route_id]["route_type"] == "3"
    assert stop_sequences(feed, route_id) == {(a, b), (b, a)}


@pytest.mark.parametrize("feeder_stop, station", [("bus-xmdd", "熊猫大道"), ("bus-jqzyy", "军区总医院")])
def test_feeder_stops_at_stations_are_linked_to_the_metro(feed, feeder_stop, station):
    metro = station_stop(feed, station)
    assert distance_m(position(feed, feeder_stop), position(feed, metro)) < 1
    links = {(t["from_stop_id"], t["to_stop_id"]) for t in feed["transfers"]}
    assert {(metro, feeder_stop), (feeder_stop, metro)} <= links


def test_gate_stops_are_where_facts_md_puts_the_gates(feed):
    # South gate: OSM way 686460747. Station to gate: "about 3.7 km" (FACTS.md).
    assert distance_m(position(feed, "bus-panda-south"), (30.735095, 104.143645)) < 100
    xmdd_to_gate = distance_m(position(feed, "bus-xmdd"), position(feed, "bus-panda-south"))
    assert 3400 < xmdd_to_gate < 4000
    # West gate: unmapped, placed towards the Panda Tower of the west expansion.
    assert distance_m(position(feed, "bus-panda-west"), (30.742952, 104.131243)) < 1000


@pytest.mark.parametrize("feeder", TRANSIT["feeders"], ids=[f["id"] for f in TRANSIT["feeders"]])
def test_feeder_ride_times_fit_the_distance(feed, feeder):
    # A ride of ride_s over the straight line between the stops must be a believable road speed.
    rows = feed["stop_times"][f"{feeder['id']}-0-{feeder['services'][0]}"]
    ride_s = seconds(rows[-1]["arrival_time"])
    km = distance_m(position(feed, rows[0]["stop_id"]), position(feed, rows[-1]["stop_id"])) / 1000
    assert 10 <= km / (ride_s / 3600) <= 40


def gtfs_runs(windows: list[dict]) -> list[int]:
    """Run start times as the GTFS reference defines frequencies.txt: start_time + k x headway_secs
    for every k >= 0 with the start still before end_time (end_time is exclusive)."""
    runs = []
    for w in windows:
        start, end, headway = seconds(w["start_time"]), seconds(w["end_time"]), int(w["headway_secs"])
        k = 0
        while start + k * headway < end:
            runs.append(start + k * headway)
            k += 1
    return sorted(runs)


@pytest.mark.parametrize("feeder", TRANSIT["feeders"], ids=[f["id"] for f in TRANSIT["feeders"]])
def test_feeders_first_and_last_departures_are_the_data_s(feed, feeder):
    # The slip this guards: end_time written as the last departure, so the last run (198 21:00,
    # west-gate shuttle 18:30) was dropped and the day ended one headway early (20:45, 18:20).
    first, last, headway = (build_gtfs.clock_s(feeder["first"]), build_gtfs.clock_s(feeder["last"]),
                            feeder["headway_s"])
    for trip in feed["trips"]:
        if trip["route_id"] != feeder["id"]:
            continue
        runs = gtfs_runs(feed["frequencies"][trip["trip_id"]])
        assert runs[0] == first and runs[-1] == last, trip["trip_id"]
        assert all(0 < b - a <= headway for a, b in zip(runs, runs[1:])), trip["trip_id"]
        assert len(runs) == -(-(last - first) // headway) + 1  # no run lost, none doubled


def test_every_metro_window_s_last_run_is_the_terminal_window_s_last(feed):
    # end_time is exclusive for the metro too: each trip's last run is the line's last departure
    for trip in feed["trips"]:
        if trip["route_id"].startswith("m-") and "-from-" not in trip["trip_id"]:
            windows = feed["frequencies"][trip["trip_id"]]
            runs = gtfs_runs(windows)
            assert runs[-1] == max(seconds(w["end_time"]) for w in windows) - 1, trip["trip_id"]


@pytest.mark.parametrize("first, last, headway", [(0, 0, 60), (100, 1000, 300), (100, 1000, 301), (100, 1000, 900),
                                                  (100, 1000, 1000)])
def test_span_rows_keep_the_first_and_the_last_run(first, last, headway):
    rows = build_gtfs.span_rows("t", first, last, headway)
    runs = gtfs_runs([dict(zip(["trip_id", "start_time", "end_time", "headway_secs"], row)) for row in rows])
    assert runs[0] == first and runs[-1] == last and len(set(runs)) == len(runs)


# --- the cd.js parser ---------------------------------------------------------------------


def test_js_parser_reads_object_literals():
    text = """// header
    export default {
      lineList: [ { name: '1号线', stations: [ 0, 1, ], }, ],
      stationList: [ { id: 0, name: 'it\\'s', "quoted": "a,}b" } /* note */ ],
    };"""
    assert build_gtfs.parse_js_object(text) == {
        "lineList": [{"name": "1号线", "stations": [0, 1]}],
        "stationList": [{"id": 0, "name": "it's", "quoted": "a,}b"}],
    }


# --- day types ----------------------------------------------------------------------------


def test_every_day_of_the_feed_runs_its_day_type_s_timetable():
    """Weekday, weekend, public holiday, Spring Festival: each day runs the service transit.yaml's
    day_types gives its type (metro_day_type), calendar.txt and calendar_dates.txt together."""
    import datetime as dt

    from planner.domain.daytypes import METRO_DAY_TYPES, metro_day_type
    from planner.sources.gtfs import read_feed

    feed = read_feed(GTFS)
    assert set(TRANSIT["day_types"]) == set(METRO_DAY_TYPES)
    day, end, seen = TRANSIT["feed"]["start_date"], TRANSIT["feed"]["end_date"], set()
    while day <= end:
        kind = metro_day_type(day)
        seen.add(kind)
        assert feed.services_on(day) == {TRANSIT["day_types"][kind]["service"]}, (day, kind)
        day += dt.timedelta(days=1)
    assert seen == set(METRO_DAY_TYPES)


@pytest.mark.parametrize("day, kind, service", [
    ("2024-02-09", "weekday", "weekday"),          # Friday before the break
    ("2024-02-12", "spring_festival", "weekend"),  # Monday of the Spring Festival break: not the weekday timetable
    ("2024-02-17", "spring_festival", "weekend"),
    ("2024-02-18", "weekday", "weekday"),          # Sunday worked in exchange (调休)
    ("2024-10-01", "holiday", "weekend"),
    ("2024-10-12", "weekday", "weekday"),          # Saturday worked in exchange
    ("2024-10-19", "weekend", "weekend"),
])
def test_named_days_run_the_stated_timetable(day, kind, service):
    import datetime as dt

    from planner.domain.daytypes import metro_day_type
    from planner.sources.gtfs import read_feed

    date = dt.date.fromisoformat(day)
    assert metro_day_type(date) == kind
    assert TRANSIT["day_types"][kind]["service"] == service
    assert read_feed(GTFS).services_on(date) == {service}


def test_every_day_type_running_another_service_says_why():
    for kind, entry in TRANSIT["day_types"].items():
        assert entry.get("source") or entry.get("assumption"), kind
        if entry["service"] != kind:
            assert entry.get("assumption"), kind  # not published: an assumption, with its reasoning


def test_pages_can_say_which_timetable_a_day_runs_and_why():
    import datetime as dt

    from planner.sources.datafiles import metro_timetable_on

    festival = metro_timetable_on(dt.date(2024, 2, 12))
    assert (festival["day_type"], festival["service"]) == ("spring_festival", "weekend")
    assert festival["assumption"] == TRANSIT["day_types"]["spring_festival"]["assumption"]
    workday = metro_timetable_on(dt.date(2024, 2, 18))  # a Sunday worked in exchange
    assert (workday["day_type"], workday["service"]) == ("weekday", "weekday") and workday["source"]
