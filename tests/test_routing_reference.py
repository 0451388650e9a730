"""RAPTOR checked against an obviously-correct reference on random timetables.

The reference works from the :class:`planner.gtfs.Feed` itself, not from the
built :class:`Timetable`: it expands calendars, calendar_dates, frequencies and
the days before and after on its own, computes walking between stops by
comparing every pair, and then finds, round by round, the earliest arrival
with at most k vehicles by trying every boarding and every alighting of every
run (no pruning, no patterns, no FIFO assumption). Both sides share only the
rules of the model:

* a vehicle is boarded where pickup_type != 1 and left where drop_off_type != 1;
* changing at the same stop takes its change time (``WalkRules.min_transfer_s``,
  else the stop's own transfers.txt entry, else 0);
* between two vehicles one may walk one footpath (stops within
  ``max_walk_m / circuity`` straight-line metres, at ``walk_s``; transfers.txt
  between two stops sets a minimum; none at all when ``max_walk_m <= 0``);
  the walk already includes the change;
* the journey starts with one access walk and ends with one egress walk
  (possibly right after a footpath); the only journey without a vehicle is
  the origin's direct walk (walking to a stop and on from it is not one);
* runs kept are those overlapping the window [0, 48 h) of the query date.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.sources.gtfs import Feed, Frequency, Route, Service, Stop, StopTime, Trip, format_gtfs_time, read_feed
from planner.routing import raptor
from planner.routing.timetable import WalkRules, build_timetable

INF = float("inf")
DAY_S = 86400
DAY = dt.date(2024, 2, 13)  # a Tuesday: yesterday is a Monday, tomorrow a Wednesday
BASE_LAT, BASE_LON = 30.67, 104.10
STEP_LAT, STEP_LON = 0.004, 0.0045  # about 445 m and 430 m

# Fixed examples, the same on every run; HYPOTHESIS_EXAMPLES=5000 HYPOTHESIS_RANDOM=1 searches further.
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 120)), deadline=None,
                    derandomize=not os.environ.get("HYPOTHESIS_RANDOM"), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SERVICES = {
    "daily": Service("daily", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "weekday": Service("weekday", (True,) * 5 + (False,) * 2, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "monday": Service("monday", (True,) + (False,) * 6, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "wednesday": Service("wednesday", (False, False, True, False, False, False, False),
                         dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "ended": Service("ended", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 2, 12)),  # runs yesterday only
    "exceptions-only": Service("exceptions-only", (False,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
}


# --------------------------------------------------------------------- random feeds


@st.composite
def feeds(draw) -> Feed:
    """A small random feed: stops on a grid, routes, trips, frequencies, transfers, calendars."""
    n_stops = draw(st.integers(2, 7))
    cells = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)),
                          min_size=n_stops, max_size=n_stops))
    stop_ids = [f"S{i}" for i in range(n_stops)]
    feed = Feed(source="random")
    for sid, (y, x) in zip(stop_ids, cells):
        feed.stops[sid] = Stop(sid, sid, BASE_LAT + y * STEP_LAT, BASE_LON + x * STEP_LON)
    feed.stops["STATION"] = Stop("STATION", "a station, not a boarding point", BASE_LAT, BASE_LON, location_type=1)
    feed.services = dict(SERVICES)
    for service_id in draw(st.lists(st.sampled_from(sorted(SERVICES)), max_size=3)):
        for offset in draw(st.lists(st.integers(-1, 1), max_size=2, unique=True)):
            feed.service_exceptions[(service_id, DAY + dt.timedelta(days=offset))] = draw(st.booleans())
    times = st.integers(0, 40).map(lambda n: n * 30)  # hop times, 0 to 20 minutes
    for r in range(draw(st.integers(1, 4))):
        route_id = f"R{r}"
        feed.routes[route_id] = Route(route_id, route_id, "", 3)
        base = draw(st.lists(st.sampled_from(stop_ids), min_size=2, max_size=5))
        for t in range(draw(st.integers(1, 4))):
            trip_id = f"{route_id}-t{t}"
            calls = base if draw(st.integers(0, 4)) else draw(
                st.lists(st.sampled_from(stop_ids), min_size=2, max_size=5))
            clock = draw(st.integers(0, 28 * 60)) * 60
            stop_times = []
            for i, sid in enumerate(calls):
                if i:
                    clock += draw(times)
                arrival = clock
                clock += draw(st.integers(0, 4)) * 30  # dwell
                stop_times.append(StopTime(sid, arrival, clock, draw(st.sampled_from((0, 0, 0, 1, 2))),
                                           draw(st.sampled_from((0, 0, 0, 1, 3)))))
            feed.trips[trip_id] = Trip(trip_id, route_id, draw(st.sampled_from(sorted(SERVICES))))
            feed.stop_times[trip_id] = stop_times
            if draw(st.integers(0, 3)) == 0:
                for _ in range(draw(st.integers(1, 2))):
                    start = draw(st.integers(0, 27 * 60)) * 60
                    end = start + draw(st.integers(0, 180)) * 60
                    feed.frequencies.setdefault(trip_id, []).append(Frequency(
                        trip_id, start, end, draw(st.sampled_from((300, 600, 900, 1200, 1800, 2700))),
                        draw(st.booleans())))
    for _ in range(draw(st.integers(0, 4))):
        a, b = draw(st.sampled_from(stop_ids)), draw(st.sampled_from(stop_ids))
        feed.transfers_s[(a, b)] = draw(st.integers(0, 20)) * 30
    return feed


walk_rules = st.builds(
    WalkRules, max_walk_m=st.sampled_from((0.0, 700.0, 1500.0)),
    min_transfer_s=st.sampled_from((None, None, 0, 120)),
)


@dataclass
class Query:
    access: list[tuple[str, int]]
    egress: list[tuple[str, int]]
    direct_s: int | None
    depart_s: int
    lat: float
    lon: float


@st.composite
def queries(draw, feed: Feed) -> Query:
    stop_ids = sorted(s for s in feed.stops if feed.stops[s].location_type == 0)
    link = st.tuples(st.sampled_from(stop_ids), st.integers(0, 30).map(lambda n: n * 30))
    return Query(
        access=draw(st.lists(link, min_size=1, max_size=3)),
        egress=draw(st.lists(link, min_size=1, max_size=3)),
        direct_s=draw(st.one_of(st.none(), st.integers(10, 240).map(lambda n: n * 60))),
        depart_s=draw(st.integers(0, 30 * 60)) * 60,
        lat=BASE_LAT + draw(st.floats(0, 5)) * STEP_LAT, lon=BASE_LON + draw(st.floats(0, 5)) * STEP_LON,
    )


def endpoints(tt, q: Query) -> tuple[raptor.Endpoint, raptor.Endpoint]:
    origin = raptor.Endpoint(tuple((tt.index[s], w, 0) for s, w in q.access), BASE_LAT, BASE_LON,
                             (q.direct_s, 0) if q.direct_s is not None else None)
    dest = raptor.Endpoint(tuple((tt.index[s], w, 0) for s, w in q.egress), q.lat, q.lon)
    return origin, dest


# --------------------------------------------------------------------- the reference


def services_on(feed: Feed, day: dt.date) -> set[str]:
    running = set()
    for service in feed.services.values():
        if service.start <= day <= service.end and service.weekdays[day.weekday()]:
            running.add(service.id)
    for (service_id, date), added in feed.service_exceptions.items():
        if date == day:
            if added:
                running.add(service_id)
            else:
                running.discard(service_id)
    return running


def runs(feed: Feed, day: dt.date) -> list[list[tuple]]:
    """Every vehicle run overlapping [0, 48 h) of ``day``: lists of (stop, arr, dep, board?, alight?)."""
    found = []
    for offset_days in (-1, 0, 1):
        running = services_on(feed, day + dt.timedelta(days=offset_days))
        for trip_id, stop_times in feed.stop_times.items():
            if feed.trips[trip_id].service_id not in running:
                continue
            shifts = [0]
            if trip_id in feed.frequencies:
                shifts = []
                for freq in feed.frequencies[trip_id]:
                    start = freq.start_s
                    while start < freq.end_s:
                        shifts.append(start - stop_times[0].departure_s)
                        start += freq.headway_s
            for shift in shifts:
                delta = shift + offset_days * DAY_S
                if stop_times[-1].arrival_s + delta < 0 or stop_times[0].departure_s + delta > 2 * DAY_S:
                    continue
                found.append([(t.stop_id, t.arrival_s + delta, t.departure_s + delta,
                               t.pickup_type != 1, t.drop_off_type != 1) for t in stop_times])
    return found


def walking(feed: Feed, rules: WalkRules) -> tuple[dict, dict]:
    """Footpaths {a: {b: seconds}} and change times {stop: seconds}."""
    stops = [s for s in feed.stops.values() if s.location_type == 0]
    paths: dict[str, dict[str, int]] = {s.id: {} for s in stops}
    if rules.max_walk_m > 0:
        for a in stops:
            for b in stops:
                straight = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters
                if a.id != b.id and straight <= rules.max_walk_m / rules.walk_circuity:
                    paths[a.id][b.id] = round(straight * rules.walk_circuity / rules.walk_speed_m_s)
        for (a, b), seconds in feed.transfers_s.items():
            if a != b and a in paths and b in paths:
                paths[a][b] = max(seconds, paths[a].get(b, 0))
    if rules.min_transfer_s is not None:
        change = {s.id: rules.min_transfer_s for s in stops}
    else:
        change = {s.id: feed.transfers_s.get((s.id, s.id), 0) for s in stops}
    return paths, change


def reference(feed: Feed, rules: WalkRules, q: Query, max_rides: int) -> list[float]:
    """best[k]: the earliest arrival at the destination using at most k vehicles."""
    all_runs = runs(feed, DAY)
    paths, change = walking(feed, rules)
    egress: dict[str, int] = {}
    for stop, secs in q.egress:
        egress[stop] = min(secs, egress.get(stop, INF))
    ready: dict[str, float] = {}  # earliest time one can board at each stop
    for stop, secs in q.access:
        ready[stop] = min(ready.get(stop, INF), q.depart_s + secs)
    best = q.depart_s + q.direct_s if q.direct_s is not None else INF
    result = [best]
    for _ in range(max_rides):
        alight: dict[str, float] = {}
        for calls in all_runs:
            on_board = False
            for stop, arr, dep, board, leave in calls:
                if on_board and leave:
                    alight[stop] = min(alight.get(stop, INF), arr)
                if board and ready.get(stop, INF) <= dep:
                    on_board = True
        ready = dict(ready)
        for stop, arr in alight.items():
            ready[stop] = min(ready.get(stop, INF), arr + change[stop])
            best = min(best, arr + egress.get(stop, INF))
            for other, secs in paths[stop].items():
                ready[other] = min(ready.get(other, INF), arr + secs)
                best = min(best, arr + secs + egress.get(other, INF))
        result.append(best)
    return result


def pareto(best: list[float]) -> list[tuple[int, int]]:
    """(arrival, vehicles) for each number of vehicles that arrives strictly earlier than fewer."""
    front, so_far = [], INF
    for k, arrival in enumerate(best):
        if arrival < so_far:
            front.append((arrival, k))
            so_far = arrival
    return front


# --------------------------------------------------------------------- checking journeys


def check_journey(tt, origin: raptor.Endpoint, dest: raptor.Endpoint, journey: raptor.RawJourney,
                  depart_s: int | None) -> None:
    """A journey is something one can actually do: real trips, real walks, no time travel."""
    access = [(stop, secs) for stop, secs, _ in origin.links]
    egress = [(stop, secs) for stop, secs, _ in dest.links]

    def walks(a, b) -> set[int]:
        """Seconds a walk leg from a to b may take (None: the origin or the destination)."""
        if a is None and b is None:
            return {origin.direct_walk[0]} if origin.direct_walk else set()
        if a is None:
            return {secs for stop, secs in access if stop == b}
        footpaths = tt.footpaths[a]
        if b is None:
            return {secs for stop, secs in egress if stop == a} | {
                s1 + s2 for other, s1, _ in footpaths for stop, s2 in egress if stop == other}
        return {secs for other, secs, _ in footpaths if other == b}

    legs = journey.legs
    assert legs and legs[0].dep_s == journey.dep_s and legs[-1].arr_s == journey.arr_s
    assert legs[0].from_stop is None and legs[-1].to_stop is None
    if depart_s is not None:
        assert journey.dep_s >= depart_s
    previous = None
    for leg in legs:
        if previous is not None:
            assert previous.to_stop == leg.from_stop is not None
            wait = tt.change_s[leg.from_stop] if previous.kind == leg.kind == "ride" else 0
            assert leg.dep_s >= previous.arr_s + wait, (previous, leg)
        if leg.kind == "ride":
            pattern = tt.patterns[leg.pattern]
            assert leg.board_pos < leg.alight_pos
            assert pattern.can_board[leg.board_pos] and pattern.can_alight[leg.alight_pos]
            assert leg.dep_s == pattern.departures[leg.trip][leg.board_pos]
            assert leg.arr_s == pattern.arrivals[leg.trip][leg.alight_pos]
            assert (leg.from_stop, leg.to_stop) == (pattern.stops[leg.board_pos], pattern.stops[leg.alight_pos])
        else:
            assert previous is None or previous.kind == "ride"  # walks are merged
            assert leg.arr_s - leg.dep_s in walks(leg.from_stop, leg.to_stop), leg
        previous = leg


# --------------------------------------------------------------------- the properties


@SETTINGS
@given(data=st.data(), feed=feeds(), rules=walk_rules)
def test_fastest_arrival_equals_reference(data, feed, rules):
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    found = raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides=6)
    expected = reference(feed, rules, q, 6)[-1]
    if expected == INF:
        assert found == []
    else:
        assert found and found[-1].arr_s == expected
        assert found[-1].arr_s == min(j.arr_s for j in found)
    for journey in found:
        check_journey(tt, origin, dest, journey, q.depart_s)


@SETTINGS
@given(data=st.data(), feed=feeds(), rules=walk_rules, max_rides=st.integers(1, 4))
def test_pareto_set_equals_reference(data, feed, rules, max_rides):
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    found = raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides=max_rides)
    assert [(j.arr_s, j.rides) for j in found] == pareto(reference(feed, rules, q, max_rides))


@SETTINGS
@given(data=st.data(), feed=feeds(), rules=walk_rules)
def test_fifo_leaving_later_never_arrives_earlier(data, feed, rules):
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    later = q.depart_s + data.draw(st.integers(0, 180)) * 60
    first = raptor.earliest_arrival(tt, origin, dest, q.depart_s)
    second = raptor.earliest_arrival(tt, origin, dest, later)
    first_arr = first[-1].arr_s if first else INF
    second_arr = second[-1].arr_s if second else INF
    assert first_arr <= second_arr


@SETTINGS
@given(data=st.data(), feed=feeds(), rules=walk_rules, max_rides=st.sampled_from((1, 2, 8)))
def test_profile_equals_single_queries(data, feed, rules, max_rides):
    """Range RAPTOR over a window gives, at every minute, what a single query gives."""
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    start = q.depart_s
    end = start + data.draw(st.integers(0, 240)) * 60
    journeys = raptor.profile(tt, origin, dest, start, 2 * DAY_S, max_rides)  # to the timetable's end
    assert [j.dep_s for j in journeys] == sorted({j.dep_s for j in journeys})
    assert [j.arr_s for j in journeys] == sorted({j.arr_s for j in journeys})
    for journey in journeys:
        check_journey(tt, origin, dest, journey, start)
    assert_profile_matches(tt, origin, dest, journeys, range(start, end + 1, 60 * max(1, (end - start) // 1800)),
                           max_rides)


def assert_profile_matches(tt, origin, dest, journeys, minutes, max_rides: int = 8) -> None:
    """For each minute: single-query earliest arrival == first profile journey at or after it.

    Walking all the way needs no departure time, so, as the profile's contract
    says, it is added by the caller: the profile answer at minute m is the
    better of the first journey leaving at or after m and walking from m.
    """
    walk = origin.direct_walk[0] if origin.direct_walk else INF
    for minute in minutes:
        single = raptor.earliest_arrival(tt, origin, dest, minute, max_rides)
        single_arr = single[-1].arr_s if single else INF
        after = [j for j in journeys if j.dep_s >= minute]
        from_profile = min(after[0].arr_s if after else INF, minute + walk)
        assert single_arr == from_profile, (minute, single_arr, from_profile)


def test_reference_sees_yesterday_frequencies_and_restrictions():
    """The reference itself, on a hand-made case, so the properties above test something."""
    feed = Feed()
    for i, sid in enumerate("ABC"):
        feed.stops[sid] = Stop(sid, sid, BASE_LAT + i * 0.05, BASE_LON)
    feed.services = {"monday": SERVICES["monday"], "daily": SERVICES["daily"]}
    feed.routes["R"] = Route("R", "R", "", 3)
    feed.trips["late"] = Trip("late", "R", "monday")  # Monday 24:30 -> Tuesday 00:30
    feed.stop_times["late"] = [StopTime("A", 88200, 88200), StopTime("B", 88800, 88800, 0, 1),
                               StopTime("C", 89400, 89400)]
    feed.trips["freq"] = Trip("freq", "R", "daily")
    feed.stop_times["freq"] = [StopTime("A", 0, 0), StopTime("C", 600, 600)]
    feed.frequencies["freq"] = [Frequency("freq", 3600, 5400, 900, False)]  # 01:00, 01:15 (not 01:30)
    rules = WalkRules(max_walk_m=0)
    q = Query([("A", 0)], [("C", 0)], None, 0, BASE_LAT + 0.1, BASE_LON)
    assert reference(feed, rules, q, 2) == [INF, 3000, 3000]
    q = Query([("A", 0)], [("B", 0)], None, 0, BASE_LAT + 0.05, BASE_LON)
    assert reference(feed, rules, q, 2) == [INF, INF, INF]  # no drop-off at B
    q = Query([("A", 0)], [("C", 0)], None, 1801, BASE_LAT + 0.1, BASE_LON)
    assert reference(feed, rules, q, 1) == [INF, 3600 + 600]
    q = Query([("A", 0)], [("C", 0)], None, 4501, BASE_LAT + 0.1, BASE_LON)
    assert reference(feed, rules, q, 1) == [INF, 86400 + 3600 + 600]  # tomorrow's first run
    tt = build_timetable(feed, DAY, rules)
    origin, dest = endpoints(tt, q)
    assert [j.arr_s for j in raptor.earliest_arrival(tt, origin, dest, 4501)] == [86400 + 3600 + 600]


def test_a_ride_slower_than_the_walk_to_the_same_stop_may_still_walk_on():
    """Found by the properties above: origin near A (at the door) and S (10 min walk); a bus
    A -> S arrives at S at 08:11, after the walk would (08:10), but only the bus rider may
    then walk S -> U to catch the 08:30 train at U (a walk cannot follow the access walk)."""
    feed = Feed()
    feed.stops["A"] = Stop("A", "door", 30.660, 104.10)
    feed.stops["S"] = Stop("S", "near", 30.665, 104.10)
    feed.stops["U"] = Stop("U", "train", 30.672, 104.10)  # ~780 m from S, ~1.3 km from A
    feed.stops["D"] = Stop("D", "far", 30.760, 104.10)
    feed.services = {"daily": SERVICES["daily"]}
    feed.routes["bus"] = Route("bus", "bus", "", 3)
    feed.routes["train"] = Route("train", "train", "", 1)
    feed.trips["b"] = Trip("b", "bus", "daily")
    feed.stop_times["b"] = [StopTime("A", 28800, 28800), StopTime("S", 29460, 29460)]  # 08:00 -> 08:11
    feed.trips["t"] = Trip("t", "train", "daily")
    feed.stop_times["t"] = [StopTime("U", 30600, 30600), StopTime("D", 31800, 31800)]  # 08:30 -> 08:50
    rules = WalkRules(max_walk_m=1100)  # S-U walkable, A-U not
    tt = build_timetable(feed, DAY, rules)
    assert tt.index["U"] in [b for b, _, _ in tt.footpaths[tt.index["S"]]]
    assert tt.index["U"] not in [b for b, _, _ in tt.footpaths[tt.index["A"]]]
    origin = raptor.Endpoint(((tt.index["A"], 0, 0), (tt.index["S"], 600, 700)), 30.660, 104.10)
    dest = raptor.Endpoint(((tt.index["D"], 0, 0),), 30.760, 104.10)
    found = raptor.earliest_arrival(tt, origin, dest, 28800)
    assert [(j.arr_s, j.rides) for j in found] == [(31800, 2)]
    assert [leg.kind for leg in found[0].legs] == ["walk", "ride", "walk", "ride", "walk"]


def test_profile_with_few_rides_is_not_misled_by_later_departures():
    """Found while checking range RAPTOR: a later departure reaching S with two vehicles must not
    hide an earlier one reaching S as early with one, when at most two vehicles are allowed."""
    feed = Feed()
    for i, sid in enumerate("OXSD"):
        feed.stops[sid] = Stop(sid, sid, 30.6 + i * 0.05, 104.0)
    feed.services = {"daily": SERVICES["daily"]}
    for trip_id, calls in {"R1": (("O", 490), ("X", 500)), "R2": (("X", 505), ("S", 520)),
                           "R3": (("O", 480), ("S", 520)), "R4": (("S", 525), ("D", 540))}.items():
        feed.routes[trip_id] = Route(trip_id, trip_id, "", 3)
        feed.trips[trip_id] = Trip(trip_id, trip_id, "daily")
        feed.stop_times[trip_id] = [StopTime(stop, minute * 60, minute * 60) for stop, minute in calls]
    tt = build_timetable(feed, DAY, WalkRules(max_walk_m=0))
    origin = raptor.Endpoint(((tt.index["O"], 0, 0),), 30.6, 104.0)
    dest = raptor.Endpoint(((tt.index["D"], 0, 0),), 30.75, 104.0)
    single = raptor.earliest_arrival(tt, origin, dest, 480 * 60, max_rides=2)
    assert [(j.dep_s, j.arr_s, j.rides) for j in single] == [(480 * 60, 540 * 60, 2)]
    journeys = raptor.profile(tt, origin, dest, 470 * 60, 500 * 60, max_rides=2)
    assert (journeys[0].dep_s, journeys[0].arr_s) == (480 * 60, 540 * 60)


def write_gtfs(feed: Feed, folder: Path) -> None:
    """A Feed as GTFS text files."""
    def table(name: str, header: str, rows) -> None:
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header.split(","))
            writer.writerows(rows)

    table("agency.txt", "agency_id,agency_name,agency_url,agency_timezone",
          [("A", "A", "https://a.example", feed.timezone)])
    table("stops.txt", "stop_id,stop_name,stop_lat,stop_lon,location_type",
          [(s.id, s.name, repr(s.lat), repr(s.lon), s.location_type) for s in feed.stops.values()])
    table("routes.txt", "route_id,route_short_name,route_long_name,route_type",
          [(r.id, r.short_name, r.long_name, r.route_type) for r in feed.routes.values()])
    table("trips.txt", "route_id,service_id,trip_id", [(t.route_id, t.service_id, t.id) for t in feed.trips.values()])
    table("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type",
          [(trip_id, format_gtfs_time(t.arrival_s), format_gtfs_time(t.departure_s), t.stop_id, seq * 10,
            t.pickup_type, t.drop_off_type)
           for trip_id, times in feed.stop_times.items() for seq, t in enumerate(times)])
    table("frequencies.txt", "trip_id,start_time,end_time,headway_secs,exact_times",
          [(f.trip_id, format_gtfs_time(f.start_s), format_gtfs_time(f.end_s), f.headway_s, int(f.exact_times))
           for freqs in feed.frequencies.values() for f in freqs])
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    table("calendar.txt", "service_id," + ",".join(days) + ",start_date,end_date",
          [(s.id, *(int(w) for w in s.weekdays), s.start.strftime("%Y%m%d"), s.end.strftime("%Y%m%d"))
           for s in feed.services.values()])
    table("calendar_dates.txt", "service_id,date,exception_type",
          [(sid, d.strftime("%Y%m%d"), 1 if added else 2) for (sid, d), added in feed.service_exceptions.items()])
    table("transfers.txt", "from_stop_id,to_stop_id,transfer_type,min_transfer_time",
          [(a, b, 2, secs) for (a, b), secs in feed.transfers_s.items()])


@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 40))
@given(feed=feeds())
def test_random_feeds_survive_writing_and_reading(feed):
    """The same random feeds as GTFS files: read_feed gives back exactly what was written."""
    with tempfile.TemporaryDirectory() as folder:
        write_gtfs(feed, Path(folder))
        read = read_feed(folder)
    assert read.warnings == []
    for name in ("stops", "routes", "trips", "stop_times", "frequencies", "services", "service_exceptions",
                 "transfers_s"):
        assert getattr(read, name) == getattr(feed, name), name


def test_the_only_journey_without_a_vehicle_is_the_direct_walk():
    """Walking to a stop and on from it (two walks, each within the limit) is not a journey."""
    feed = Feed()
    feed.stops["S"] = Stop("S", "S", 30.67, 104.10)
    feed.stops["T"] = Stop("T", "T", 30.70, 104.10)
    feed.services = {"daily": SERVICES["daily"]}
    feed.routes["R"] = Route("R", "R", "", 3)
    feed.trips["r"] = Trip("r", "R", "daily")
    feed.stop_times["r"] = [StopTime("S", 36000, 36000), StopTime("T", 36600, 36600)]  # 10:00 -> 10:10
    tt = build_timetable(feed, DAY, WalkRules())
    s, t = tt.index["S"], tt.index["T"]
    dest = raptor.Endpoint(((s, 900, 1100), (t, 60, 70)), 30.68, 104.10)
    origin = raptor.Endpoint(((s, 900, 1100),), 30.66, 104.10)  # 2.2 km from dest: no direct walk
    found = raptor.earliest_arrival(tt, origin, dest, 8 * 3600)
    assert [(j.arr_s, j.rides) for j in found] == [(36600 + 60, 1)]
    walking = raptor.Endpoint(origin.links, origin.lat, origin.lon, direct_walk=(1500, 1800))
    found = raptor.earliest_arrival(tt, walking, dest, 8 * 3600)
    assert [(j.arr_s, j.rides) for j in found] == [(8 * 3600 + 1500, 0)]
    assert raptor.profile(tt, origin, dest, 8 * 3600, 11 * 3600)[0].rides == 1


def test_a_stop_linked_twice_to_the_destination_counts_its_shorter_walk():
    feed = Feed()
    feed.stops["S"] = Stop("S", "S", 30.67, 104.10)
    feed.stops["T"] = Stop("T", "T", 30.70, 104.10)
    feed.services = {"daily": SERVICES["daily"]}
    feed.routes["R"] = Route("R", "R", "", 3)
    feed.trips["r"] = Trip("r", "R", "daily")
    feed.stop_times["r"] = [StopTime("S", 36000, 36000), StopTime("T", 36600, 36600)]
    tt = build_timetable(feed, DAY, WalkRules())
    s, t = tt.index["S"], tt.index["T"]
    origin = raptor.Endpoint(((s, 0, 0),), 30.67, 104.10)
    dest = raptor.Endpoint(((t, 60, 70), (t, 300, 360)), 30.70, 104.10)
    assert raptor.earliest_arrival(tt, origin, dest, 36000)[-1].arr_s == 36600 + 60
