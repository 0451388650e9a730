"""Metro fares by track distance, as Chengdu charges them (FACTS.md, Chengdu Metro: fare by distance).

The data models a line's track as the straight lines between its stations (stops.txt) times the line's
circuity (transit.yaml, the same the GTFS build runs its trains at). The slip these tests guard: fares
charged on the straight lines alone, about one station pair in five a band too low (东郊记忆 ->
军区总医院: 12.35 km of track, 5 CNY, charged 4).
"""
from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest
import yaml

from planner.domain.geo import distance_m
from planner.domain.paths import bundled_data_dir
from planner.routing.fares import leg_fares
from planner.routing.journeys import JourneyPlanner
from planner.sources.datafiles import load_model
from planner.sources.gtfs_build import load_metro

DATA = bundled_data_dir()
TRANSIT = yaml.safe_load((DATA / "transit.yaml").read_text(encoding="utf-8"))
DAY = dt.date(2024, 2, 13)


def facts_fare(km: float) -> int:
    """FACTS.md: 2 CNY up to 4 km, 3 up to 8, 4 up to 12, 5 up to 18, 6 up to 24, 7 up to 32, 8 up to 40,
    9 up to 50, 10 up to 70, then +1 per 20 km (written out here, not read from transit.yaml)."""
    for up_to, fare in ((4, 2), (8, 3), (12, 4), (18, 5), (24, 6), (32, 7), (40, 8), (50, 9), (70, 10)):
        if km <= up_to:
            return fare
    return 10 + math.ceil((km - 70) / 20)


def circuity(line_id: str) -> float:
    (line,) = [line for line in TRANSIT["lines"] if line["id"] == line_id]
    return line.get("circuity", TRANSIT["running"]["circuity"])


def stops_positions() -> dict[str, tuple[float, float]]:
    with open(DATA / "gtfs" / "stops.txt", encoding="utf-8", newline="") as f:
        return {r["stop_id"]: (float(r["stop_lat"]), float(r["stop_lon"])) for r in csv.DictReader(f)}


def line_sequences() -> dict[str, list[str]]:
    """Each metro line's stations in order (cd.js through the build's ids, m-<station id>)."""
    cd_lines, _ = load_metro(DATA / "metro" / "cd.js")
    by_name = {line["name"]: line for line in cd_lines}
    return {line["id"]: [f"m-{int(i)}" for i in by_name[line["name"]]["stations"]] for line in TRANSIT["lines"]}


@pytest.fixture(scope="module")
def model():
    return load_model(DATA)


@pytest.fixture(scope="module")
def planner(model):
    return JourneyPlanner.for_model(model)


def test_every_station_pair_of_every_line_pays_the_band_of_its_track(model):
    """Every ordered pair of stations of one line, both ways (round a loop, the way its trains run):
    the fare of the ride is the FACTS.md band of the track between them."""
    positions = stops_positions()
    pairs = wrong_if_straight = 0
    for line_id, seq in line_sequences().items():
        loop = seq[0] == seq[-1]
        for stations in (seq, seq[::-1]):
            hops = [distance_m(positions[a], positions[b]) for a, b in zip(stations, stations[1:])]
            n = len(stations) - (1 if loop else 0)
            for i in range(n):
                straight = 0.0
                for j in range(i + 1, i + len(hops) + 1 if loop else len(stations)):
                    straight += hops[(j - 1) % len(hops)]
                    if loop and j - i >= len(hops):
                        break  # once round at most
                    track_km = straight * circuity(line_id) / 1000
                    leg = {"mode": "metro", "route_id": line_id,
                           "distance_m": round(model.fares.track_m(line_id, straight))}
                    assert leg_fares([leg], model.fares) == [facts_fare(track_km)], (line_id, stations[i], stations[j % len(hops)])
                    pairs += 1
                    wrong_if_straight += facts_fare(straight / 1000) != facts_fare(track_km)
    # every ordered pair; round a loop each pair both ways (clockwise and anticlockwise trains)
    assert pairs == sum(len(set(seq)) * (len(set(seq)) - 1) * (2 if seq[0] == seq[-1] else 1)
                        for seq in line_sequences().values())
    # the straight-line fare was a band too low for a sizeable share of the pairs (1,976 of 13,978)
    assert 0.1 < wrong_if_straight / pairs < 0.3, wrong_if_straight / pairs


def test_the_fare_table_loaded_is_facts_md_s(model):
    for km in [0.5, 4, 4.01, 8, 11.99, 12.35, 18, 23.9, 31, 40, 49, 50.5, 69, 70.1, 90, 90.1, 120]:
        assert model.fares.metro_fare(km * 1000) == facts_fare(km), km


def test_the_track_circuity_is_the_one_the_trains_run_at(model):
    # the build times each line's hops by straight line x circuity: fares must use the same track
    for line in TRANSIT["lines"]:
        assert model.fares.track_circuity_by_route[line["id"]] == circuity(line["id"])


@pytest.mark.parametrize("origin, dest, fare", [
    ("m-240", "m-75", 5.0),  # 东郊记忆 -> 军区总医院, the example: 12.35 km of track
])
def test_dongjiao_memory_to_junquzongyiyuan_pays_5(planner, origin, dest, fare):
    journey = planner.journeys(planner.resolve(origin), planner.resolve(dest), DAY, 10 * 3600)[0]
    metro = [leg for leg in journey.legs if leg.mode == "metro"]
    assert 12_000 < sum(leg.distance_m for leg in metro) < 12_700
    assert journey.fare_cny == fare


@pytest.mark.parametrize("origin, dest", [
    ("m-240", "m-75"), ("m-75", "m-240"), ("m-240", "m-216"), ("m-216", "m-75"),
    ("dongjiao-memory", "panda-south-gate"), ("panda-west-gate", "dongjiao-memory"),
])
def test_journeys_charge_their_metro_track_recomputed(planner, origin, dest):
    """A journey's metro run pays the band of the track of its legs, recomputed here from the legs' stations."""
    positions, sequences = stops_positions(), line_sequences()
    journey = planner.journeys(planner.resolve(origin), planner.resolve(dest), DAY, 10 * 3600)[0]
    track_m = 0.0
    for leg in journey.legs:
        if leg.mode != "metro":
            continue
        on_line = {positions[sid] for sid in sequences[leg.route_id]}
        assert all((round(a, 6), round(b, 6)) in on_line for a, b in leg.path)  # the ride's own stations
        straight = sum(distance_m(p, q) for p, q in zip(leg.path, leg.path[1:]))
        assert leg.distance_m == round(straight * circuity(leg.route_id))
        track_m += straight * circuity(leg.route_id)
    if track_m:
        paid = sum(leg.fare_cny for leg in journey.legs if leg.mode == "metro")
        assert paid == facts_fare(track_m / 1000)
