"""RAPTOR checked against an obviously-correct reference on random timetables.

The reference works from the :class:`planner.domain.transit.Feed` itself, not from the built
:class:`Timetable`, and is written from the GTFS reference's own words (quoted where they are used). It
expands calendars, calendar_dates and frequencies of every service day in reach, links the trips one
vehicle runs in turn, computes walking between stops by comparing every pair, picks the transfers.txt
rule of every change itself, and then finds, round by round, the earliest arrival with at most k vehicles
by trying every boarding and every alighting of every run (no pruning, no patterns, no FIFO assumption,
no joined runs). Both sides share only the rules of the model:

* a vehicle is boarded where pickup_type != 1 and left where drop_off_type != 1;
* times count from "noon minus 12h" of the query's service day (GTFS: "measured from \"noon minus 12h\"
  of the service day"); a trip of service day d runs at its own times plus the seconds from the query
  day's start to d's, so yesterday's 24:30:00 is today's 00:30, and tomorrow's runs follow today's;
* changing vehicles, alighting trip a at stop p and boarding trip b at stop q, obeys the transfers.txt rule
  of types 0-3 with "the greatest specificity that applies between these two trips", ranked as the
  reference ranks them (1: both trip ids ... 6: stops only; a trip id beside a route id "takes
  precedence"). A rule naming a station "applies to all its child stops"; one naming the platform itself
  beats one naming its station (the reference is silent there; the platform is the more precise).
  At one stop: type 3 forbids the change ("Transfers are not possible"), 2 waits min_transfer_time, 1
  waits nothing ("The departing vehicle is expected to wait"), 0 or no rule waits the default
  (``WalkRules.min_transfer_s``, else 0); ``min_transfer_s``, when given, replaces every wait but no ban.
  Between two stops, walking only when ``max_walk_m > 0``: no rule, a walk within ``max_walk_m /
  circuity`` straight-line metres at ``walk_s``; type 3 none; types 0-2 a walk even beyond the longest one
  (the feed says one can change there), a type 2 taking at least its time (beyond the longest walk, its
  time alone: the feed's word for how long it takes);
* in-seat transfers, from the reference's "Linked trips" (transfer_type 4 and 5) and trips.txt's
  ``block_id``: a rider on board of a trip's run at its last call stays on board as the run it continues
  as, without another vehicle. Type 4 (a, b) continues a's run of service day d as b's of the same day if b
  leaves no earlier (by their times) than a arrives, else as b's of d + 1 ("The last arrival time of
  from_trip_id MAY be later than the first departure time of to_trip_id in case the to_trip_id trip is
  occurring the subsequent service day"). Trips of one ``block_id`` running on one service day ("defined by
  shared service days and block_id"), in order of first departure, continue each as the next when it
  leaves from the same stop or a platform of the same station, no earlier than the first arrives; but
  "If both a linked trips transfer and a block_id are provided and they produce conflicting results,
  then the linked trips transfer shall be used": a trip that transfers.txt links (type 4 or 5) to
  another takes its continuations from there only, and so does one linked from another. A pair named
  by a type 5 is never continued in seat. Runs of frequencies.txt are not linked. Where the reference is
  silent: a rider boarding at a trip's last call does not ride on (it is boarded as the next trip's
  first call), and one who stayed on board does not alight at the next trip's first call (alighting at
  the last call of the one before instead);
* between two vehicles one may walk one footpath; the journey starts with one access walk and ends with
  one egress walk (possibly right after a footpath); the only journey without a vehicle is the origin's
  direct walk (walking to a stop and on from it is not one);
* the timetable covers ``window_days`` days from the query day's start: the journeys arriving before its
  end are compared (runs of later service days, which it need not hold, arrive later).

What the properties draw is what the router applies: rules of types 0-3 on stops and on a station of 2-3
platforms, stop-only or naming routes and trips on either side (ranks 1-5, ``feeds(trip_rules=True)``: the
router keeps an arrival per class of trip at their stops, :class:`planner.routing.timetable.TripRules`),
linked trips (types 4 and 5), blocks, services of one day only. Journeys found are checked as doable, each
change as the reference's rule for its two trips allows it (:func:`check_journey`).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.transit import TransferRule
from planner.sources.gtfs import Feed, Frequency, Route, Service, Stop, StopTime, Trip, format_gtfs_time, read_feed
from planner.routing import raptor
from planner.routing.journeys import JourneyPlanner, NoJourney, Options
from planner.routing.timetable import WalkRules, build_timetable
from planner.sources.datafiles import load_params
from planner.domain.paths import bundled_data_dir

INF = float("inf")
DAY_S = 86400
DAY = dt.date(2024, 2, 13)  # a Tuesday: yesterday is a Monday, tomorrow a Wednesday
ONE_DAY = dt.timedelta(days=1)
BASE_LAT, BASE_LON = 30.67, 104.10
STEP_LAT, STEP_LON = 0.004, 0.0045  # about 445 m and 430 m
PARAMS, _ = load_params(bundled_data_dir() / "network.yaml")  # walking at 1.2 m/s, circuity 1.3: as WalkRules()

# Fixed examples, the same on every run; HYPOTHESIS_EXAMPLES=5000 HYPOTHESIS_RANDOM=1 searches further.
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 120)), deadline=None,
                    derandomize=not os.environ.get("HYPOTHESIS_RANDOM"), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _only(service_id: str, day: dt.date) -> Service:
    return Service(service_id, (True,) * 7, day, day)


SERVICES = {
    "daily": Service("daily", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "weekday": Service("weekday", (True,) * 5 + (False,) * 2, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "monday": Service("monday", (True,) + (False,) * 6, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "wednesday": Service("wednesday", (False, False, True, False, False, False, False),
                         dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    "ended": Service("ended", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 2, 12)),  # runs until yesterday
    "exceptions-only": Service("exceptions-only", (False,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    # one service day each: yesterday, the day, tomorrow, the day after
    "yesterday-only": _only("yesterday-only", DAY - ONE_DAY),
    "today-only": _only("today-only", DAY),
    "tomorrow-only": _only("tomorrow-only", DAY + ONE_DAY),
    "day-after-only": _only("day-after-only", DAY + 2 * ONE_DAY),
}

NEXT_DAY = {"yesterday-only": "today-only", "today-only": "tomorrow-only", "tomorrow-only": "day-after-only",
            "monday": "wednesday"}  # (Monday -> Wednesday: the day after the next)


# --------------------------------------------------------------------- random feeds


def _calls(draw, stop_ids: list[str], first_stop: str | None, clock: int) -> list[StopTime]:
    """A trip's calls from ``clock``: 2-5 stops (the first one given, if any), hops of 0-20 minutes."""
    times = st.integers(0, 40).map(lambda n: n * 30)  # hop times, 0 to 20 minutes
    calls = draw(st.lists(st.sampled_from(stop_ids), min_size=2, max_size=5))
    if first_stop is not None:
        calls[0] = first_stop
    stop_times = []
    for i, sid in enumerate(calls):
        if i:
            clock += draw(times)
        arrival = clock
        clock += draw(st.integers(0, 4)) * 30  # dwell
        stop_times.append(StopTime(sid, arrival, clock, draw(st.sampled_from((0,) * 6 + (1, 2))),
                                   draw(st.sampled_from((0,) * 6 + (1, 3)))))
    return stop_times


@st.composite
def feeds(draw, trip_rules: bool = False) -> Feed:
    """A small random feed: stops on a grid (some of them platforms of one station), routes, trips (some
    past midnight, on services of one day only), frequencies, blocks and trips continuing as others,
    transfers.txt rules of every type on stops and the station, calendars and their exceptions.

    ``trip_rules``: also rules of types 0-3 naming routes and trips (ranks 1-5).
    """
    n_stops = draw(st.integers(2, 10))
    cells = draw(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)),
                          min_size=n_stops, max_size=n_stops))
    stop_ids = [f"S{i}" for i in range(n_stops)]
    platforms = draw(st.lists(st.sampled_from(stop_ids), max_size=3, unique=True))
    platforms = sorted(platforms, key=stop_ids.index) if len(platforms) >= 2 else []
    feed = Feed(source="random")
    for sid, (y, x) in zip(stop_ids, cells):
        feed.stops[sid] = Stop(sid, sid, BASE_LAT + y * STEP_LAT, BASE_LON + x * STEP_LON,
                               parent_id="STATION" if sid in platforms else "")
    feed.stops["STATION"] = Stop("STATION", "a station, not a boarding point", BASE_LAT, BASE_LON, location_type=1)
    if platforms:
        feed.children = {"STATION": tuple(platforms)}
    feed.services = dict(SERVICES)
    for service_id in draw(st.lists(st.sampled_from(sorted(SERVICES)), max_size=3)):
        for offset in draw(st.lists(st.integers(-1, 1), max_size=2, unique=True)):
            feed.service_exceptions[(service_id, DAY + dt.timedelta(days=offset))] = draw(st.booleans())
    services = st.sampled_from(sorted(SERVICES) + ["daily"] * 4 + ["weekday"] * 2)  # most run on the day
    for r in range(draw(st.integers(1, 4))):
        route_id = f"R{r}"
        feed.routes[route_id] = Route(route_id, route_id, "", 3)
        base = draw(st.lists(st.sampled_from(stop_ids), min_size=2, max_size=5))
        for t in range(draw(st.integers(1, 4))):
            trip_id = f"{route_id}-t{t}"
            stop_times = _calls(draw, stop_ids, None, draw(st.integers(0, 28 * 60)) * 60)
            if draw(st.integers(0, 4)):  # mostly the route's stops
                stop_times = [dataclasses.replace(call, stop_id=sid) for call, sid in zip(stop_times, base)]
            feed.stop_times[trip_id] = stop_times
            if draw(st.integers(0, 3)) == 0:
                for _ in range(draw(st.integers(1, 2))):
                    start = draw(st.integers(0, 27 * 60)) * 60
                    end = start + draw(st.integers(0, 180)) * 60
                    feed.frequencies.setdefault(trip_id, []).append(Frequency(
                        trip_id, start, end, draw(st.sampled_from((300, 600, 900, 1200, 1800, 2700))),
                        draw(st.booleans())))
            block = "" if trip_id in feed.frequencies else draw(st.sampled_from(("", "", "", "B0", "B1")))
            feed.trips[trip_id] = Trip(trip_id, route_id, draw(services), block_id=block)
    junctions = _vehicle_chains(draw, feed, stop_ids, platforms, st.sampled_from(
        ("daily", "daily", "daily", "weekday", "wednesday", "yesterday-only", "today-only", "tomorrow-only")))
    timetabled = [t for t in feed.trips if t.startswith("R") and t not in feed.frequencies]
    for _ in range(draw(st.integers(0, 2)) if len(timetabled) >= 2 else 0):  # forward only: no loops of links
        a, b = draw(st.lists(st.sampled_from(timetabled), min_size=2, max_size=2, unique=True))
        a, b = sorted((a, b), key=timetabled.index)
        _add_rule(feed, TransferRule(from_trip=a, to_trip=b, type=draw(st.sampled_from((4, 5)))))
    places = stop_ids + (["STATION"] * 2 if platforms else []) + junctions * 2  # where changes happen, often
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        rule = TransferRule(draw(st.sampled_from(places)), draw(st.sampled_from(places)), type=kind,
                            min_s=draw(st.integers(0, 20)) * 30 if kind == 2 else None)
        if trip_rules and draw(st.booleans()):
            ends = {}
            for side in ("from", "to"):
                # mostly a trip that sets down (from) or picks up (to) where the rule applies: one it matters to
                named = {rule.from_stop if side == "from" else rule.to_stop, *feed.children.get(
                    rule.from_stop if side == "from" else rule.to_stop, ())}
                there = sorted(t for t, times in feed.stop_times.items()
                               if any(c.stop_id in named for c in (times[1:] if side == "from" else times[:-1])))
                trip_id = draw(st.sampled_from([""] + sorted(feed.trips) + there * 3))
                route_id = feed.trips[trip_id].route_id if trip_id else ""
                if not trip_id or draw(st.booleans()):
                    route_id = draw(st.sampled_from(["", route_id] if trip_id else [""] + sorted(feed.routes)))
                ends |= {f"{side}_trip": trip_id, f"{side}_route": route_id}
            rule = dataclasses.replace(rule, **ends)
        _add_rule(feed, rule)
    return feed


def _vehicle_chains(draw, feed: Feed, stop_ids: list[str], platforms: list[str], services) -> list[str]:
    """0-2 vehicles each running 2-3 trips in turn, from a stop of its own (``O<c>``) to another (``D<c>``):
    each trip mostly starts where the one before ended (or at another platform of its station) soon
    after it arrived (sometimes before: then it is no continuation on that day); of one block or not,
    linked by transfers.txt (type 4 or 5) or not. Returns the stops where they meet (to draw rules at)."""
    junctions = []
    for c in range(draw(st.integers(0, 2))):
        for end, (y, x) in ((f"O{c}", draw(st.tuples(st.integers(0, 7), st.integers(0, 7)))),
                            (f"D{c}", draw(st.tuples(st.integers(0, 7), st.integers(0, 7))))):
            feed.stops[end] = Stop(end, end, BASE_LAT + y * STEP_LAT, BASE_LON + x * STEP_LON)
        block = draw(st.sampled_from(("", f"K{c}", f"K{c}")))
        service = draw(services)
        before: list[StopTime] | None = None
        before_id = ""
        n_trips = draw(st.integers(2, 3))
        for j in range(n_trips):
            trip_id = f"K{c}-{j}"
            if before is None:
                first, clock = f"O{c}", draw(st.integers(0, 27 * 60)) * 60
            else:
                end = before[-1].stop_id
                siblings = [p for p in platforms if p != end] if end in platforms else []
                first = draw(st.sampled_from([end, end, end] + siblings + [draw(st.sampled_from(stop_ids))]))
                clock = max(0, before[-1].departure_s + draw(st.integers(-20, 30)) * 60)
                service = draw(st.sampled_from([service] * 4 + [draw(services), NEXT_DAY.get(service, service)]))
                junctions += [end, first]
            stop_times = _calls(draw, stop_ids, first, clock)
            if j == n_trips - 1:
                stop_times[-1] = dataclasses.replace(stop_times[-1], stop_id=f"D{c}")
            route_id = draw(st.sampled_from(sorted(feed.routes)))
            feed.trips[trip_id] = Trip(trip_id, route_id, service, block_id=block)
            feed.stop_times[trip_id] = stop_times
            kind = draw(st.sampled_from((None, None, 4, 4, 5, "elsewhere")))
            if before is not None and kind == "elsewhere":  # the vehicle goes on as another trip, not this one
                others = [t for t in feed.trips if t.startswith("R") and t not in feed.frequencies]
                if others:
                    _add_rule(feed, TransferRule(from_trip=before_id, to_trip=draw(st.sampled_from(others)),
                                                 type=draw(st.sampled_from((4, 5)))))
            elif before is not None and kind is not None:
                named = draw(st.booleans())  # with the stops where the one ends and the next begins, or none
                _add_rule(feed, TransferRule(before[-1].stop_id if named else "", first if named else "",
                                             from_trip=before_id, to_trip=trip_id, type=kind))
            before, before_id = stop_times, trip_id
    return junctions


def _add_rule(feed: Feed, rule: TransferRule) -> None:
    """Add a rule unless it could tie with one there: "For any pair of trips, there should not be two
    transfers with equally maximal specificity that could apply" (and no two rows of the same ids)."""
    keys = lambda r: (r.from_stop, r.to_stop, r.from_route, r.to_route, r.from_trip, r.to_trip)  # noqa: E731
    for other in feed.transfer_rules:
        if keys(other) == keys(rule):
            return
        if rule.type <= 3 and other.type <= 3 and _could_tie(feed, rule, other):
            return
    feed.transfer_rules.append(rule)


def _could_tie(feed: Feed, a: TransferRule, b: TransferRule) -> bool:
    if rank(a) != rank(b):
        return False
    platforms = [s for s in feed.stops if feed.stops[s].location_type == 0]
    for p in platforms:
        for q in platforms:
            pa, qa, pb, qb = (_covers(feed, a.from_stop, p), _covers(feed, a.to_stop, q),
                              _covers(feed, b.from_stop, p), _covers(feed, b.to_stop, q))
            if None not in (pa, qa, pb, qb) and pa + qa == pb + qb:
                if _trips_of(feed, a.from_trip, a.from_route) & _trips_of(feed, b.from_trip, b.from_route) and \
                        _trips_of(feed, a.to_trip, a.to_route) & _trips_of(feed, b.to_trip, b.to_route):
                    return True
    return False


def _trips_of(feed: Feed, trip_id: str, route_id: str) -> set[str]:
    if trip_id:
        return {trip_id}
    return {t.id for t in feed.trips.values() if not route_id or t.route_id == route_id}


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
    """From and to stops (with walks) at a time; mostly aimed: from a trip's first stop shortly before
    it leaves, to another trip's last stop, so that journeys of several vehicles (and in seat) are asked."""
    stop_ids = sorted(s for s in feed.stops if feed.stops[s].location_type == 0)
    link = st.tuples(st.sampled_from(stop_ids), st.integers(0, 30).map(lambda n: n * 30))
    access = draw(st.lists(link, min_size=1, max_size=3))
    egress = draw(st.lists(link, min_size=1, max_size=3))
    depart_s = draw(st.integers(0, 30 * 60)) * 60
    if feed.stop_times and draw(st.integers(0, 3)):
        trips = sorted(feed.stop_times)
        first = draw(st.sampled_from(trips))
        on_first = {call.stop_id for call in feed.stop_times[first]}
        crossing = [(trip_id, pos) for trip_id in trips if trip_id != first
                    for pos, call in enumerate(feed.stop_times[trip_id][:-1]) if call.stop_id in on_first
                    and any(c.stop_id not in on_first for c in feed.stop_times[trip_id][pos + 1:])]
        vehicles = sorted({t.split("-")[0] for t in trips if t.startswith("K")})
        aim = draw(st.sampled_from(["any"] + ["crossing"] * 2 * bool(crossing) + ["vehicle"] * 3 * bool(vehicles)))
        last, after = draw(st.sampled_from(trips)), 0
        if aim == "crossing":  # changing where the first trip crosses another
            last, after = draw(st.sampled_from(crossing))
        elif aim == "vehicle":  # along a vehicle running several trips, from its first stop to its last
            vehicle = draw(st.sampled_from(vehicles))
            first, last = f"{vehicle}-0", max(t for t in trips if t.startswith(vehicle + "-"))
            after = len(feed.stop_times[last]) - 2
        access = [(feed.stop_times[first][0].stop_id, 0)] + access[:draw(st.integers(0, 1))]
        beyond = [c.stop_id for c in feed.stop_times[last][after + 1:]]
        if aim == "crossing":
            beyond = [stop for stop in beyond if stop not in on_first]
        egress = [(draw(st.sampled_from(beyond)), 0)] + egress[:draw(st.integers(0, 1))]
        leaves = (feed.stop_times[first][0].departure_s + draw(st.sampled_from((0, 0, -DAY_S, DAY_S)))
                  - draw(st.integers(0, 30)) * 60)
        depart_s = min(max(leaves, 0), 30 * 3600)
    return Query(
        access=access, egress=egress,
        direct_s=draw(st.one_of(st.none(), st.none(), st.none(), st.integers(10, 240).map(lambda n: n * 60))),
        depart_s=depart_s,
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


def day_start(feed: Feed, day: dt.date) -> dt.datetime:
    """The instant a service day's times count from: "noon minus 12h" in the feed's zone."""
    noon = dt.datetime.combine(day, dt.time(12), ZoneInfo(feed.timezone))
    return noon.astimezone(dt.timezone.utc) - dt.timedelta(hours=12)


@dataclass(frozen=True)
class Run:
    """One trip run on one service day, in the query day's time base."""

    trip_id: str
    route_id: str
    service_day: dt.date
    calls: tuple[tuple[str, int, int, bool, bool], ...]  # (stop, arrival, departure, board?, alight?)
    timetabled: bool  # False: one of the runs frequencies.txt makes of a trip (never continued in seat)


def vehicle_runs(feed: Feed, day: dt.date, offsets: range = range(-1, 3)) -> list[Run]:
    """Every run of every trip on the service days ``day + offset``."""
    found = []
    for offset in offsets:
        service_day = day + dt.timedelta(days=offset)
        base = round((day_start(feed, service_day) - day_start(feed, day)).total_seconds())
        running = services_on(feed, service_day)
        for trip_id, stop_times in feed.stop_times.items():
            trip = feed.trips[trip_id]
            if trip.service_id not in running:
                continue
            shifts = [0]
            if trip_id in feed.frequencies:
                shifts = []
                for freq in feed.frequencies[trip_id]:
                    start = freq.start_s  # "start_time": the first run; then every headway before end_time
                    while start < freq.end_s:
                        shifts.append(start - stop_times[0].departure_s)
                        start += freq.headway_s
            for shift in shifts:
                delta = base + shift
                found.append(Run(trip_id, trip.route_id, service_day, tuple(
                    (t.stop_id, t.arrival_s + delta, t.departure_s + delta, t.pickup_type != 1, t.drop_off_type != 1)
                    for t in stop_times), trip_id not in feed.frequencies))
    return found


def _station(feed: Feed, stop_id: str) -> str:
    parent = feed.stops.get(feed.stops[stop_id].parent_id)
    return parent.id if parent is not None and parent.location_type == 1 else ""


def in_seat_links(feed: Feed, all_runs: list[Run]) -> dict[int, list[int]]:
    """Run index -> the runs its vehicle goes on as with riders on board (see the module's words)."""
    at = {(run.trip_id, run.service_day): i for i, run in enumerate(all_runs) if run.timetabled}
    linked = [r for r in feed.transfer_rules if r.type in (4, 5)]
    apart = {(r.from_trip, r.to_trip) for r in linked if r.type == 5}
    links: dict[int, list[int]] = {}

    def link(i: int, j: int) -> None:
        if (all_runs[i].trip_id, all_runs[j].trip_id) not in apart and j not in links.get(i, []):
            links.setdefault(i, []).append(j)

    for rule in linked:
        if rule.type != 4:
            continue
        arrives = feed.stop_times[rule.from_trip][-1].arrival_s
        leaves = feed.stop_times[rule.to_trip][0].departure_s
        for i, run in enumerate(all_runs):
            if run.trip_id == rule.from_trip and run.timetabled:
                j = at.get((rule.to_trip, run.service_day + (ONE_DAY if leaves < arrives else dt.timedelta())))
                if j is not None:
                    link(i, j)
    linked_out = {r.from_trip for r in linked}
    linked_in = {r.to_trip for r in linked}
    blocks: dict[tuple[str, dt.date], list[int]] = {}
    for i, run in enumerate(all_runs):
        block_id = feed.trips[run.trip_id].block_id
        if block_id and run.timetabled:
            blocks.setdefault((block_id, run.service_day), []).append(i)
    for members in blocks.values():
        members.sort(key=lambda i: all_runs[i].calls[0][2])
        for i, j in zip(members, members[1:]):
            a, b = all_runs[i], all_runs[j]
            if a.trip_id in linked_out or b.trip_id in linked_in:
                continue  # "the linked trips transfer shall be used"
            end, start = a.calls[-1][0], b.calls[0][0]
            same_place = end == start or (_station(feed, end) != "" and _station(feed, end) == _station(feed, start))
            if same_place and a.calls[-1][1] <= b.calls[0][2]:
                link(i, j)
    return links


def rank(rule: TransferRule) -> int:
    """The reference's ranking of specificity, 1 (most specific) to 6 (stops only)."""
    from_trip, to_trip = bool(rule.from_trip), bool(rule.to_trip)
    # "If both from_trip_id and from_route_id are defined ... from_trip_id will take precedence"
    from_route, to_route = bool(rule.from_route) and not from_trip, bool(rule.to_route) and not to_trip
    if from_trip and to_trip:
        return 1
    if (from_trip and to_route) or (from_route and to_trip):
        return 2
    if from_trip or to_trip:
        return 3
    if from_route and to_route:
        return 4
    if from_route or to_route:
        return 5
    return 6


def _covers(feed: Feed, named: str, stop: str) -> int | None:
    """1: the rule names the stop; 0: it names its station ("applies to all its child stops"); None."""
    if named == stop:
        return 1
    if named and named == _station(feed, stop):
        return 0
    return None


def _side(trip_id: str, route_id: str, run: Run) -> bool:
    return run.trip_id == trip_id if trip_id else (run.route_id == route_id if route_id else True)


class Reference:
    """The earliest arrival, by brute force, over the runs of ``window_days`` days from the query day."""

    def __init__(self, feed: Feed, rules: WalkRules, window_days: int = 2, days_before: int = 1) -> None:
        self.feed, self.rules = feed, rules
        self.end_s = window_days * DAY_S
        # runs of the days before (past midnight), of the window, and of the next day (continued into)
        self.runs = vehicle_runs(feed, DAY, range(-days_before, window_days + 1))
        self.links = in_seat_links(feed, self.runs)
        self.stops = [s.id for s in feed.stops.values() if s.location_type == 0]
        self.walks: dict[str, dict[str, int]] = {p: {} for p in self.stops}  # within the longest walk
        self.any_walk: dict[tuple[str, str], int] = {}  # however far
        for a in self.stops:
            for b in self.stops:
                if a != b:
                    straight = geodesic((feed.stops[a].lat, feed.stops[a].lon),
                                        (feed.stops[b].lat, feed.stops[b].lon)).meters
                    seconds = round(straight * rules.walk_circuity / rules.walk_speed_m_s)
                    self.any_walk[(a, b)] = seconds
                    if rules.max_walk_m > 0 and straight <= rules.max_walk_m / rules.walk_circuity:
                        self.walks[a][b] = seconds
        self.by_trip = any(rank(r) < 6 for r in feed.transfer_rules if r.type <= 3)
        # the stops-only view: footpaths (also to the destination) and same-stop waits
        self.foot: dict[str, dict[str, int]] = {p: {} for p in self.stops}
        self.wait: dict[str, float] = {}
        for p in self.stops:
            for q in self.stops:
                seconds = self.change_s(p, q, self.rule(p, q, None, None))
                if seconds is not None:
                    if p == q:
                        self.wait[p] = seconds
                    else:
                        self.foot[p][q] = seconds
        self._rules: dict[tuple[str, str, str, str], TransferRule | None] = {}

    def rule(self, p: str, q: str, arriving: Run | None, departing: Run | None) -> TransferRule | None:
        """The applicable rule of types 0-3 of greatest specificity (the first of equals);
        with no trips given, the stops-only rules."""
        best, best_key = None, None
        for order, rule in enumerate(self.feed.transfer_rules):
            if rule.type > 3:
                continue
            from_p, to_q = _covers(self.feed, rule.from_stop, p), _covers(self.feed, rule.to_stop, q)
            if from_p is None or to_q is None:
                continue
            if arriving is None or departing is None:
                if rank(rule) != 6:
                    continue
            elif not (_side(rule.from_trip, rule.from_route, arriving) and _side(rule.to_trip, rule.to_route, departing)):
                continue
            key = (rank(rule), -(from_p + to_q), order)
            if best_key is None or key < best_key:
                best, best_key = rule, key
        return best

    def change_s(self, p: str, q: str, rule: TransferRule | None) -> int | None:
        """Seconds from alighting at p to being ready to board at q under ``rule``; None: impossible."""
        if rule is not None and rule.type == 3:
            return None
        if p == q:
            if self.rules.min_transfer_s is not None:
                return self.rules.min_transfer_s
            return (rule.min_s or 0) if rule is not None and rule.type == 2 else 0
        if self.rules.max_walk_m <= 0:
            return None
        walk = self.walks[p].get(q)
        if rule is None:
            return walk
        if walk is None:
            walk = 0 if rule.type == 2 and rule.min_s is not None else self.any_walk[(p, q)]
        return max(walk, rule.min_s or 0) if rule.type == 2 else walk

    def transfer_s(self, p: str, q: str, arriving: Run, departing: Run) -> int | None:
        key = (p, q, arriving.trip_id, departing.trip_id)
        if key not in self._rules:
            self._rules[key] = self.rule(p, q, arriving, departing)
        return self.change_s(p, q, self._rules[key])

    def earliest(self, q: Query, max_rides: int) -> list[float]:
        """best[k]: the earliest arrival at the destination using at most k vehicles (INF: none, or not
        before the timetable's end)."""
        egress: dict[str, int] = {}
        for stop, secs in q.egress:
            egress[stop] = min(secs, egress.get(stop, INF))
        access: dict[str, float] = {}  # one may board at these stops from these times on
        for stop, secs in q.access:
            access[stop] = min(access.get(stop, INF), q.depart_s + secs)
        best = q.depart_s + q.direct_s if q.direct_s is not None else INF
        ride: dict[tuple[str, int], float] = {}  # (stop, run): arrival by vehicle, with fewer vehicles so far
        result = [best if best < self.end_s else INF]
        for _ in range(max_rides):
            ready = self._ready_at(access, ride)
            entry: dict[int, int] = {}  # run -> the first call on board
            for i, run in enumerate(self.runs):
                for pos, (stop, _, dep, board, _) in enumerate(run.calls):
                    if board and ready(stop, run) <= dep:
                        entry[i] = pos
                        break
            # staying on board: from any run boarded before its last call, into what it continues as
            work = [i for i, pos in entry.items() if pos < len(self.runs[i].calls) - 1]
            while work:
                for j in self.links.get(work.pop(), ()):
                    if entry.get(j, 1) > 0:
                        entry[j] = 0
                        work.append(j)
            ride = dict(ride)
            for i, first in entry.items():
                for stop, arr, _, _, alight in self.runs[i].calls[first + 1:]:
                    if alight and arr < ride.get((stop, i), INF):
                        ride[(stop, i)] = arr
            for (stop, _), arr in ride.items():
                best = min(best, arr + egress.get(stop, INF))
                for other, secs in self.foot[stop].items():
                    best = min(best, arr + secs + egress.get(other, INF))
            result.append(best if best < self.end_s else INF)
        return result

    def _ready_at(self, access: dict[str, float], ride: dict[tuple[str, int], float]):
        """(stop, run) -> the earliest time one can board the run there."""
        if not self.by_trip:  # the wait does not depend on the trips: the earliest arrival at each stop will do
            by_stop: dict[str, float] = {}
            for (stop, _), arr in ride.items():
                by_stop[stop] = min(by_stop.get(stop, INF), arr)
            at: dict[str, float] = dict(access)
            for p, arr in by_stop.items():
                if p in self.wait:
                    at[p] = min(at.get(p, INF), arr + self.wait[p])
                for other, secs in self.foot[p].items():
                    at[other] = min(at.get(other, INF), arr + secs)
            return lambda stop, run: at.get(stop, INF)

        def ready(stop: str, run: Run) -> float:
            time = access.get(stop, INF)
            for (p, i), arr in ride.items():
                seconds = self.transfer_s(p, stop, self.runs[i], run)
                if seconds is not None:
                    time = min(time, arr + seconds)
            return time
        return ready


def reference(feed: Feed, rules: WalkRules, q: Query, max_rides: int, window_days: int = 2) -> list[float]:
    """best[k]: the earliest arrival at the destination using at most k vehicles."""
    return Reference(feed, rules, window_days).earliest(q, max_rides)


def pareto(best: list[float]) -> list[tuple[int, int]]:
    """(arrival, vehicles) for each number of vehicles that arrives strictly earlier than fewer."""
    front, so_far = [], INF
    for k, arrival in enumerate(best):
        if arrival < so_far:
            front.append((arrival, k))
            so_far = arrival
    return front


def before_end(journeys: list[raptor.RawJourney], window_days: int) -> list[raptor.RawJourney]:
    return [j for j in journeys if j.arr_s < window_days * DAY_S]


# --------------------------------------------------------------------- checking journeys


def check_journey(tt, origin: raptor.Endpoint, dest: raptor.Endpoint, journey: raptor.RawJourney,
                  depart_s: int | None, ref: Reference | None = None) -> None:
    """A journey is something one can actually do: real trips, real walks, no time travel.

    With ``ref``, every change between two vehicles (at one stop, or by a walk between two) obeys the
    rule the reference chooses for the two trips: allowed, a walk taking its time, a wait at least its
    time; without, the timetable's change times and footpaths (the stop-only rules)."""
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

    def change_s(arriving: raptor.RawLeg, departing: raptor.RawLeg) -> int | None:
        """The reference's time from alighting ``arriving`` to boarding ``departing`` (None: not allowed)."""
        runs = []
        for leg, pos, alighting in ((arriving, arriving.alight_pos, True), (departing, departing.board_pos, False)):
            trip_id, route_id = tt.patterns[leg.pattern].trip_at(leg.trip, pos, alighting)
            runs.append(Run(trip_id, route_id, DAY, (), True))
        return ref.transfer_s(tt.stop_ids[arriving.to_stop], tt.stop_ids[departing.from_stop], *runs)

    legs = journey.legs
    assert legs and legs[0].dep_s == journey.dep_s and legs[-1].arr_s == journey.arr_s
    assert legs[0].from_stop is None and legs[-1].to_stop is None
    if depart_s is not None:
        assert journey.dep_s >= depart_s
    previous = None
    for i, leg in enumerate(legs):
        if previous is not None:
            assert previous.to_stop == leg.from_stop is not None
            wait = tt.change_s[leg.from_stop] if previous.kind == leg.kind == "ride" else 0
            if ref is not None and previous.kind == leg.kind == "ride":
                wait = change_s(previous, leg)
                assert wait is not None, (previous, leg)
            assert leg.dep_s >= previous.arr_s + wait, (previous, leg)
        if ref is not None and leg.kind == "walk" and 0 < i < len(legs) - 1:  # a walk between two vehicles
            assert leg.arr_s - leg.dep_s == change_s(legs[i - 1], legs[i + 1]), (legs[i - 1], leg, legs[i + 1])
            previous = leg
            continue
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

timetable_days = st.sampled_from((2, 2, 3))  # the timetable of the query day and the next, or one more day


@SETTINGS
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules, days=timetable_days)
def test_fastest_arrival_equals_reference(data, feed, rules, days):
    tt = build_timetable(feed, DAY, rules, window_s=(0, days * DAY_S))
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    found = before_end(raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides=6), days)
    ref = Reference(feed, rules, days)
    expected = ref.earliest(q, 6)[-1]
    if expected == INF:
        assert found == []
    else:
        assert found and found[-1].arr_s == expected
        assert found[-1].arr_s == min(j.arr_s for j in found)
    for journey in found:
        check_journey(tt, origin, dest, journey, q.depart_s, ref)


@SETTINGS
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules, max_rides=st.integers(1, 4))
def test_pareto_set_equals_reference(data, feed, rules, max_rides):
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    found = before_end(raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides=max_rides), 2)
    assert [(j.arr_s, j.rides) for j in found] == pareto(reference(feed, rules, q, max_rides))


@SETTINGS
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules)
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
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules, max_rides=st.sampled_from((1, 2, 8)))
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
    ref = Reference(feed, rules)
    for journey in journeys:
        check_journey(tt, origin, dest, journey, start, ref)
    assert_profile_matches(tt, origin, dest, journeys, range(start, end + 1, 60 * max(1, (end - start) // 1800)),
                           max_rides)


@SETTINGS
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules, max_rides=st.integers(2, 4))
def test_rules_naming_the_trips_of_a_change_as_the_reference(data, feed, rules, max_rides):
    """Rules naming routes or trips matter only where riders change between those: so, after the router
    answers a query, 1-3 rules (types 0-3, ranks 1-5, on the stops or their station) name the trips or
    routes of changes its journeys make. Then, on the feed with them: the Pareto set equals the reference's,
    every journey is doable as the rules allow, a deadline at the earliest arrival keeps it (arrive-by's
    probes, with the tight bounds) and a profile gives at each minute what single queries give."""
    tt = build_timetable(feed, DAY, rules)
    q = data.draw(queries(feed))
    origin, dest = endpoints(tt, q)
    changes = []
    for journey in raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides):
        rides = [leg for leg in journey.legs if leg.kind == "ride"]
        for a, b in zip(rides, rides[1:]):
            from_trip, from_route = tt.patterns[a.pattern].trip_at(a.trip, a.alight_pos, True)
            to_trip, to_route = tt.patterns[b.pattern].trip_at(b.trip, b.board_pos, False)
            changes.append((tt.stop_ids[a.to_stop], tt.stop_ids[b.from_stop], from_trip, from_route, to_trip, to_route))
    for _ in range(data.draw(st.integers(1, 3)) if changes else 0):
        p, q_stop, from_trip, from_route, to_trip, to_route = data.draw(st.sampled_from(changes))
        sides = {}
        while not any(sides.values()):
            for side, trip_id, route_id in (("from", from_trip, from_route), ("to", to_trip, to_route)):
                named = data.draw(st.sampled_from(((trip_id, ""), ("", route_id), (trip_id, route_id), ("", ""))))
                sides |= {f"{side}_trip": named[0], f"{side}_route": named[1]}
        station = {stop: "STATION" if feed.stops[stop].parent_id == "STATION" and data.draw(st.booleans()) else stop
                   for stop in (p, q_stop)}
        kind = data.draw(st.integers(0, 3))
        _add_rule(feed, TransferRule(station[p], station[q_stop], type=kind,
                                     min_s=data.draw(st.integers(0, 40)) * 30 if kind == 2 else None, **sides))
    tt = build_timetable(feed, DAY, rules)
    origin, dest = endpoints(tt, q)
    ref = Reference(feed, rules)
    best = ref.earliest(q, max_rides)
    found = before_end(raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides), 2)
    assert [(j.arr_s, j.rides) for j in found] == pareto(best)
    for journey in found:
        check_journey(tt, origin, dest, journey, q.depart_s, ref)
    if best[-1] < INF:
        probe = raptor.search(tt, origin, dest, q.depart_s, max_rides, arrive_by_s=int(best[-1]),
                              lower=raptor.tight_lower_bounds(tt, dest))
        assert probe.journeys and probe.journeys[-1].arr_s == best[-1]
    journeys = raptor.profile(tt, origin, dest, q.depart_s, 2 * DAY_S, max_rides)
    for journey in journeys:
        check_journey(tt, origin, dest, journey, q.depart_s, ref)
    assert_profile_matches(tt, origin, dest, journeys, range(q.depart_s, q.depart_s + 4 * 3600, 600), max_rides)


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


# --------------------------------------------------------------------- the reference on hand-made cases


CASES = Path(__file__).resolve().parent / "fixtures" / "cases"


def _line(feed: Feed, stops: str, route_id: str = "R") -> None:
    for i, sid in enumerate(stops):
        if sid not in feed.stops:
            feed.stops[sid] = Stop(sid, sid, BASE_LAT + i * 0.05, BASE_LON)
    feed.services.setdefault("daily", SERVICES["daily"])
    feed.routes.setdefault(route_id, Route(route_id, route_id, "", 3))


def _trip(feed: Feed, trip_id: str, route_id: str, *calls: tuple[str, int], block_id: str = "",
          service: str = "daily") -> None:
    feed.trips[trip_id] = Trip(trip_id, route_id, service, block_id=block_id)
    feed.stop_times[trip_id] = [StopTime(stop, minute * 60, minute * 60) for stop, minute in calls]


def _stops_query(feed: Feed, origin: str, dest: str, depart_min: int) -> Query:
    return Query([(origin, 0)], [(dest, 0)], None, depart_min * 60, feed.stops[dest].lat, feed.stops[dest].lon)


NO_WALK = WalkRules(max_walk_m=0)


def test_reference_ranks_rules_as_the_gtfs_reference_does():
    """"1. Both trip_ids defined ... 6. Only from_stop_id and to_stop_id defined": at X, each pair of
    trips gets the most specific rule that applies to it; a platform beats its station."""
    feed = Feed()
    _line(feed, "AXB")
    for route_id in ("R1", "R2", "R3"):
        feed.routes[route_id] = Route(route_id, route_id, "", 3)
    _trip(feed, "r1", "R1", ("A", 480), ("X", 490))
    _trip(feed, "r1b", "R1", ("A", 481), ("X", 491))
    _trip(feed, "r2", "R2", ("X", 500), ("B", 510))
    _trip(feed, "r2b", "R2", ("X", 501), ("B", 511))
    _trip(feed, "r3", "R3", ("X", 502), ("B", 512))
    rules = [TransferRule("X", "X", type=3), TransferRule("X", "X", from_route="R1", type=2, min_s=60),
             TransferRule("X", "X", from_route="R1", to_route="R2", type=2, min_s=120),
             TransferRule("X", "X", from_trip="r1", type=2, min_s=180),
             TransferRule("X", "X", from_trip="r1", to_route="R2", type=2, min_s=240),
             TransferRule("X", "X", from_route="R1", from_trip="r1", to_trip="r2", type=2, min_s=300)]
    feed.transfer_rules = rules[::-1]  # the file's order does not matter
    ref = Reference(feed, NO_WALK)
    runs_of = {run.trip_id: run for run in ref.runs if run.service_day == DAY}

    def chosen(a: str, b: str) -> int | None:
        rule = ref.rule("X", "X", runs_of[a], runs_of[b])
        return rule.min_s if rule is not None and rule.type == 2 else None

    assert rank(rules[-1]) == 1  # "from_trip_id will take precedence" over from_route_id
    assert chosen("r1", "r2") == 300  # rank 1
    assert chosen("r1", "r2b") == 240  # rank 2: r1 and route 2
    assert chosen("r1", "r3") == 180  # rank 3: r1
    assert chosen("r1b", "r2") == 120  # rank 4: routes 1 and 2
    assert chosen("r1b", "r3") == 60  # rank 5: route 1
    assert ref.rule("X", "X", runs_of["r2"], runs_of["r3"]).type == 3  # rank 6: no change of vehicle
    assert ref.transfer_s("X", "X", runs_of["r2"], runs_of["r3"]) is None
    # a platform beats its station, whatever the order
    feed = Feed()
    _line(feed, "PQ")
    feed.stops["P"] = dataclasses.replace(feed.stops["P"], parent_id="ST")
    feed.stops["Q"] = dataclasses.replace(feed.stops["Q"], parent_id="ST")
    feed.stops["ST"] = Stop("ST", "station", BASE_LAT, BASE_LON, location_type=1)
    feed.children = {"ST": ("P", "Q")}
    feed.transfer_rules = [TransferRule("ST", "ST", type=2, min_s=300), TransferRule("P", "P", type=1),
                           TransferRule("ST", "Q", type=3)]
    ref = Reference(feed, WalkRules())
    # at P the platform's own rule (timed: no wait); at Q "ST to Q" (one platform named) forbids changing,
    # and walking P -> Q; Q -> P has only the station's rule: beyond the longest walk, its 300 s
    assert ref.wait == {"P": 0} and ref.foot == {"P": {}, "Q": {"P": 300}}


def test_reference_stays_seated_in_case_02():
    """blue1 A 12:01 -> C 12:15 runs on as red1 C 12:18 -> E 12:30 (block K1 and a type-4 row): one vehicle,
    although the stop-wide rule at C asks 5 minutes to change (red2 at 12:48 would be the change)."""
    feed = read_feed(CASES / "gtfs" / "02-block-stay-seated")
    q = _stops_query(feed, "A", "E", 11 * 60 + 55)
    assert reference(feed, NO_WALK, q, 2) == [INF, 12 * 3600 + 1800, 12 * 3600 + 1800]
    # without the type-4 row the block alone keeps them one vehicle; a type-5 row parts them
    feed.transfer_rules = [r for r in feed.transfer_rules if r.type != 4]
    assert reference(feed, NO_WALK, q, 2)[1] == 12 * 3600 + 1800
    feed.transfer_rules.append(TransferRule("C", "C", from_trip="blue1", to_trip="red1", type=5))
    assert reference(feed, NO_WALK, q, 2) == [INF, INF, 13 * 3600]  # change at C: 5 minutes, so red2
    # a trip linked elsewhere by transfers.txt takes its continuations from there, not from the block
    feed.transfer_rules = [r for r in feed.transfer_rules if r.type != 5]
    feed.transfer_rules.append(TransferRule(from_trip="blue1", to_trip="red2", type=4))
    assert reference(feed, NO_WALK, q, 2) == [INF, 13 * 3600, 13 * 3600]


def test_reference_continues_type_4_on_the_next_service_day():
    """A night trip arriving at 23:50 continues as a trip timetabled at 05:00, the next day's ("The last
    arrival time of from_trip_id MAY be later than the first departure time of to_trip_id in case the
    to_trip_id trip is occurring the subsequent service day"); only on days both run."""
    feed = Feed()
    _line(feed, "ABC")
    feed.services["wednesday"] = SERVICES["wednesday"]
    _trip(feed, "night", "R", ("A", 23 * 60), ("B", 23 * 60 + 50))
    _trip(feed, "morning", "R", ("B", 5 * 60), ("C", 5 * 60 + 30), service="wednesday")
    feed.transfer_rules = [TransferRule("B", "B", type=3), TransferRule(from_trip="night", to_trip="morning", type=4)]
    q = _stops_query(feed, "A", "C", 22 * 60)
    assert reference(feed, NO_WALK, q, 1) == [INF, DAY_S + 5 * 3600 + 1800]  # Tuesday night -> Wednesday 05:30
    q = _stops_query(feed, "A", "C", 22 * 60 - DAY_S // 60)  # leaving Monday night: Tuesday has no morning trip
    assert reference(feed, NO_WALK, q, 3) == [INF] + [DAY_S + 5 * 3600 + 1800] * 3  # so Tuesday night's
    # a to-trip leaving after the from-trip arrives is the same service day's, or none: not the next day's
    feed, query, window_days = _overnight_only_when_leaving_before_arriving()
    assert reference(feed, NO_WALK, query, 2, window_days=window_days) == [INF, INF, INF]


def test_reference_runs_services_of_one_day_only_on_that_day():
    feed = Feed()
    _line(feed, "AB")
    for service in ("yesterday-only", "today-only", "tomorrow-only"):
        feed.services[service] = SERVICES[service]
    _trip(feed, "y", "R", ("A", 24 * 60 + 10), ("B", 24 * 60 + 20), service="yesterday-only")  # today 00:10
    _trip(feed, "t", "R", ("A", 12 * 60), ("B", 12 * 60 + 10), service="today-only")
    _trip(feed, "n", "R", ("A", 60), ("B", 70), service="tomorrow-only")  # tomorrow 01:00
    ref = Reference(feed, NO_WALK, window_days=3)
    assert {(run.trip_id, run.calls[0][2]) for run in ref.runs} == {
        ("y", 600), ("t", 12 * 3600), ("n", DAY_S + 3600)}
    arrivals = [ref.earliest(_stops_query(feed, "A", "B", minute), 1)[1] for minute in (0, 11, 12 * 60 + 1)]
    assert arrivals == [1200, 12 * 3600 + 600, DAY_S + 4200]
    assert Reference(feed, NO_WALK, window_days=1).earliest(_stops_query(feed, "A", "B", 12 * 60 + 1), 1)[1] == INF


def test_reference_station_rules_apply_to_its_platforms():
    """Case 03 with a station over X's platforms: "If this field refers to a station, the transfer rule
    applies to all its child stops", so route 3 alone remains."""
    feed = read_feed(CASES / "gtfs" / "03-transfer-type-3")
    feed.stops["X"] = dataclasses.replace(feed.stops["X"], parent_id="XS")
    feed.stops["XS"] = Stop("XS", "Crossing station", feed.stops["X"].lat, feed.stops["X"].lon, location_type=1)
    feed.children = {"XS": ("X",)}
    q = _stops_query(feed, "A", "D", 7 * 60 + 55)
    assert reference(feed, NO_WALK, q, 2) == [INF, 9 * 3600, 9 * 3600]
    feed.transfer_rules = [TransferRule("XS", "XS", type=3)]
    assert reference(feed, NO_WALK, q, 2) == [INF, 9 * 3600, 9 * 3600]
    feed.transfer_rules = [TransferRule("XS", "XS", type=3), TransferRule("X", "X", type=0)]  # the platform wins
    assert reference(feed, NO_WALK, q, 2) == [INF, 9 * 3600, 8 * 3600 + 1500]


def write_gtfs(feed: Feed, folder: Path) -> None:
    """A Feed as GTFS text files."""
    def table(name: str, header: str, rows) -> None:
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header.split(","))
            writer.writerows(rows)

    table("agency.txt", "agency_id,agency_name,agency_url,agency_timezone",
          [("A", "A", "https://a.example", feed.timezone)])
    table("stops.txt", "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station",
          [(s.id, s.name, repr(s.lat), repr(s.lon), s.location_type, s.parent_id) for s in feed.stops.values()])
    table("routes.txt", "route_id,route_short_name,route_long_name,route_type",
          [(r.id, r.short_name, r.long_name, r.route_type) for r in feed.routes.values()])
    table("trips.txt", "route_id,service_id,trip_id,block_id",
          [(t.route_id, t.service_id, t.id, t.block_id) for t in feed.trips.values()])
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
    table("transfers.txt", "from_stop_id,to_stop_id,from_route_id,to_route_id,from_trip_id,to_trip_id,"
                           "transfer_type,min_transfer_time",
          [(r.from_stop, r.to_stop, r.from_route, r.to_route, r.from_trip, r.to_trip, r.type,
            "" if r.min_s is None else r.min_s) for r in feed.transfer_rules])


@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 40))
@given(feed=feeds(trip_rules=True))
def test_random_feeds_survive_writing_and_reading(feed):
    """The same random feeds as GTFS files: read_feed gives back exactly what was written (rules of
    every type and rank, blocks, a station and its platforms)."""
    with tempfile.TemporaryDirectory() as folder:
        write_gtfs(feed, Path(folder))
        read = read_feed(folder)
    assert read.warnings == []
    for name in ("stops", "routes", "trips", "stop_times", "frequencies", "services", "service_exceptions",
                 "children"):
        assert getattr(read, name) == getattr(feed, name), name
    assert [dataclasses.replace(r, line=0) for r in read.transfer_rules] == feed.transfer_rules


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


# --------------------------------------------------------------------- the planner, however many days on


def _stop_query(ref: Reference, rules: WalkRules, origin: str, dest: str, depart_s: int) -> Query:
    """A query between two stops as the planner asks it: the stop itself or a walk to one near it."""
    a, b = ref.feed.stops[origin], ref.feed.stops[dest]
    straight = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters
    return Query([(origin, 0), *ref.foot[origin].items()], [(dest, 0), *ref.foot[dest].items()],
                 rules.walk_s(straight) if straight * rules.walk_circuity <= max(rules.max_walk_m, 0) else None,
                 depart_s, b.lat, b.lon)


@settings(SETTINGS, max_examples=SETTINGS.max_examples // 2)
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules)
def test_planner_reaches_later_days_as_the_reference(data, feed, rules):
    """JourneyPlanner.journeys between two stops, with no time limit: the earliest arrival the reference
    finds over the service days the planner may search (``Options.max_days`` after the day, kept small
    here), however many days later; or no journey in both."""
    stops = sorted(s for s in feed.stops if feed.stops[s].location_type == 0)
    origin, dest = data.draw(st.lists(st.sampled_from(stops), min_size=2, max_size=2, unique=True))
    depart_s = data.draw(st.integers(0, 30 * 60)) * 60
    options = Options(max_walk_m=rules.max_walk_m, min_transfer_s=rules.min_transfer_s, max_rides=6, max_days=3)
    jp = JourneyPlanner(feed, PARAMS)
    ref = Reference(feed, rules, window_days=options.max_days + 2)
    expected = ref.earliest(_stop_query(ref, rules, origin, dest, depart_s), options.max_rides)[-1]
    try:
        journeys = jp.journeys(jp.resolve(origin), jp.resolve(dest), DAY, depart_s, options)
    except NoJourney as exc:
        assert expected == INF, exc.reason
        return
    arrival = round(journeys[0].arr.timestamp() - day_start(feed, DAY).timestamp())
    assert min(arrival, ref.end_s) == expected if expected < INF else arrival >= ref.end_s

@settings(SETTINGS, max_examples=SETTINGS.max_examples // 2)
@given(data=st.data(), feed=feeds(trip_rules=True), rules=walk_rules)
def test_planner_arrives_by_leaving_as_late_as_the_reference_allows(data, feed, rules):
    """JourneyPlanner.arrive_by: a journey arriving by the deadline that leaves at the latest moment the
    reference allows (leaving a second later, nothing arrives in time), however many days before; or none,
    and none in the reference either, leaving as early as two days before."""
    stops = sorted(s for s in feed.stops if feed.stops[s].location_type == 0)
    origin, dest = data.draw(st.lists(st.sampled_from(stops), min_size=2, max_size=2, unique=True))
    deadline = data.draw(st.integers(60, 40 * 60)) * 60
    options = Options(max_walk_m=rules.max_walk_m, min_transfer_s=rules.min_transfer_s, max_rides=6, max_days=3)
    jp = JourneyPlanner(feed, PARAMS)
    ref = Reference(feed, rules, window_days=2, days_before=options.max_days + 1)
    try:
        journey = jp.arrive_by(jp.resolve(origin), jp.resolve(dest), DAY, deadline, options)
    except NoJourney as exc:
        earliest = -(options.max_days - 1) * DAY_S
        assert ref.earliest(_stop_query(ref, rules, origin, dest, earliest), options.max_rides)[-1] > deadline, exc.reason
        return
    start = day_start(feed, DAY).timestamp()
    dep, arr = round(journey.dep.timestamp() - start), round(journey.arr.timestamp() - start)
    assert -options.max_days * DAY_S <= dep <= arr <= deadline
    assert ref.earliest(_stop_query(ref, rules, origin, dest, dep), options.max_rides)[-1] <= deadline
    assert ref.earliest(_stop_query(ref, rules, origin, dest, dep + 1), options.max_rides)[-1] > deadline

def _overnight_only_when_leaving_before_arriving() -> tuple[Feed, Query, int]:
    """evening (today only) A 20:00 -> B 20:30 continues in seat as late (tomorrow only) B 21:00 -> C:
    late leaves after evening arrives, so the link is of one service day, on which late does not run."""
    feed = Feed()
    _line(feed, "ABC")
    feed.services = {"today-only": SERVICES["today-only"], "tomorrow-only": SERVICES["tomorrow-only"]}
    _trip(feed, "evening", "R", ("A", 20 * 60), ("B", 20 * 60 + 30), service="today-only")
    _trip(feed, "late", "R", ("B", 21 * 60), ("C", 21 * 60 + 30), service="tomorrow-only")
    feed.transfer_rules = [TransferRule("B", "B", type=3), TransferRule(from_trip="evening", to_trip="late", type=4)]
    return feed, _stops_query(feed, "A", "C", 19 * 60), 3


def _block_against_a_type_5_elsewhere() -> tuple[Feed, Query, int]:
    """a and b are one block, but transfers.txt links a to c (type 5: the vehicle goes on as c, riders get
    off): "the linked trips transfer shall be used", so no staying on from a into b."""
    feed = Feed()
    _line(feed, "ABCD")
    _trip(feed, "a", "R", ("A", 600), ("B", 610), block_id="K")
    _trip(feed, "b", "R", ("B", 615), ("C", 625), block_id="K")
    _trip(feed, "c", "R", ("B", 640), ("D", 650))
    feed.transfer_rules = [TransferRule("B", "B", type=3), TransferRule("B", "B", from_trip="a", to_trip="c", type=5)]
    return feed, _stops_query(feed, "A", "C", 590), 2


@pytest.mark.parametrize("case", [_overnight_only_when_leaving_before_arriving, _block_against_a_type_5_elsewhere])
def test_router_stays_on_board_only_where_the_reference_says(case):
    """Two in-seat readings the random properties reach rarely, pinned: the router answers as the reference."""
    feed, q, days = case()
    tt = build_timetable(feed, DAY, NO_WALK, window_s=(0, days * DAY_S))
    origin, dest = endpoints(tt, q)
    found = before_end(raptor.earliest_arrival(tt, origin, dest, q.depart_s, max_rides=3), days)
    assert pareto(reference(feed, NO_WALK, q, 3, days)) == []
    assert [(j.arr_s, j.rides) for j in found] == []


def test_the_straight_line_bound_never_exceeds_a_hop_that_takes_no_time():
    """GTFS times are whole seconds, so real feeds have hops that cover ground in 0 s (Cairns has
    thousands): no speed bounds them, and the straight-line bound must then say 0, not 1 s (two such
    hops in a row cover twice the distance of the longest in the same no time)."""
    feed = Feed()
    feed.stops["S"] = Stop("S", "S", 30.67, 104.10)
    feed.stops["A"] = Stop("A", "A", 30.68, 104.10)  # 1.1 km north
    feed.stops["T"] = Stop("T", "T", 30.69, 104.10)  # 1.1 km further
    feed.services = {"daily": SERVICES["daily"]}
    feed.routes["R"] = Route("R", "R", "", 3)
    feed.trips["r"] = Trip("r", "R", "daily")
    feed.stop_times["r"] = [StopTime("S", 36000, 36000), StopTime("A", 36000, 36000),
                            StopTime("T", 36000, 36000)]  # 10:00 -> 10:00 -> 10:00
    tt = build_timetable(feed, DAY, WalkRules())
    s, t = tt.index["S"], tt.index["T"]
    dest = raptor.Endpoint(((t, 0, 0),), 30.69, 104.10)
    assert raptor._lower_bounds(tt, dest)[s] == 0  # the ride really takes 0 s
    origin = raptor.Endpoint(((s, 0, 0),), 30.67, 104.10)
    assert [(j.arr_s, j.rides) for j in raptor.earliest_arrival(tt, origin, dest, 35000)] == [(36000, 1)]
