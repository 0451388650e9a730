"""The timetable of a date as GTFS defines it: true seconds from "noon minus 12h" of each service day in
the feed's zone, stop-only transfers.txt rules folded into change times and footpaths (stations apply to
their platforms), and in-seat continuations (block_id, transfer_type 4, less type 5) joined into one run.

Each test builds a small feed in memory and asks the timetable (and RAPTOR on it) what a rider can do.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from planner.domain.transit import Feed, Route, Service, Stop, StopTime, TransferRule, Trip
from planner.routing import raptor
from planner.routing.timetable import (
    DAY_S, FORBIDDEN_S, WalkRules, build_timetable, day_shift_s, service_day_start,
)

MONDAY = dt.date(2024, 2, 12)
DAILY = Service("daily", (True,) * 7, dt.date(2000, 1, 1), dt.date(2099, 12, 31))
NO_WALK = WalkRules(max_walk_m=0)


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def make_feed(stops: dict[str, tuple[float, float]], trips: dict[str, tuple[str, list[tuple[str, str, str]]]],
              rules: list[TransferRule] = (), blocks: dict[str, str] | None = None, zone: str = "Asia/Shanghai",
              parents: dict[str, str] | None = None, services: dict[str, Service] | None = None,
              service_of: dict[str, str] | None = None) -> Feed:
    """Stops by (lat, lon); trips as route and [(stop, arrival HH:MM, departure HH:MM)]."""
    feed = Feed(timezone=zone, services=dict(services or {"daily": DAILY}))
    parents = parents or {}
    for sid, (lat, lon) in stops.items():
        feed.stops[sid] = Stop(sid, sid, lat, lon, parent_id=parents.get(sid, ""))
    for station in set(parents.values()):
        feed.stops[station] = Stop(station, station, *stops[next(s for s, p in parents.items() if p == station)],
                                   location_type=1)
        feed.children[station] = tuple(s for s, p in parents.items() if p == station)
    for trip_id, (route_id, calls) in trips.items():
        feed.routes.setdefault(route_id, Route(route_id, route_id, "", 3))
        feed.trips[trip_id] = Trip(trip_id, route_id, (service_of or {}).get(trip_id, "daily"),
                                   block_id=(blocks or {}).get(trip_id, ""))
        feed.stop_times[trip_id] = [StopTime(s, hm(a), hm(d)) for s, a, d in calls]
    feed.transfer_rules = list(rules)
    return feed


def rides(feed: Feed, origin: str, dest: str, depart: str, day: dt.date = MONDAY, rules: WalkRules = NO_WALK):
    """(arrival, rides) of each journey RAPTOR finds (the Pareto set), and the timetable."""
    tt = build_timetable(feed, day, rules)
    found = raptor.earliest_arrival(tt, raptor.Endpoint(((tt.index[origin], 0, 0),), 0, 0),
                                    raptor.Endpoint(((tt.index[dest], 0, 0),), 0, 0), hm(depart))
    return [(j.arr_s, j.rides) for j in found], tt


# --------------------------------------------------------------------- time base

LA, OSLO = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Oslo")


def test_service_days_start_at_noon_minus_12h():
    """GTFS times count from "noon minus 12h": 23:00 PST the evening before Los Angeles' spring change
    (a 23-hour day follows), 01:00 CEST on Oslo's autumn change (the day before lasted 25 hours)."""
    assert service_day_start(dt.date(2008, 3, 9), LA) == dt.datetime(2008, 3, 9, 7, tzinfo=dt.timezone.utc)
    assert day_shift_s(dt.date(2008, 3, 8), dt.date(2008, 3, 9), LA) == 23 * 3600
    assert service_day_start(dt.date(2024, 10, 27), OSLO).astimezone(OSLO).isoformat() == "2024-10-27T01:00:00+02:00"
    assert day_shift_s(dt.date(2024, 10, 26), dt.date(2024, 10, 27), OSLO) == 25 * 3600


@pytest.mark.parametrize("zone,day,next_day_s", [
    ("America/Los_Angeles", dt.date(2008, 3, 8), 23 * 3600),  # the next day begins an hour early
    ("Europe/Oslo", dt.date(2024, 10, 26), 25 * 3600),        # and here an hour late
    ("Asia/Shanghai", dt.date(2024, 2, 12), DAY_S),
])
def test_the_next_service_day_is_shifted_by_its_true_start(zone, day, next_day_s):
    """A daily 08:00 trip: today's run at 08:00, tomorrow's at 08:00 of tomorrow's service day, which is
    23, 24 or 25 hours later in true seconds."""
    feed = make_feed({"A": (30.6, 104.0), "B": (30.7, 104.0)}, {"t": ("R", [("A", "08:00", "08:00"), ("B", "09:00", "09:00")])},
                     zone=zone)
    tt = build_timetable(feed, day, NO_WALK)
    departures = sorted(dep[0] for p in tt.patterns for dep in p.departures)
    assert departures == [hm("08:00"), next_day_s + hm("08:00")]
    tomorrow = (service_day_start(day, ZoneInfo(zone)) + dt.timedelta(seconds=departures[1])).astimezone(ZoneInfo(zone))
    assert (tomorrow.date(), tomorrow.hour) == (day + dt.timedelta(days=1), 8)


# --------------------------------------------------------------------- stop-only rules (rank 6)

CASE_03 = {  # ../shared/cases/gtfs/03-transfer-type-3
    "stops": {"A": (30.60, 104.00), "X": (30.65, 104.05), "D": (30.70, 104.10)},
    "trips": {"r1": ("R1", [("A", "08:00", "08:00"), ("X", "08:10", "08:10")]),
              "r2": ("R2", [("X", "08:15", "08:15"), ("D", "08:25", "08:25")]),
              "r3": ("R3", [("A", "08:05", "08:05"), ("D", "09:00", "09:00")])},
}


@pytest.mark.parametrize("walk", [NO_WALK, WalkRules(max_walk_m=0, min_transfer_s=0), WalkRules()])
def test_type_3_forbids_the_change_at_that_stop(walk):
    feed = make_feed(**CASE_03, rules=[TransferRule("X", "X", type=3)])
    found, tt = rides(feed, "A", "D", "07:55", rules=walk)
    assert found == [(hm("09:00"), 1)]  # only route 3, even when --min-transfer-s is given
    assert tt.change_s[tt.index["X"]] == FORBIDDEN_S >= raptor.INF
    found, _ = rides(make_feed(**CASE_03), "A", "D", "07:55")
    assert found == [(hm("09:00"), 1), (hm("08:25"), 2)]  # without the rule, the change at X


STATION = {"A": (30.60, 104.00), "P1": (30.65, 104.00), "P2": (30.6501, 104.00), "P3": (30.6502, 104.00),
           "D": (30.70, 104.00)}
PARENTS = {"P1": "S", "P2": "S", "P3": "S"}


@pytest.mark.parametrize("rules,min_transfer_s,expected", [
    # a rule on the station applies to each platform, and between them
    ([TransferRule("S", "S", type=2, min_s=300)], None, {"P1": 300, "P2": 300, "P3": 300}),
    # a platform's own rule beats its station's: timed (0), forbidden, a time of its own
    ([TransferRule("S", "S", type=2, min_s=300), TransferRule("P1", "P1", type=1),
      TransferRule("P2", "P2", type=3), TransferRule("P3", "P3", type=2, min_s=60)], None,
     {"P1": 0, "P2": FORBIDDEN_S, "P3": 60}),
    # the platform's rule wins wherever it comes in the file
    ([TransferRule("P1", "P1", type=0), TransferRule("S", "S", type=3)], None,
     {"P1": 0, "P2": FORBIDDEN_S, "P3": FORBIDDEN_S}),
    # --min-transfer-s sets every time, but lifts no ban
    ([TransferRule("S", "S", type=2, min_s=300), TransferRule("P2", "P2", type=3), TransferRule("P1", "P1", type=1)],
     90, {"P1": 90, "P2": FORBIDDEN_S, "P3": 90}),
])
def test_station_rules_apply_to_their_platforms(rules, min_transfer_s, expected):
    feed = make_feed(STATION, {}, rules=rules, parents=PARENTS)
    tt = build_timetable(feed, MONDAY, WalkRules(max_walk_m=0, min_transfer_s=min_transfer_s))
    assert {p: tt.change_s[tt.index[p]] for p in expected} == expected
    assert tt.change_s[tt.index["A"]] == (min_transfer_s or 0)


def test_rules_between_two_stops_make_or_remove_footpaths():
    near = {"A": (30.600, 104.00), "B": (30.601, 104.00), "F": (30.650, 104.00)}  # A-B 111 m, F 5.6 km away
    walk = WalkRules(max_walk_m=500)
    plain = build_timetable(make_feed(near, {}), MONDAY, walk)

    def paths(tt):
        return {(tt.stop_ids[a], tt.stop_ids[b]): s for a, out in enumerate(tt.footpaths) for b, s, _ in out}

    assert set(paths(plain)) == {("A", "B"), ("B", "A")}
    rules = [TransferRule("A", "B", type=3),            # no way from A to B (B to A stays)
             TransferRule("A", "F", type=2, min_s=600),  # beyond the longest walk: the feed's 10 minutes
             TransferRule("F", "A", type=0),            # a recommended change: walked at walking speed
             TransferRule("B", "A", type=2, min_s=20)]   # shorter than the walk: the walk
    tt = build_timetable(make_feed(near, {}, rules=rules), MONDAY, walk)
    found = paths(tt)
    assert ("A", "B") not in found
    assert found[("B", "A")] == paths(plain)[("B", "A")]
    assert found[("A", "F")] == 600 and found[("F", "A")] > 3600
    assert paths(build_timetable(make_feed(near, {}, rules=rules), MONDAY, NO_WALK)) == {}  # no walking at all


# --------------------------------------------------------------------- rules naming routes or trips (ranks 1-5)

# A -> X by r1 (route R1, 08:00-08:10) or r1b (R1, 08:01-08:11); X -> D by r2 (R2, 08:12-08:25) or
# r2b (R2, 08:20-08:30); r3 (R3) A 08:05 -> D 09:00 needs no change
CROSSING = {
    "stops": {"A": (30.60, 104.00), "X": (30.65, 104.05), "D": (30.70, 104.10)},
    "trips": {"r1": ("R1", [("A", "08:00", "08:00"), ("X", "08:10", "08:10")]),
              "r1b": ("R1", [("A", "08:01", "08:01"), ("X", "08:11", "08:11")]),
              "r2": ("R2", [("X", "08:12", "08:12"), ("D", "08:25", "08:25")]),
              "r2b": ("R2", [("X", "08:20", "08:20"), ("D", "08:30", "08:30")]),
              "r3": ("R3", [("A", "08:05", "08:05"), ("D", "09:00", "09:00")])},
}


def test_a_route_to_route_type_3_forbids_a_change_the_stop_allows():
    """Changing at X is fine by the stop (no rule), but not from route 1 to route 2: only r3 is left."""
    found, tt = rides(make_feed(**CROSSING), "A", "D", "07:55")
    assert found == [(hm("09:00"), 1), (hm("08:25"), 2)] and tt.rules is None  # no rule: no cost
    rules = [TransferRule("X", "X", from_route="R1", to_route="R2", type=3)]
    found, tt = rides(make_feed(**CROSSING, rules=rules), "A", "D", "07:55")
    assert found == [(hm("09:00"), 1)]
    assert tt.change_s[tt.index["X"]] == 0  # the stop itself still allows changing


def today(feed: Feed, depart: str) -> list[tuple[int, int]]:
    """(arrival, rides) of the journeys from A to D arriving on the day (the timetable holds tomorrow too)."""
    return [found for found in rides(feed, "A", "D", depart)[0] if found[0] < DAY_S]


def crossing(*drop: str, rules: list[TransferRule] = (), parents: dict[str, str] | None = None) -> Feed:
    """:data:`CROSSING` without the trips ``drop``, with ``rules``."""
    trips = {t: trip for t, trip in CROSSING["trips"].items() if t not in drop}
    return make_feed(CROSSING["stops"], trips, rules=rules, parents=parents)


def test_a_trip_to_trip_type_2_lengthens_the_wait():
    """r1 -> r2 at X needs 5 minutes, and r2 leaves 2 after r1 arrives: r2b then. Other pairs keep the
    stop's change time."""
    assert today(crossing("r1b", "r3"), "07:55") == [(hm("08:25"), 2)]
    rules = [TransferRule("X", "X", from_trip="r1", to_trip="r2", type=2, min_s=300)]
    assert today(crossing("r1b", "r3", rules=rules), "07:55") == [(hm("08:30"), 2)]
    assert today(crossing("r1", "r3", rules=rules), "07:55") == [(hm("08:25"), 2)]  # r1b -> r2


def test_a_rank_1_rule_beats_a_rank_4_rule():
    """Route 1 to route 2 is forbidden at X (rank 4), but r1 to r2 is a timed change (rank 1): the
    reference's "greatest specificity" wins, for that pair of trips only."""
    rules = [TransferRule("X", "X", from_route="R1", to_route="R2", type=3),
             TransferRule("X", "X", from_trip="r1", to_trip="r2", type=1)]
    found, tt = rides(crossing(rules=rules), "A", "D", "07:55")
    assert found == [(hm("09:00"), 1), (hm("08:25"), 2)] and tt.rules is not None
    assert today(crossing(rules=rules), "08:01") == [(hm("09:00"), 1)]  # r1b: route 1 to route 2
    assert today(crossing("r2", rules=rules), "07:55") == [(hm("09:00"), 1)]  # r1 -> r2b: rank 4


def test_a_rule_on_a_station_applies_at_its_platforms():
    """X is a platform of station S: route 1 to route 2 forbidden at S is forbidden at X; a rule naming
    the platform X itself beats the station's, whatever their order."""
    station = {"X": "S"}
    forbid = TransferRule("S", "S", from_route="R1", to_route="R2", type=3)
    assert today(crossing("r3", parents=station), "07:55") == [(hm("08:25"), 2)]
    assert today(crossing("r3", rules=[forbid], parents=station), "07:55") == []
    allow = TransferRule("X", "X", from_route="R1", to_route="R2", type=0)
    for rules in ([forbid, allow], [allow, forbid]):
        assert today(crossing("r3", rules=rules, parents=station), "07:55") == [(hm("08:25"), 2)]


def test_a_timed_type_1_overrides_the_stops_change_time():
    """X asks 15 minutes to change (rank 6), but r1 to route 2 is timed (type 1): route 2 waits for r1."""
    wait = TransferRule("X", "X", type=2, min_s=900)
    assert today(crossing("r1b", "r3", rules=[wait]), "07:55") == []  # 10 min at most at X
    timed = TransferRule("X", "X", from_trip="r1", to_route="R2", type=1)
    assert today(crossing("r1b", "r3", rules=[wait, timed]), "07:55") == [(hm("08:25"), 2)]
    assert today(crossing("r1", "r3", rules=[wait, timed]), "07:55") == []  # r1b is not r1


# --------------------------------------------------------------------- in-seat transfers

CASE_02 = {  # ../shared/cases/gtfs/02-block-stay-seated
    "stops": {s: (30.60 + 0.02 * i, 104.00 + 0.02 * i) for i, s in enumerate("ABCDE")},
    "trips": {"blue1": ("BLUE", [("A", "12:00", "12:01"), ("B", "12:05", "12:06"), ("C", "12:15", "12:15")]),
              "red1": ("RED", [("C", "12:18", "12:18"), ("D", "12:22", "12:23"), ("E", "12:30", "12:30")]),
              "red2": ("RED", [("C", "12:48", "12:48"), ("D", "12:52", "12:53"), ("E", "13:00", "13:00")])},
}
CHANGE_AT_C = TransferRule("C", "C", type=2, min_s=300)


@pytest.mark.parametrize("rules,blocks", [
    ([CHANGE_AT_C, TransferRule("C", "C", from_trip="blue1", to_trip="red1", type=4)], {"blue1": "K1", "red1": "K1", "red2": "K2"}),
    ([CHANGE_AT_C], {"blue1": "K1", "red1": "K1", "red2": "K2"}),           # the block alone
    ([CHANGE_AT_C, TransferRule(from_trip="blue1", to_trip="red1", type=4)], {}),  # the linked trips alone
])
def test_an_in_seat_transfer_is_one_vehicle(rules, blocks):
    """Blue reaches C at 12:15 and goes on as red1 at 12:18: riders stay on board, so the 5 minutes a
    change at C needs do not apply, and the journey is one ride."""
    found, tt = rides(make_feed(**CASE_02, rules=rules, blocks=blocks), "A", "E", "11:55")
    assert found == [(hm("12:30"), 1)]
    joined = next(p for p in tt.patterns if len(p.segments) == 2)
    assert joined.segments == ((0, "BLUE"), (2, "RED")) and set(joined.run_trips) == {("blue1", "red1")}
    assert f"blue1+red1@{hm('12:01')}" in joined.trip_ids  # (and the days' before and after)
    assert [tt.stop_ids[s] for s in joined.stops] == list("ABCDE")
    c = joined.stops.index(tt.index["C"])
    assert (joined.arrivals[0][c], joined.departures[0][c]) == (hm("12:15"), hm("12:18"))
    assert joined.pieces(0, 4) == [(0, 2, "BLUE"), (2, 4, "RED")] and joined.pieces(2, 3) == [(2, 3, "RED")]
    assert {run for p in tt.patterns for run in p.run_trips} == {("blue1", "red1"), ("red2",)}


@pytest.mark.parametrize("rules,blocks,expected", [
    # type 5: "In-seat transfers are not allowed between sequential trips": blue1, 5 minutes at C, red2
    ([CHANGE_AT_C, TransferRule(from_trip="blue1", to_trip="red1", type=5)], {"blue1": "K1", "red1": "K1"},
     [(hm("13:00"), 2)]),
    ([CHANGE_AT_C], {}, [(hm("13:00"), 2)]),
    # the block goes on as red2: seated, but no sooner
    ([CHANGE_AT_C], {"blue1": "K1", "red2": "K1"}, [(hm("13:00"), 1)]),
])
def test_without_an_in_seat_transfer_to_red1_riders_change(rules, blocks, expected):
    found, tt = rides(make_feed(**CASE_02, rules=rules, blocks=blocks), "A", "E", "11:55")
    assert found == expected


def test_type_4_wins_over_the_block():
    """GTFS: "If both a linked trips transfer and a block_id are provided and they produce conflicting
    results, then the linked trips transfer shall be used." blue1 is in red1's block, but goes on as red2."""
    rules = [TransferRule(from_trip="blue1", to_trip="red2", type=4)]
    _, tt = rides(make_feed(**CASE_02, rules=rules, blocks={"blue1": "K1", "red1": "K1"}), "A", "E", "11:55")
    assert {run for p in tt.patterns for run in p.run_trips} == {("blue1", "red2"), ("red1",)}


def test_a_block_does_not_join_trips_that_do_not_meet():
    trips = {"t1": ("R", [("A", "08:00", "08:00"), ("B", "08:10", "08:10")]),
             "t2": ("R", [("C", "08:20", "08:20"), ("D", "08:30", "08:30")]),   # begins elsewhere
             "t3": ("R", [("D", "08:25", "08:25"), ("A", "08:40", "08:40")])}   # leaves before t2 arrives
    stops = {s: (30.6 + 0.01 * i, 104.0) for i, s in enumerate("ABCD")}
    _, tt = rides(make_feed(stops, trips, blocks={"t1": "b", "t2": "b", "t3": "b"}), "A", "B", "07:00")
    assert all(not p.segments for p in tt.patterns)


def test_a_block_across_two_platforms_of_a_station():
    """t1 ends at platform P1, t2 (same block) leaves from P2 of the same station: one vehicle. The
    joined run keeps both calls; P1 only sets down, P2 only picks up."""
    stops = {"A": (30.60, 104.0), "P1": (30.65, 104.0), "P2": (30.6501, 104.0), "D": (30.70, 104.0)}
    trips = {"t1": ("R1", [("A", "08:00", "08:00"), ("P1", "08:10", "08:10")]),
             "t2": ("R2", [("P2", "08:12", "08:12"), ("D", "08:30", "08:30")])}
    feed = make_feed(stops, trips, blocks={"t1": "b", "t2": "b"}, parents={"P1": "S", "P2": "S"})
    found, tt = rides(feed, "A", "D", "07:55")
    assert found == [(hm("08:30"), 1)]
    (joined,) = tt.patterns
    assert joined.segments == ((0, "R1"), (2, "R2"))
    assert joined.can_board == (True, False, True, True) and joined.can_alight == (True, True, False, True)
    assert joined.pieces(0, 3) == [(0, 2, "R1"), (2, 3, "R2")]


def test_type_4_to_the_next_service_day():
    """GTFS: "The last arrival time of from_trip_id MAY be later than the first departure time of
    to_trip_id in case the to_trip_id trip is occurring the subsequent service day." The night bus
    reaches B at 24:10 and goes on as the morning trip of the next service day, leaving B at 00:15."""
    stops = {s: (30.6 + 0.01 * i, 104.0) for i, s in enumerate("ABC")}
    trips = {"night": ("N", [("A", "23:30", "23:30"), ("B", "24:10", "24:10")]),
             "early": ("E", [("B", "00:15", "00:15"), ("C", "00:40", "00:40")])}
    feed = make_feed(stops, trips, rules=[TransferRule(from_trip="night", to_trip="early", type=4)])
    found, tt = rides(feed, "A", "C", "23:00")
    assert found == [(DAY_S + hm("00:40"), 1)]
    runs = sorted(run for p in tt.patterns for run in p.trip_ids)
    assert f"night+early@{hm('23:30')}" in runs and f"night+early@{hm('23:30') - DAY_S}" in runs


def test_one_trip_going_on_as_two():
    """A 1-to-n link (a train that splits): each branch is a run of its own; both are reached seated."""
    stops = {s: (30.6 + 0.01 * i, 104.0) for i, s in enumerate("ABCD")}
    trips = {"t": ("R", [("A", "08:00", "08:00"), ("B", "08:10", "08:10")]),
             "left": ("L", [("B", "08:15", "08:15"), ("C", "08:30", "08:30")]),
             "right": ("R2", [("B", "08:15", "08:15"), ("D", "08:35", "08:35")])}
    rules = [TransferRule(from_trip="t", to_trip="left", type=4), TransferRule(from_trip="t", to_trip="right", type=4)]
    feed = make_feed(stops, trips, rules=rules)
    assert rides(feed, "A", "C", "07:00")[0] == [(hm("08:30"), 1)]
    found, tt = rides(feed, "A", "D", "07:00")
    assert found == [(hm("08:35"), 1)]
    assert {run for p in tt.patterns for run in p.run_trips} == {("t", "left"), ("t", "right")}


# --------------------------------------------------------------------- stations as ends


def test_platforms_of_any_stop_id():
    feed = make_feed(STATION, {"t": ("R", [("A", "08:00", "08:00"), ("P1", "08:10", "08:10")])}, parents=PARENTS)
    feed.stops["E"] = Stop("E", "exit", 30.65, 104.0, parent_id="S", location_type=2)
    feed.stops["BA"] = Stop("BA", "front", 30.65, 104.0, parent_id="P2", location_type=4)
    tt = build_timetable(feed, MONDAY, NO_WALK)
    platforms = tuple(tt.index[p] for p in ("P1", "P2", "P3"))
    assert tt.platforms_of("S") == tt.platforms_of("E") == platforms
    assert tt.platforms_of("BA") == tt.platforms_of("P2") == (tt.index["P2"],)
    assert tt.platforms_of("nowhere") == ()


def test_type_4_is_the_next_days_only_when_the_times_say_so():
    """The to-trip leaves (by its own times) after the from-trip arrives, so it is the same service day's;
    when that day's does not run, nothing links: riders do not sit in the vehicle until tomorrow's."""
    today_only = Service("today", (True,) + (False,) * 6, dt.date(2024, 1, 1), dt.date(2024, 12, 31))  # Mondays
    tomorrow_only = Service("tomorrow", (False, True) + (False,) * 5, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    stops = {s: (30.6 + 0.01 * i, 104.0) for i, s in enumerate("ABC")}
    trips = {"evening": ("E", [("A", "20:00", "20:00"), ("B", "20:30", "20:30")]),
             "late": ("L", [("B", "21:00", "21:00"), ("C", "21:30", "21:30")])}
    feed = make_feed(stops, trips, rules=[TransferRule("B", "B", type=3),
                                          TransferRule(from_trip="evening", to_trip="late", type=4)],
                     services={"today": today_only, "tomorrow": tomorrow_only},
                     service_of={"evening": "today", "late": "tomorrow"})
    found, tt = rides(feed, "A", "C", "19:00")
    assert found == [] and all(not p.segments for p in tt.patterns)


def test_a_trip_linked_elsewhere_by_type_5_leaves_its_block():
    """a, b and c; the block says a goes on as b, transfers.txt says a's vehicle goes on as c (type 5:
    linked, riders alight). GTFS: "If both a linked trips transfer and a block_id are provided and they
    produce conflicting results, then the linked trips transfer shall be used": no in-seat a -> b."""
    stops = {s: (30.6 + 0.01 * i, 104.0) for i, s in enumerate("ABCD")}
    trips = {"a": ("R", [("A", "10:00", "10:00"), ("B", "10:10", "10:10")]),
             "b": ("R", [("B", "10:15", "10:15"), ("C", "10:25", "10:25")]),
             "c": ("S", [("B", "10:40", "10:40"), ("D", "10:50", "10:50")])}
    rules = [TransferRule("B", "B", type=3), TransferRule("B", "B", from_trip="a", to_trip="c", type=5)]
    found, tt = rides(make_feed(stops, trips, rules=rules, blocks={"a": "K", "b": "K"}), "A", "C", "09:50")
    assert found == [] and all(not p.segments for p in tt.patterns)
    found, _ = rides(make_feed(stops, trips, rules=rules[:1], blocks={"a": "K", "b": "K"}), "A", "C", "09:50")
    assert found == [(hm("10:25"), 1)]  # without the type-5 row, the block carries riders on
