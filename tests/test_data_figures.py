"""Every figure that a comment or note in data/*.yaml quotes, recomputed from the data and the feed.

Each test reads the figure out of the file's own text (a regular expression on the comment or note)
and compares it with what the data, the GTFS feed built from it, or the planner computes. A comment
left behind by a change of the data (or wrong from the start: the GCJ-02 offset said to point north,
Line 3's "83 min", the 15:30 shuttle "an hour before" last entry) fails here.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from planner.domain.daytypes import day_type, metro_day_type
from planner.domain.geo import distance_m, gcj02_to_wgs84
from planner.domain.paths import bundled_data_dir
from planner.sources.gtfs_build import clock_s, load_metro

DATA = bundled_data_dir()
TEXT = {name: (DATA / f"{name}.yaml").read_text(encoding="utf-8") for name in
        ("transit", "network", "shuttle", "places", "events")}
DOC = {name: yaml.safe_load(text) for name, text in TEXT.items()}
TRANSIT, NETWORK, SHUTTLE, PLACES = DOC["transit"], DOC["network"], DOC["shuttle"], DOC["places"]


def quoted(name: str, pattern: str, count: int = 1) -> list[str]:
    """The groups of ``pattern`` in data/<name>.yaml, which must say it (``count`` times at least)."""
    found = re.findall(pattern, TEXT[name])
    assert len(found) >= count, f"data/{name}.yaml no longer says {pattern!r}"
    return [g if isinstance(g, str) else g for g in found[0]] if isinstance(found[0], tuple) else [found[0]]


def num(text: str) -> float:
    return float(text.replace(",", ""))


def hhmm(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def place(pid: str) -> dict:
    for record in PLACES["sites"] + PLACES["places"]:
        if record["id"] == pid:
            return record
    raise KeyError(pid)


def wgs84(record: dict) -> tuple[float, float]:
    if record.get("crs") == "gcj02":
        return gcj02_to_wgs84(record["lat"], record["lon"])
    return record["lat"], record["lon"]


def line(line_id: str) -> dict:
    (found,) = [entry for entry in TRANSIT["lines"] if entry["id"] == line_id]
    return found


# --- the metro: lines, circuity, speed ------------------------------------------------------

CD_LINES, STATIONS = load_metro(DATA / "metro" / "cd.js")


def straight_km(line_name: str, between: tuple[str, str] | None = None) -> float:
    (cd,) = [entry for entry in CD_LINES if entry["name"] == line_name]
    ids = [int(i) for i in cd["stations"]]
    names = [STATIONS[i]["name"] for i in ids]
    if between:
        i, j = sorted(names.index(n) for n in between)
        ids = ids[i:j + 1]
    points = [(STATIONS[i]["lat"], STATIONS[i]["lon"]) for i in ids]
    return sum(distance_m(a, b) for a, b in zip(points, points[1:])) / 1000


def stations_of(line_name: str) -> int:
    (cd,) = [entry for entry in CD_LINES if entry["name"] == line_name]
    return len(set(cd["stations"]))


def test_line_7_circuity_and_straight_lines():
    km, ratio = quoted("transit", r"38\.61 km over ([\d.]+) km of straight lines \(circuity ([\d.]+)\)")
    assert round(straight_km("7号线"), 2) == num(km)
    assert round(38.61 / straight_km("7号线"), 3) == num(ratio) == line("m-7")["circuity"]
    assert stations_of("7号线") == 31  # FACTS.md: 31 stations


def test_line_3_circuity_and_straight_lines():
    km, ratio = quoted("transit", r"49\.9 km \(gochengdu, FACTS\.md\) over ([\d.]+) km of straight lines between the cd\.js\s+"
                                  r"stations: 49\.9 / [\d.]+ = (\d+\.\d+)")
    assert round(straight_km("3号线"), 2) == num(km)
    assert round(49.9 / straight_km("3号线"), 3) == num(ratio) == line("m-3")["circuity"]
    assert 44.5 < straight_km("3号线")  # "44.5 km is shorter than the straight-line path"
    assert stations_of("3号线") == 37  # FACTS.md: 37 stations


def test_line_8_phase_1_circuity_and_straight_lines():
    km, ratio = quoted("transit", r"same cd\.js stations are\s+([\d.]+) km apart in straight lines: 29\.1 / [\d.]+ = (\d+\.\d+)")
    assert round(straight_km("8号线", ("十里店", "莲花")), 2) == num(km)
    assert round(29.1 / straight_km("8号线", ("十里店", "莲花")), 3) == num(ratio) == line("m-8")["circuity"]
    (cd,) = [entry for entry in CD_LINES if entry["name"] == "8号线"]
    names = [STATIONS[int(i)]["name"] for i in cd["stations"]]
    assert abs(names.index("十里店") - names.index("莲花")) + 1 == 25  # FACTS.md: 25 stations


def test_default_circuity_is_the_mean_of_the_three():
    l3, l7, l8 = quoted("transit", r"Line 3 ([\d.]+), Line 7 ([\d.]+),\s+Line 8 ([\d.]+)")
    assert [num(l3), num(l7), num(l8)] == [line("m-3")["circuity"], line("m-7")["circuity"], line("m-8")["circuity"]]
    assert round((num(l3) + num(l7) + num(l8)) / 3, 2) == TRANSIT["running"]["circuity"]


def test_running_speed_from_the_line_7_loop():
    dwell_min, rest_min, speed = quoted(
        "transit", r"with 30 s dwell at 31 stations \(([\d.]+) min\) the remaining ([\d.]+) min over\s+38\.61 km is a running speed of (\d+) km/h")
    assert 31 * TRANSIT["running"]["dwell_s"] / 60 == num(dwell_min)
    assert 66 - num(dwell_min) == num(rest_min)
    assert round(38.61 / (num(rest_min) / 60)) == num(speed) == TRANSIT["running"]["speed_kmh"]
    assert round(38.61 / (66 / 60), 2) == 35.1  # FACTS.md's 35.26 km/h includes dwell: close to 38.61 km / 66 min


# --- the feed -----------------------------------------------------------------------------

def _read(name: str) -> list[dict]:
    with open(DATA / "gtfs" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


STOP_TIMES: dict[str, list[dict]] = defaultdict(list)
for _row in _read("stop_times.txt"):
    STOP_TIMES[_row["trip_id"]].append(_row)
for _rows in STOP_TIMES.values():
    _rows.sort(key=lambda r: int(r["stop_sequence"]))
FREQUENCIES: dict[str, list[dict]] = defaultdict(list)
for _row in _read("frequencies.txt"):
    FREQUENCIES[_row["trip_id"]].append(_row)
STOPS = {row["stop_id"]: row for row in _read("stops.txt")}


def runs(trip_id: str) -> list[int]:
    """Run starts by the GTFS rule: start_time + k x headway_secs before end_time."""
    found = []
    for w in FREQUENCIES[trip_id]:
        start, end, headway = clock_s(w["start_time"]), clock_s(w["end_time"]), int(w["headway_secs"])
        found += range(start, end, headway)
    return sorted(found)


def test_line_3_end_to_end_time():
    (minutes,) = quoted("transit", r"Line 3 end to end then takes ([\d.]+) min in the feed")
    for direction in (0, 1):
        rows = STOP_TIMES[f"m-3-{direction}-weekday"]
        assert round(clock_s(rows[-1]["arrival_time"]) / 60, 1) == num(minutes)
    assert abs(num(minutes) - 85) < 5  # against "about 85 min" (travelchinaguide)


def test_line_7_first_trains_round_the_loop():
    first, last_first, station_first = quoted(
        "transit", r"every station has a\s+first train between (\d\d:\d\d) and (\d\d:\d\d) \(理工大学 about (\d\d:\d\d)")
    headway_min = quoted("transit", r"one early headway \((\d+) min\)")[0]
    assert num(headway_min) * 60 == TRANSIT["headways_s"]["weekday"]["early"]
    assert first == line("m-7")["first"]
    firsts: dict[tuple[str, str], int] = {}
    for trip_id in STOP_TIMES:
        if trip_id.startswith("m-7-") and "-weekday" in trip_id:
            start = runs(trip_id)[0]
            for row in STOP_TIMES[trip_id][:-1]:
                key = (trip_id.split("-")[2], row["stop_id"])
                firsts[key] = min(firsts.get(key, 10**9), start + clock_s(row["departure_time"]))
    assert hhmm(min(firsts.values())) == first and max(firsts.values()) < clock_s(last_first)
    ligong = [sid for sid, s in STOPS.items() if s["stop_name"] == "理工大学" and sid.startswith("m-")][0]
    assert all(abs(firsts[(d, ligong)] - clock_s(station_first)) <= 120 for d in ("0", "1"))
    assert "not 07:09 as from 火车北站 alone" in TEXT["transit"]
    from_terminal = [runs(t)[0] + clock_s(r["departure_time"]) for t in ("m-7-1-weekday",)
                     for r in STOP_TIMES[t][:-1] if r["stop_id"] == ligong]
    assert hhmm(from_terminal[0]) == "07:09"


def test_published_first_and_last_train_window_of_the_default():
    first_lo, first_hi, last_lo, last_hi = quoted(
        "transit", r"passing stations (\d\d:\d\d)-(\d\d:\d\d)\) and last trains \((\d\d:\d\d)-(\d\d:\d\d)\)")
    facts = TRANSIT["first_last_trains"]
    firsts = [clock_s(f[k]) for f in facts for k in ("first", "first_unmodelled") if k in f]
    lasts = [clock_s(f["last"]) for f in facts if "last" in f]
    for fact in facts:  # the other source's times, quoted in the assumptions ("06:55 / 23:46")
        for first, last in re.findall(r"(\d\d:\d\d) / (\d\d:\d\d)", fact.get("assumption", "")):
            firsts.append(clock_s(first))
            lasts.append(clock_s(last))
    assert (hhmm(min(firsts)), hhmm(max(firsts))) == (first_lo, first_hi)
    assert (hhmm(min(lasts)), hhmm(max(lasts))) == (last_lo, last_hi)


def test_simaqiao_first_train_the_model_gives():
    (modelled,) = quoted("transit", r"so the model's first train there is about (\d\d:\d\d)")
    (arrive,) = quoted("transit", r"train from 熊猫大道 could arrive\s+\(about (\d\d:\d\d)\)")
    simaqiao = [sid for sid, s in STOPS.items() if s["stop_name"] == "驷马桥" and sid.startswith("m-")][0]
    towards = [t for t in STOP_TIMES if t.startswith("m-3-") and t.endswith("-weekday")
               and STOPS[STOP_TIMES[t][-1]["stop_id"]]["stop_name"] == "双流西站"]
    (trip,) = towards
    at = runs(trip)[0] + next(clock_s(r["departure_time"]) for r in STOP_TIMES[trip] if r["stop_id"] == simaqiao)
    assert abs(at - clock_s(modelled)) <= 60 and abs(at - clock_s(arrive)) <= 60


def test_calibrations_are_the_published_differences():
    for cal in TRANSIT["run_time_calibrations"]:
        facts = {f["station"]: f for f in TRANSIT["first_last_trains"] if f["line"] == cal["line"]}
        a, b = cal["between"]
        diffs = {abs(clock_s(facts[a][k]) - clock_s(facts[b][k])) for k in ("first", "last")
                 if k in facts[a] and k in facts[b] and facts[a]["towards"] == facts[b]["towards"]}
        diffs |= {abs(clock_s(x[k]) - clock_s(y[k])) for x in TRANSIT["first_last_trains"]
                  for y in TRANSIT["first_last_trains"] for k in ("first", "last")
                  if x["line"] == y["line"] == cal["line"] and {x["station"], y["station"]} == {a, b}
                  and x["towards"] == y["towards"] and k in x and k in y}
        assert diffs == {cal["seconds"]}, cal


def test_headways_quoted_in_minutes():
    h = TRANSIT["headways_s"]
    peak, offpeak = quoted("transit", r"(\d+) min peak and (\d+) min off-peak\s+sit between them")
    early, late = quoted("transit", r"Early and late trains assumed every (\d+) and (\d+) min")
    assert (h["weekday"]["peak"], h["weekday"]["offpeak"]) == (num(peak) * 60, num(offpeak) * 60)
    assert (h["weekday"]["early"], h["weekday"]["late"]) == (num(early) * 60, num(late) * 60)
    assert h["weekend"]["day"] == h["weekday"]["offpeak"]  # "weekends assumed to run the off-peak headway all day"
    assert line("m-7")["headways_s"]["weekday"]["peak"] == 3.5 * 60  # "shortest peak headway 3 min 30 s"
    # Line 8: "midpoints of the weak Line 8 source, 4-5 min peak and 6-8 min off-peak"
    assert line("m-8")["headways_s"]["weekday"] == {"peak": (4 + 5) / 2 * 60, "offpeak": (6 + 8) / 2 * 60}
    s3 = line("m-S3")["headways_s"]
    assert s3["weekday"]["peak"] == 10 * 60 and {s3["weekday"][k] for k in ("early", "offpeak", "late")} == {15 * 60}
    tram = line("m-R2")["headways_s"]
    assert tram["weekday"]["peak"] == 8 * 60 and tram["weekday"]["offpeak"] == 10 * 60
    assert TRANSIT["transfers"]["min_transfer_time_s"] == 3 * 60  # "3 min assumed"


def test_feeder_figures():
    feeders = {f["id"]: f for f in TRANSIT["feeders"]}
    f198, d025, west = feeders["bus-198"], feeders["bus-d025"], feeders["shuttle-west-gate"]
    assert f198["ride_s"] == d025["ride_s"] == 12.5 * 60 == (10 + 15) / 2 * 60  # "Ride 12.5 min, the middle of 10-15 min"
    assert (f198["first"], f198["last"], f198["headway_s"]) == ("06:30", "21:00", 15 * 60)
    assert d025["headway_s"] == 20 * 60 and west["headway_s"] == 10 * 60 and west["ride_s"] == 3 * 60
    # the west-gate shuttle covers the base's 07:30-18:00 "with half an hour either side"
    base = place("panda-base")["hours"][0]
    assert clock_s(base["open"]) - clock_s(west["first"]) == 1800 == clock_s(west["last"]) - clock_s(base["close"])
    # D025: "7.5 hours is not a whole number of 20-min headways, so the 16:00 last bus follows the 15:50 after 10 min"
    hours, gap = quoted("transit", r"([\d.]+) hours is not a whole number of 20-min headways, so the 16:00 last\s+"
                                   r"bus follows the 15:50 after (\d+) min")
    span = clock_s(d025["last"]) - clock_s(d025["first"])
    assert span / 3600 == num(hours) and span % d025["headway_s"] != 0
    d025_runs = runs("bus-d025-0-weekday")
    assert [hhmm(t) for t in d025_runs[-2:]] == ["15:50", "16:00"] and (d025_runs[-1] - d025_runs[-2]) / 60 == num(gap)
    # every feeder's first and last run are the data's (frequencies.txt end_time is exclusive)
    for feeder in feeders.values():
        for trip in (f"{feeder['id']}-0-weekday", f"{feeder['id']}-1-weekend"):
            assert [hhmm(runs(trip)[0]), hhmm(runs(trip)[-1])] == [feeder["first"], feeder["last"]]


def test_feeder_stop_positions():
    stops = {s["id"]: s for s in TRANSIT["feeder_stops"]}
    south = place("panda-south-gate")
    (metres,) = quoted("transit", r"the bus stop is assumed just outside the gate, about (\d+) m south of it")
    bus = (stops["bus-panda-south"]["lat"], stops["bus-panda-south"]["lon"])
    assert abs(distance_m(bus, (south["lat"], south["lon"])) - num(metres)) <= 5 and bus[0] < south["lat"]
    (km,) = quoted("transit", r"the Panda Tower \(30\.742952, 104\.131243\), ([\d.]+) km from the station")
    west = (stops["bus-panda-west"]["lat"], stops["bus-panda-west"]["lon"])
    station = (float(STOPS["m-75"]["stop_lat"]), float(STOPS["m-75"]["stop_lon"]))
    assert STOPS["m-75"]["stop_name"] == "军区总医院"
    assert round(distance_m(west, station) / 1000, 1) == num(km)
    # "consistent with a 3-minute shuttle ride": 1.4 km in 3 min is 28 km/h, a town bus speed
    assert 20 <= distance_m(west, station) / 1000 / (3 / 60) <= 35


def test_fare_share_quoted():
    share, wrong, pairs = quoted("transit", r"about one station pair in[\s#]+(\w+) \(([\d,]+) of ([\d,]+) on one line\)")
    from tests.test_metro_fares import facts_fare, line_sequences, stops_positions

    positions, total, too_low = stops_positions(), 0, 0
    for line_id, seq in line_sequences().items():
        loop = seq[0] == seq[-1]
        for stations in (seq, seq[::-1]):
            hops = [distance_m(positions[a], positions[b]) for a, b in zip(stations, stations[1:])]
            for i in range(len(stations) - (1 if loop else 0)):
                straight = 0.0
                for j in range(i + 1, i + len(hops) + 1 if loop else len(stations)):
                    straight += hops[(j - 1) % len(hops)]
                    if loop and j - i >= len(hops):
                        break
                    total += 1
                    too_low += facts_fare(straight / 1000) < facts_fare(straight * line(line_id).get(
                        "circuity", TRANSIT["running"]["circuity"]) / 1000)
    assert (too_low, total) == (num(wrong), num(pairs))
    assert share == "seven" and round(total / too_low) == 7


def test_day_types_quoted():
    (days,) = quoted("transit", r"The Spring Festival break \(2024: (\d+-\d+) February\)")
    start, end = (int(d) for d in days.split("-"))
    february = [dt.date(2024, 2, d) for d in range(1, 30)]
    assert [d.day for d in february if metro_day_type(d) == "spring_festival"] == list(range(start, end + 1))


# --- network.yaml ---------------------------------------------------------------------------

def test_network_walk_and_taxi_figures():
    (walk_min,) = quoted("network", r"max_walk_m: 1500 .*\(~(\d+) min\)")
    assert round(NETWORK["max_walk_m"] / NETWORK["walk_speed_m_s"] / 60) == num(walk_min)
    straight, road = quoted("network", r"([\d.]+) km -> ~([\d.]+) km Dongjiao to the Panda Base")
    stops = {s["id"]: s for s in SHUTTLE["stops"]}
    between = distance_m(*[(stops[s]["lat"], stops[s]["lon"]) for s in ("shuttle-dj", "shuttle-panda-south")]) / 1000
    assert round(between, 2) == num(straight)
    assert round(num(straight) * NETWORK["taxi"]["circuity"], 1) == num(road)
    (queue_min,) = quoted("network", r"with an assumed (\d+)-min queue")
    assert NETWORK["site_entry_s"]["panda-base"] == num(queue_min) * 60


def test_network_taxi_off_peak_cross_check():
    km, minutes, wait, fare = quoted("network", r"Off-peak Dongjiao -> Panda Base: ([\d.]+) km in ~(\d+) min \+ (\d+) min wait, about (\d+) CNY")
    taxi = NETWORK["taxi"]
    assert round(num(km) / taxi["speed_kmh_by_hour"][12] * 60) == num(minutes)  # midday: 28 km/h
    assert taxi["pickup_wait_s"] == num(wait) * 60
    assert round(taxi["flag_fall_cny"] + (num(km) - taxi["flag_fall_km"]) * taxi["per_km_cny"]) == num(fare)
    peak, offpeak, night = quoted("network", r"peak ~(\d+) km/h, off-peak ~(\d+), night ~(\d+)")
    speeds = taxi["speed_kmh_by_hour"]
    assert abs(min(speeds[h] for h in (7, 8, 17, 18)) - num(peak)) <= 1
    assert abs(sum(speeds[h] for h in range(10, 16)) / 6 - num(offpeak)) <= 1
    assert abs(sum(speeds[h] for h in range(0, 6)) / 6 - num(night)) <= 2
    assert "8 CNY for 2 km, 1.9 CNY/km; night 23:00-06:00 9 CNY and 2.2 CNY/km" in TEXT["network"]
    assert (taxi["flag_fall_cny"], taxi["flag_fall_km"], taxi["per_km_cny"]) == (8, 2, 1.9)
    assert (taxi["night_flag_fall_cny"], taxi["night_per_km_cny"], taxi["night_from"], taxi["night_until"]) == (9, 2.2, "23:00", "06:00")


# --- shuttle.yaml ---------------------------------------------------------------------------

def path_km() -> float:
    points = [(p["lat"], p["lon"]) for p in SHUTTLE["path"]]
    return sum(distance_m(a, b) for a, b in zip(points, points[1:])) / 1000


def stops_km() -> float:
    stops = {s["id"]: s for s in SHUTTLE["stops"]}
    return distance_m(*[(stops[s]["lat"], stops[s]["lon"]) for s in ("shuttle-dj", "shuttle-panda-south")]) / 1000


def test_shuttle_path_length():
    km, ratio, straight = quoted("shuttle", r"Sketch length ([\d.]+) km, ([\d.]+) x the ([\d.]+) km straight line")
    assert round(path_km(), 1) == num(km) and round(stops_km(), 2) == num(straight)
    assert round(path_km() / stops_km(), 2) == num(ratio)
    note = SHUTTLE["notes"]["path"]["en"]
    assert f"{num(km)} km, {num(ratio)} times the straight line" in note


def test_shuttle_stop_walks():
    stops = {s["id"]: s for s in SHUTTLE["stops"]}
    dj = stops["shuttle-dj"]
    (walk,) = quoted("shuttle", r"outside the assumed south gate \(places\.yaml\), ~(\d+) m walk")
    gate = place("dj-south-gate")
    assert abs(distance_m((dj["lat"], dj["lon"]), (gate["lat"], gate["lon"])) - num(walk)) <= 10
    (exit_m,) = quoted("shuttle", r"south gate is the guides' start of a visit and ~(\d+) m from exit B1")
    station = (float(STOPS["m-240"]["stop_lat"]), float(STOPS["m-240"]["stop_lon"]))
    assert abs(distance_m((gate["lat"], gate["lon"]), station) - num(exit_m)) <= 40
    assert f"~{exit_m} m from metro exit B1" in SHUTTLE["notes"]["stops"]["en"]
    panda = stops["shuttle-panda-south"]
    (bay,) = quoted("shuttle", r"bus bay ~(\d+) m south of the south gate")
    south = place("panda-south-gate")
    assert abs(distance_m((panda["lat"], panda["lon"]), (south["lat"], south["lon"])) - num(bay)) <= 5
    assert panda["lat"] < south["lat"]
    (km,) = quoted("shuttle", r"by Line 3 熊猫大道 station \(~([\d.]+) km from the gate\)")
    turn = (30.72780, 104.10700)
    xmdd = [(float(s["stop_lat"]), float(s["stop_lon"])) for s in STOPS.values() if s["stop_name"] == "熊猫大道"][0]
    assert distance_m(turn, xmdd) < 300
    assert abs(distance_m(xmdd, (south["lat"], south["lon"])) / 1000 - num(km)) < 0.2


def test_shuttle_run_times_follow_their_rule():
    """run_time_min_by_hour = path km / (0.85 x the hour's taxi speed) + 2 min, rounded."""
    km, factor, bays = quoted("shuttle", r"= ([\d.]+) km / \(([\d.]+) x taxi speed of that hour in network\.yaml\) \+ (\d+) min")
    speeds = NETWORK["taxi"]["speed_kmh_by_hour"]
    for hour, minutes in SHUTTLE["run_time_min_by_hour"].items():
        assert round(num(km) / (num(factor) * speeds[hour]) * 60 + num(bays)) == minutes, hour
    assert round(path_km(), 1) == num(km)
    evening, midday, night = quoted("shuttle", r"evening worst, ~(\d+) km/h for cars\); midday ~(\d+) km/h; night ~(\d+) km/h")
    assert min(speeds.values()) == num(evening) == speeds[17] == speeds[18]
    assert speeds[12] == num(midday) and speeds[23] == num(night)
    taxi_min, wait_min = quoted("shuttle", r"a taxi off-peak needs ~(\d+) min plus a ~(\d+) min wait")
    assert round(stops_km() * NETWORK["taxi"]["circuity"] / speeds[12] * 60) == num(taxi_min)
    assert NETWORK["taxi"]["pickup_wait_s"] == num(wait_min) * 60


def test_shuttle_timetable_arrivals():
    run = {int(h): m for h, m in SHUTTLE["run_time_min_by_hour"].items()}
    out, inbound = SHUTTLE["timetable"]["outbound"], SHUTTLE["timetable"]["inbound"]

    def arrives(departure: str) -> str:
        return hhmm(clock_s(departure) + run[clock_s(departure) // 3600] * 60)

    (first_arrival,) = quoted("shuttle", r"first bus arrives ~(\d\d:\d\d)")
    assert arrives(out[0]["first"]) == first_arrival
    last, arrival, minutes, last_entry = quoted(
        "shuttle", r"last at (\d\d:\d\d) arrives at (\d\d:\d\d) \(\d+ min run\), (\d+) min before the winter last entry \((\d\d:\d\d)\)")
    assert last == out[-1]["last"] and arrives(last) == arrival
    winter = [rule for rule in place("panda-base")["hours"] if rule.get("months") == [12, 1, 2]]
    assert winter and winter[0]["last_entry"] == last_entry
    assert (clock_s(last_entry) - clock_s(arrival)) / 60 == num(minutes)
    (back,) = quoted("shuttle", r"last at 18:40 .*\n# and arrives ~(\d\d:\d\d) at Dongjiao")
    assert inbound[-1]["last"] == "18:40" and abs(clock_s(arrives("18:40")) - clock_s(back)) <= 60
    # "in time for the evening shows (19:30, 20:00)"
    assert clock_s(arrives("18:40")) < clock_s("19:30")


def test_shuttle_fleet_reasoning():
    run = {int(h): m for h, m in SHUTTLE["run_time_min_by_hour"].items()}
    layover = SHUTTLE["layover_min"]
    assert layover == 8
    # morning: runs leaving 08:00-08:59 take 39 min; back at :47 after the layover; 13 min to the next :00
    assert run[8] == 39 and (39 + layover) % 60 == 47 and 60 - 47 == 13
    assert 2 * (39 + 8 + 13) == 120 and 120 // 20 == 6
    assert "runs of 39 min (leaving 08:00-08:59)" in TEXT["shuttle"]
    # midday: 29-31 min runs, 2 x (30 + 8 + 22) = 120 min, half-hourly: 4 buses
    assert {run[h] for h in range(10, 16)} == {29, 30, 31} and 2 * (30 + 8 + 22) == 120 and 120 // 30 == 4
    # evening: empty runs back, 41 + 8 + 41 + 8 = 98 min every 20 min -> 5 buses
    assert run[17] == run[18] == 41 and -(-(41 + 8 + 41 + 8) // 20) == 5
    # 6 = the morning wave's need (the vehicle blocks themselves: tests/simulation/test_blocks.py)
    assert SHUTTLE["fleet_size"] == max(120 // 20, 120 // 30, -(-98 // 20)) == 6
    assert "Why 6" in TEXT["shuttle"] and "6 buses" in SHUTTLE["notes"]["fleet_size"]["en"]


def test_shuttle_capacity_and_costs():
    (per_hour,) = quoted("shuttle", r"(\d+) riders/h at 20 min")
    assert SHUTTLE["vehicle"]["capacity_passengers"] * 60 // 20 == num(per_hour)
    assert SHUTTLE["vehicle"]["capacity_passengers"] == 30 + 45
    assert round(12_000 / 170) == 71 and abs(12_000 / 170 - 70) < 1.5  # "~70 CNY/h"
    per_km = 1 * 0.8 + 0.5 + 1_000_000 / (8 * 60_000)  # energy + maintenance + depreciation
    assert round(1_000_000 / (8 * 60_000)) == 2 and abs(per_km - SHUTTLE["cost_per_km_cny"]) / SHUTTLE["cost_per_km_cny"] < 0.05
    assert SHUTTLE["fare_cny"] == {f["id"]: f for f in TRANSIT["feeders"]}["bus-198"]["fare_cny"]  # "bus 198 is 2 CNY"
    assert SHUTTLE["demand"]["surge_spread_s"] == 20 * 60


def year_days(year: int) -> dict[str, int]:
    counts = {"weekday": 0, "weekend": 0, "holiday": 0}
    day = dt.date(year, 1, 1)
    while day.year == year:
        counts[day_type(day)] += 1
        day += dt.timedelta(days=1)
    return counts


def test_demand_year_adds_up():
    weekdays, weekends, holidays = quoted("shuttle", r"a year \(2025: (\d+) weekdays, (\d+) weekend days, (\d+) holidays\)")
    assert year_days(2025) == {"weekday": num(weekdays), "weekend": num(weekends), "holiday": num(holidays)}
    demand = SHUTTLE["demand"]
    for key, pattern in (("visitors_per_day", r"(\d+) x 18,000 \+ \d+ x 34,000 \+ \d+ x 54,000 = ([\d.]+) \+ ([\d.]+) \+ ([\d.]+) = ([\d.]+) M"),
                         ("dongjiao_visitors_per_day", r"(\d+) x 15,000 \+ \d+ x 35,000 \+ \d+ x 100,000 = ([\d.]+) \+ ([\d.]+) \+ ([\d.]+) = ([\d.]+) M")):
        n, a, b, c, total = quoted("shuttle", pattern)
        per_day = demand[key]
        parts = [year_days(2025)[k] * per_day[k] / 1e6 for k in ("weekday", "weekend", "holiday")]
        assert [round(p, 2) for p in parts] == [num(a), num(b), num(c)], key
        assert round(sum(parts), 1) == num(total), key
    # Panda Base: 6.23 million from 1 January to late September 2025 (~23,000 a day)
    assert round(6_230_000 / (dt.date(2025, 9, 25) - dt.date(2025, 1, 1)).days, -3) == 23_000
    assert round(269_264 / 5, -3) == 54_000 == demand["visitors_per_day"]["holiday"]  # May Day 2023, five days
    assert 800_000 / 8 == 100_000 == demand["dongjiao_visitors_per_day"]["holiday"]  # 1-8 October 2025
    assert "a fifth of them by shuttle" in TEXT["shuttle"] and demand["ride_share"] == 0.10 / 5


def test_outbound_curve_note():
    curve = SHUTTLE["demand"]["outbound_curve"]
    (share,) = quoted("shuttle", r"(\d+)% from 07:00 to 10:00, tailing off by 15:00")
    assert round(100 * sum(curve[7:10]) / sum(curve)) == num(share)
    tail = curve[8:16]  # "tailing off by 15:00": falling from the peak to the last hour with a bus (15:30)
    assert tail == sorted(tail, reverse=True) and curve[15] <= curve[8] / 5 and sum(curve[16:]) == 0
    inbound = SHUTTLE["demand"]["inbound_curve"]
    assert max(range(24), key=lambda h: inbound[h]) in range(14, 18) and sum(inbound[19:]) == 0


# --- places.yaml ----------------------------------------------------------------------------

def test_gcj02_offset_of_the_dongjiao_marker():
    site = place("dongjiao-memory")
    lat, lon = gcj02_to_wgs84(site["lat"], site["lon"])
    comment_lat, comment_lon = quoted("places", r"converted on import to about WGS84 ([\d.]+), ([\d.]+)")
    assert (round(lat, 5), round(lon, 5)) == (num(comment_lat), num(comment_lon))
    note_lat, note_lon, d_lat, direction, d_lon = quoted(
        "places", r"gives WGS84 ([\d.]+), ([\d.]+), as FACTS\.md does: GCJ-02 sits about ([\d.]+) deg (\w+) \(and ([\d.]+) deg east\)")
    assert (round(lat, 4), round(lon, 4)) == (num(note_lat), num(note_lon))
    assert direction == ("SOUTH" if site["lat"] < lat else "NORTH") == "SOUTH"
    assert round(lat - site["lat"], 4) == num(d_lat) and round(site["lon"] - lon, 4) == num(d_lon)


def test_dongjiao_outline_figures():
    lat0, lat1, lon0, lon1 = (num(x) for x in quoted("places", r"lat ([\d.]+)-([\d.]+), lon ([\d.]+)-([\d.]+)\."))
    ns, ew = quoted("places", r"WGS84, about (\d+) m x (\d+) m")
    assert abs(distance_m((lat0, lon0), (lat1, lon0)) - num(ns)) < 25
    assert abs(distance_m((lat0, lon0), (lat0, lon1)) - num(ew)) < 25
    station = (float(STOPS["m-240"]["stop_lat"]), float(STOPS["m-240"]["stop_lon"]))
    marker = gcj02_to_wgs84(place("dongjiao-memory")["lat"], place("dongjiao-memory")["lon"])
    assert lat0 < marker[0] < lat1 and lon0 < marker[1] < lon1
    (corner,) = quoted("places", r"its south-east corner is ~(\d+) m from 东郊记忆 station")
    assert abs(distance_m((lat0, lon1), station) - num(corner)) < 25
    (gate_m,) = quoted("places", r"south edge of the assumed outline, on Chenghua Avenue about (\d+) m from Dongjiao Memory station")
    gate = place("dj-south-gate")
    assert abs(distance_m((gate["lat"], gate["lon"]), station) - num(gate_m)) < 30
    assert round(station[0], 5) == 30.67097 and round(station[1], 5) == 104.12652  # the comment's station position


def test_panda_base_last_entry_an_hour_before_closing():
    rules = place("panda-base")["hours"]
    for rule in rules:
        if "last_entry" in rule:
            assert clock_s(rule["close"]) - clock_s(rule["last_entry"]) == 3600, rule


# --- events.yaml ----------------------------------------------------------------------------

def test_events_until_is_local_end_of_day_in_utc():
    assert "local 23:59:59 (+08:00) = 15:59:59Z" in TEXT["events"]
    untils = re.findall(r"UNTIL=(\d{8}T\d{6}Z)", TEXT["events"])
    assert untils and all(u.endswith("T155959Z") for u in untils)


def test_events_spring_festival_dates():
    assert "Lunar New Year's Day 2024 = Sat 10 Feb; statutory holiday 10-17 Feb; Lantern Festival (元宵) = Sat 24 Feb." in TEXT["events"]
    import holidays

    china = holidays.country_holidays("CN", years=2024)
    assert "Spring Festival" in china.get(dt.date(2024, 2, 10), "") and dt.date(2024, 2, 10).weekday() == 5
    assert [d.day for d in (dt.date(2024, 2, 1) + dt.timedelta(n) for n in range(29)) if day_type(d) == "holiday"] == list(range(10, 18))
    assert dt.date(2024, 2, 24).weekday() == 5  # the 15th day of the first lunar month, a Saturday
    hours = re.findall(r'BYHOUR=14,16;UNTIL=\w+"\s+# (\d\d:\d\d)-(\d\d:\d\d) and (\d\d:\d\d)-(\d\d:\d\d)', TEXT["events"])
    assert hours == [("14:00", "15:00", "16:00", "17:00")]
    (event,) = [e for e in DOC["events"]["events"] if "BYHOUR=14,16" in e.get("rrule", "")]
    assert (event["end"] - event["start"]) == dt.timedelta(hours=1) and event["start"].hour == 14
