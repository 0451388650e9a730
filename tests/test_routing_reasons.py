"""Every reason a journey planner gives for "no journey" is true of the feed it names.

``assert_reason_true`` has one checker per reason code. Each recomputes the times and facts the reason
states from the :class:`planner.domain.transit.Feed` itself, not from the timetables the planner built:
calendars and exceptions, trips, stop times, frequencies and blocks of every service day in reach,
shifted by the true seconds between service-day starts ("noon minus 12h"), and a brute-force earliest
arrival that tries every boarding of every run, round by round (as the reference of
tests/test_routing_reference.py does). Only the query's ends are taken from the planner: which stops the
origin and the destination reach, and how long the walks take.

Where a feed has transfers.txt rules beyond stop-wide minimum times (rules naming routes or trips, on
random feeds), the earliest arrival is the reference's, which applies them all. Elsewhere, where a feed has
such rules or in-seat links other than a block's next trip, the brute force relaxes (every change takes no
time, every in-seat pairing may be ridden on), so it gives a lower bound on the earliest arrival: enough
to prove "nothing arrives by".

The reasons are asked for on hand-made feeds (one per reason), on Google's sample feed, on our feed,
and on random feeds whenever the planner finds nothing.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.paths import bundled_data_dir
from planner.domain.transit import Feed, Route, Service, Stop, StopTime, TransferRule, Trip
from planner.messages import describe
from planner.sources.datafiles import load_params
from planner.sources.gtfs import read_feed
from planner.routing.journeys import JourneyPlanner, NoJourney, Options
from planner.routing.timetable import WalkRules
from planner.messages.reasons import TEMPLATES

INF = float("inf")
ONE_DAY = dt.timedelta(days=1)
HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    """A test module beside this one (pytest imports tests by path, not as a package)."""
    spec = importlib.util.spec_from_file_location(f"_reasons_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_reference = _sibling("test_routing_reference")  # its random feeds, its day and its settings
DAY, SETTINGS, feeds = _reference.DAY, _reference.SETTINGS, _reference.feeds
SAMPLE = HERE / "fixtures" / "gtfs" / "sample_gtfs.zip"
PARAMS, _ = load_params(bundled_data_dir() / "network.yaml")


# --------------------------------------------------------------------- the feed, independently


def services_on(feed: Feed, day: dt.date) -> set[str]:
    running = {s.id for s in feed.services.values() if s.start <= day <= s.end and s.weekdays[day.weekday()]}
    for (service_id, date), added in feed.service_exceptions.items():
        if date == day:
            (running.add if added else running.discard)(service_id)
    return running


def start_of(feed: Feed, day: dt.date) -> dt.datetime:
    """GTFS: times are "measured from 'noon minus 12h' of the service day"."""
    return dt.datetime.combine(day, dt.time(12), feed.zone) - dt.timedelta(hours=12)


def shift_s(feed: Feed, day: dt.date, other: dt.date) -> int:
    return round(start_of(feed, other).timestamp() - start_of(feed, day).timestamp())


def seconds_of(feed: Feed, day: dt.date, iso: str) -> int:
    """An ISO date-time a reason names, as seconds of ``day``'s service day."""
    return round(dt.datetime.fromisoformat(iso).timestamp() - start_of(feed, day).timestamp())


@dataclass
class Run:
    trip_id: str
    service_day: dt.date
    calls: list[tuple[str, int, int, bool, bool]]  # (stop, arrival, departure, board?, alight?) in the day's base


def runs(feed: Feed, day: dt.date, first: dt.date, last: dt.date) -> list[Run]:
    """Every run of every service day from ``first`` to ``last``, times in ``day``'s base."""
    found = []
    d = first
    while d <= last:
        running, offset = services_on(feed, d), shift_s(feed, day, d)
        for trip_id, times in feed.stop_times.items():
            if feed.trips[trip_id].service_id not in running:
                continue
            shifts = [0]
            if trip_id in feed.frequencies:
                shifts = [start - times[0].departure_s for f in feed.frequencies[trip_id]
                          for start in range(f.start_s, f.end_s, f.headway_s)]
            for shift in shifts:
                found.append(Run(trip_id, d, [(t.stop_id, t.arrival_s + shift + offset, t.departure_s + shift + offset,
                                               t.pickup_type != 1, t.drop_off_type != 1) for t in times]))
        d += ONE_DAY
    return found


def exact_rule(feed: Feed, rule: TransferRule) -> bool:
    """A rule the brute force below follows exactly: a minimum time between two platforms."""
    return (rule.type == 2 and not (rule.from_route or rule.to_route or rule.from_trip or rule.to_trip)
            and feed.stops.get(rule.from_stop, Stop("", "", 0, 0, location_type=1)).location_type == 0
            and feed.stops.get(rule.to_stop, Stop("", "", 0, 0, location_type=1)).location_type == 0)


def exact(feed: Feed) -> bool:
    """Whether the brute force below is exact for ``feed``: no transfers.txt rule but minimum times
    between platforms (blocks are followed exactly)."""
    return all(exact_rule(feed, rule) for rule in feed.transfer_rules)


def station_of(feed: Feed, stop_id: str) -> str:
    stop = feed.stops.get(stop_id)
    return (stop.parent_id or stop_id) if stop is not None else stop_id


def continuations(feed: Feed, all_runs: list[Run], relax: bool = True) -> dict[int, list[int]]:
    """Run index -> runs the rider may stay on board into: the block's next trip on the same service day
    (from where it ended, no earlier than it arrived); with transfers.txt links and ``relax``, any pairing
    they name, on the same day or the next (a relaxation)."""
    follows: dict[int, list[int]] = {}
    by_block: dict[tuple[str, dt.date], list[int]] = {}
    for i, run in enumerate(all_runs):
        block = feed.trips[run.trip_id].block_id
        if block and run.trip_id not in feed.frequencies:
            by_block.setdefault((block, run.service_day), []).append(i)
    for members in by_block.values():  # "defined by shared service days and block_id"
        members.sort(key=lambda i: all_runs[i].calls[0][2])
        for a, b in zip(members, members[1:]):
            ra, rb = all_runs[a], all_runs[b]
            if station_of(feed, ra.calls[-1][0]) == station_of(feed, rb.calls[0][0]) and \
                    ra.calls[-1][1] <= rb.calls[0][2]:
                follows.setdefault(a, []).append(b)
    linked = {(r.from_trip, r.to_trip) for r in feed.transfer_rules if r.type == 4}
    if relax and (linked or not exact(feed)):  # relax: any pair of one block, any type 4 pairing, a day apart at most
        for i, ra in enumerate(all_runs):
            for j, rb in enumerate(all_runs):
                same_block = feed.trips[ra.trip_id].block_id and \
                    feed.trips[ra.trip_id].block_id == feed.trips[rb.trip_id].block_id
                if i != j and (same_block or (ra.trip_id, rb.trip_id) in linked) and \
                        0 <= (rb.service_day - ra.service_day).days <= 1:
                    follows.setdefault(i, []).append(j)
    return follows


_WALKS: dict[tuple[int, float], tuple[dict[str, dict[str, int]], dict[str, int]]] = {}


def walks(feed: Feed, options: Options) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Footpaths {a: {b: seconds}} and change times {stop: seconds} (relaxed to 0 unless exact)."""
    max_walk = PARAMS.max_walk_m if options.max_walk_m is None else options.max_walk_m
    key = (id(feed), max_walk, options.min_transfer_s, len(feed.transfer_rules))
    if key not in _WALKS:
        _WALKS[key] = _walks(feed, options, max_walk)
    return _WALKS[key]


def _walks(feed: Feed, options: Options, max_walk: float) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    stops = [s for s in feed.stops.values() if s.location_type == 0]
    paths: dict[str, dict[str, int]] = {s.id: {} for s in stops}
    if max_walk > 0:
        for a in stops:
            for b in stops:
                if abs(a.lat - b.lat) > 0.05 or abs(a.lon - b.lon) > 0.05:  # over 4 km: too far, geodesics are slow
                    continue
                straight = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters
                if a.id != b.id and straight <= max_walk / PARAMS.walk_circuity:
                    paths[a.id][b.id] = round(straight * PARAMS.walk_circuity / PARAMS.walk_speed_m_s)
    change = {s.id: 0 for s in stops}
    if exact(feed):
        for r in feed.transfer_rules:
            if r.from_stop == r.to_stop and r.from_stop in change and options.min_transfer_s is None:
                change[r.from_stop] = r.min_s or 0
            elif max_walk > 0 and r.from_stop in paths and r.to_stop in paths and r.from_stop != r.to_stop:
                paths[r.from_stop][r.to_stop] = max(r.min_s or 0, paths[r.from_stop].get(r.to_stop, 0))
        if options.min_transfer_s is not None:
            change = {s: options.min_transfer_s for s in change}
    else:  # relaxed: every stop pair a rule of types 0-2 names may be walked, in no time (3 makes no walk)
        for r in feed.transfer_rules:
            if r.type > 2:
                continue
            for a in feed.platforms_of(r.from_stop):
                for b in feed.platforms_of(r.to_stop):
                    if a != b and max_walk > 0:
                        paths[a][b] = 0
    return paths, change


def earliest(feed: Feed, options: Options, day: dt.date, access: dict[str, int], egress: dict[str, int],
             depart_s: int, first: dt.date, last: dt.date, max_rides: int = 8, begin_before: float = INF) -> float:
    """The earliest arrival over the runs of the service days ``first``..``last`` that begin before
    ``begin_before``, leaving at ``depart_s`` (all in ``day``'s base), by brute force: when the feed is not
    :func:`exact`, the reference's that applies every rule (on its day), else a lower bound."""
    if not exact(feed) and day == DAY:
        return rule_aware_earliest(feed, options, access, egress, depart_s, first, last, max_rides, begin_before)
    all_runs = [run for run in runs(feed, day, first, last) if run.calls[0][2] < begin_before]
    follows = continuations(feed, all_runs)
    paths, change = walks(feed, options)
    ready = {stop: depart_s + secs for stop, secs in access.items()}
    best = INF
    for _ in range(max_rides):
        alight: dict[str, float] = {}
        on_board = [False] * len(all_runs)
        for i, run in enumerate(all_runs):
            for pos, (stop, arr, dep, board, leave) in enumerate(run.calls):
                if on_board[i] and leave:
                    alight[stop] = min(alight.get(stop, INF), arr)
                if board and pos < len(run.calls) - 1 and ready.get(stop, INF) <= dep:
                    on_board[i] = True
        settled = False
        while not settled:  # staying on board into the runs the vehicle continues as
            settled = True
            for i, nexts in follows.items():
                for j in nexts:
                    if on_board[i] and not on_board[j]:
                        on_board[j], settled = True, False
                        for stop, arr, _, _, leave in all_runs[j].calls[1:]:
                            if leave:
                                alight[stop] = min(alight.get(stop, INF), arr)
        for stop, arr in alight.items():
            ready[stop] = min(ready.get(stop, INF), arr + change.get(stop, 0))
            best = min(best, arr + egress.get(stop, INF))
            for other, secs in paths.get(stop, {}).items():
                ready[other] = min(ready.get(other, INF), arr + secs)
                best = min(best, arr + secs + egress.get(other, INF))
    return best


def rule_aware_earliest(feed: Feed, options: Options, access: dict[str, int], egress: dict[str, int],
                        depart_s: int, first: dt.date, last: dt.date, max_rides: int, begin_before: float = INF,
                        ) -> float:
    """:func:`earliest` by the reference of tests/test_routing_reference.py, which applies every
    transfers.txt rule (of its day, :data:`DAY`): over the runs of ``first``..``last`` that begin before
    ``begin_before``, with no end."""
    max_walk = PARAMS.max_walk_m if options.max_walk_m is None else round(options.max_walk_m)
    min_transfer = None if options.min_transfer_s is None else round(options.min_transfer_s)
    rules = WalkRules(PARAMS.walk_speed_m_s, PARAMS.walk_circuity, max_walk, min_transfer)
    ref = _reference.Reference(feed, rules, window_days=(last - DAY).days, days_before=(DAY - first).days)
    ref.end_s = INF
    if begin_before < INF:
        ref.runs = [run for run in ref.runs if run.calls[0][2] < begin_before]
        ref.links = _reference.in_seat_links(feed, ref.runs)
    query = _reference.Query(list(access.items()), list(egress.items()), None, depart_s, 0.0, 0.0)
    return float(ref.earliest(query, max_rides)[-1])


def boardings(feed: Feed, day: dt.date, access: dict[str, int], first: dt.date, last: dt.date) -> list[int]:
    """When leaving the origin catches a vehicle (a pickup with a drop-off later, on its trip or on the
    block's next trips it runs on as, staying on board), ``day``'s base, sorted."""
    all_runs = runs(feed, day, first, last)
    follows = continuations(feed, all_runs, relax=False)  # (the random feeds keep no type 4: blocks only)
    sets_down: dict[int, bool] = {}  # run -> whether a rider on board at its first call may get off later

    def on_board_after(i: int, seen: frozenset[int] = frozenset()) -> bool:
        if i not in sets_down:
            sets_down[i] = any(c[4] for c in all_runs[i].calls[1:]) or any(
                on_board_after(j, seen | {i}) for j in follows.get(i, ()) if j not in seen)
        return sets_down[i]

    times = set()
    for i, run in enumerate(all_runs):
        for pos, (stop, _, dep, board, _) in enumerate(run.calls):
            if stop in access and board and (any(c[4] for c in run.calls[pos + 1:]) or (
                    pos < len(run.calls) - 1 and any(on_board_after(j) for j in follows.get(i, ())))):
                times.add(dep - access[stop])
    return sorted(times)


def linked_at_all(feed: Feed, options: Options, access: dict[str, int], egress: dict[str, int]) -> bool:
    """Whether any trips of any service, with walks between them and in-seat links, lead from the origin's
    stops to the destination's (times and calendars aside)."""
    paths, _ = walks(feed, options)
    continues: dict[str, set[str]] = {}  # a block's trips continue as those that leave where they end
    for trip in feed.trips.values():
        for other in feed.trips.values():
            if trip.block_id and trip.block_id == other.block_id and trip.id != other.id and \
                    trip.id in feed.stop_times and other.id in feed.stop_times and \
                    station_of(feed, feed.stop_times[trip.id][-1].stop_id) == \
                    station_of(feed, feed.stop_times[other.id][0].stop_id):
                continues.setdefault(trip.id, set()).add(other.id)
    for r in feed.transfer_rules:
        if r.type == 4:
            continues.setdefault(r.from_trip, set()).add(r.to_trip)
    boardable = set(access)
    changed = True
    while changed:
        changed = False
        on_board: set[str] = set()
        for trip_id, times in feed.stop_times.items():
            if any(t.stop_id in boardable and t.pickup_type != 1 for t in times[:-1]):
                on_board.add(trip_id)
        grew = True
        while grew:
            more = {n for t in on_board for n in continues.get(t, ())} - on_board
            grew = bool(more)
            on_board |= more
        for trip_id in on_board:
            times = feed.stop_times.get(trip_id, [])
            firsts = [i for i, t in enumerate(times) if t.stop_id in boardable and t.pickup_type != 1]
            # boarded: off after the first boarding; stayed on board into it: off after its first call
            for t in times[min(firsts, default=0) + 1:]:
                if t.drop_off_type != 1:
                    for stop in {t.stop_id, *paths.get(t.stop_id, {})}:
                        if stop in egress:
                            return True
                        if stop not in boardable:
                            boardable.add(stop)
                            changed = True
    return False


# --------------------------------------------------------------------- the checkers


def ends(planner: JourneyPlanner, origin: str, dest: str, day: dt.date, options: Options):
    """The query's ends as the planner links them: {stop id: walk seconds} from the origin and to the destination."""
    tt = planner.timetable(day, options)
    rules = planner.rules(options)
    a, b = planner.resolve(origin), planner.resolve(dest)
    source, target = planner.endpoint(tt, a, b, rules), planner.endpoint(tt, b, a, rules)

    def by_id(links):
        found: dict[str, int] = {}
        for stop, secs, _ in links:
            found[tt.stop_ids[stop]] = min(secs, found.get(tt.stop_ids[stop], secs))
        return found

    return by_id(source.links), by_id(target.links), source.direct_walk


def assert_reason_true(planner: JourneyPlanner, error: NoJourney, origin: str, dest: str, day: dt.date,
                       when_s: int, options: Options = Options()) -> None:
    """The reason ``error`` gives for the query (leaving at, or arriving by, ``when_s`` of ``day``) is
    true of ``planner.feed``, with every time it names; and it can be said in both languages."""
    feed, p = planner.feed, error.params
    assert error.code in TEMPLATES and describe(error, "en") and describe(error, "zh")
    for word in ("Chengdu", "feeder", "metro", "evening"):
        assert word not in describe(error, "en"), describe(error, "en")
    span = feed.date_range()
    if error.code == "too_far_to_walk":
        point = planner.resolve(p["point"])
        max_walk = PARAMS.max_walk_m if options.max_walk_m is None else options.max_walk_m
        assert p["max_walk_m"] == round(max_walk)
        if point.kind not in ("stop", "station") or not feed.platforms_of(point.id):
            assert all(geodesic((point.lat, point.lon), (s.lat, s.lon)).meters * PARAMS.walk_circuity > max_walk
                       for s in feed.stops.values() if s.location_type == 0)
        return
    access, egress, direct = ends(planner, origin, dest, day, options)
    assert direct is None, "walking all the way always goes"
    if error.code == "no_service_on_date":
        assert p["date"] == day.isoformat()
        assert (p["feed_start"], p["feed_end"]) == ((span[0].isoformat(), span[1].isoformat()) if span else (None, None))
        since, until = dt.date.fromisoformat(p["searched_from"]), dt.date.fromisoformat(p["searched_until"])
        assert since <= day <= until
        # no run of any service reaches the days searched: none of the day before runs past its end ...
        assert all(max(c[1] for c in run.calls) < 0 for run in runs(feed, since, since - ONE_DAY, since - ONE_DAY))
        # ... and no trip runs on them
        assert not runs(feed, since, since, until)
    elif error.code == "not_connected":
        assert (p["origin"], p["dest"]) == (origin, dest)
        assert not linked_at_all(feed, options, access, egress)
    elif error.code == "after_last_departure":
        depart = seconds_of(feed, day, p["depart_at"])
        assert depart == when_s
        last = None if p["last_departure_at"] is None else seconds_of(feed, day, p["last_departure_at"])
        after = None if p["next_departure_at"] is None else seconds_of(feed, day, p["next_departure_at"])
        low = dt.date.fromisoformat((p["last_departure_at"] or p["depart_at"])[:10]) - 3 * ONE_DAY
        high = span[1] if after is None else dt.date.fromisoformat(p["next_departure_at"][:10]) + ONE_DAY
        times = boardings(feed, day, access, max(low, span[0] - ONE_DAY), high)
        # nothing leaves near the origin from the query until the next departure (or ever)
        assert not [t for t in times if depart <= t < (INF if after is None else after)]
        if after is not None:
            assert after in times, "the next departure is a real boarding"
        later_than_last = [t for t in times if (last if last is not None else -INF) < t < depart]
        if last is not None:
            assert last in times and last < depart, "the last departure is a real boarding before the query"
            assert not later_than_last, "and the latest one"
        elif low > span[0] - ONE_DAY:
            assert not later_than_last
    elif error.code == "none_before_feed_end":
        depart = seconds_of(feed, day, p["depart_at"])
        assert depart == when_s and p["feed_end"] == span[1].isoformat()
        assert [t for t in boardings(feed, day, access, day - ONE_DAY, span[1]) if t >= depart], \
            "something leaves near the origin after the query"
        assert earliest(feed, options, day, access, egress, depart, day - ONE_DAY, span[1], options.max_rides) == INF
    elif error.code == "search_limit":
        depart = seconds_of(feed, day, p["depart_at"])
        until = seconds_of(feed, day, p["searched_until_at"])
        until_day = dt.date.fromisoformat(p["searched_until_at"][:10])
        assert depart == when_s
        if p.get("max_rides") is not None:
            assert p["max_rides"] == options.max_rides
        else:
            assert p["max_days"] == options.max_days and until_day - day >= options.max_days * ONE_DAY
            # trips run beyond the days searched (the last of them, only partly searched, included)
            assert runs(feed, day, until_day - ONE_DAY, span[1])
        # nothing (with at most max_rides vehicles) that begins before the search's end arrives before it
        assert earliest(feed, options, day, access, egress, depart, day - ONE_DAY, until_day, options.max_rides,
                        begin_before=until) >= until
    elif error.code == "none_arrives_by":
        deadline = seconds_of(feed, day, p["arrive_by_at"])
        since = seconds_of(feed, day, p["searched_from_at"])
        assert deadline == when_s and p["date"] == day.isoformat()
        first_day = dt.date.fromisoformat(p["searched_from_at"][:10])
        assert day - first_day <= options.max_days * ONE_DAY
        last_day = first_day + options.max_days * ONE_DAY  # a first arrival is looked for in those service days
        if p["first_arrival_at"] is not None:  # (and all runs that could arrive before it)
            last_day = max(last_day, dt.date.fromisoformat(p["first_arrival_at"][:10]) + ONE_DAY)
        found = earliest(feed, options, day, access, egress, since, first_day - ONE_DAY, last_day, options.max_rides)
        assert found > deadline, "nothing leaving in the days searched arrives by the deadline"
        if p["first_arrival_at"] is not None:
            first_arrival = seconds_of(feed, day, p["first_arrival_at"])
            if exact(feed) or day == DAY:  # (on DAY, the reference's, exact whatever the rules)
                assert first_arrival == found, "the first arrival is the earliest there is"
            else:
                assert first_arrival >= found
        else:
            assert found == INF, "nothing arrives, leaving in the days searched"
    else:
        raise AssertionError(f"no checker for {error.code}")


def reason_for(planner: JourneyPlanner, origin: str, dest: str, day: dt.date, when_s: int,
               options: Options = Options(), arrive_by: bool = False) -> NoJourney:
    a, b = planner.resolve(origin), planner.resolve(dest)
    with pytest.raises(NoJourney) as caught:
        if arrive_by:
            planner.arrive_by(a, b, day, when_s, options)
        else:
            planner.journeys(a, b, day, when_s, options)
    assert_reason_true(planner, caught.value, origin, dest, day, when_s, options)
    return caught.value


# --------------------------------------------------------------------- hand-made feeds, one per reason


def small_feed(trips: dict[str, tuple[str, list[tuple[str, int]]]], services: dict[str, Service] | None = None,
               stops: str = "ABCDE") -> Feed:
    """Stops A, B, C ... 5.5 km apart on a line; trips {id: (service, [(stop, minute of the day)])}."""
    feed = Feed(source="hand-made")
    for i, sid in enumerate(stops):
        feed.stops[sid] = Stop(sid, sid, 30.60 + i * 0.05, 104.0)
    feed.services = services or {"daily": Service("daily", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31))}
    feed.routes["R"] = Route("R", "R", "", 3)
    for trip_id, (service, calls) in trips.items():
        feed.trips[trip_id] = Trip(trip_id, "R", service)
        feed.stop_times[trip_id] = [StopTime(stop, minute * 60, minute * 60) for stop, minute in calls]
    return feed


def planner_of(feed: Feed) -> JourneyPlanner:
    return JourneyPlanner(feed, PARAMS)


NO_WALK = Options(max_walk_m=0)


def test_no_service_on_date_is_said_only_when_no_run_reaches_the_day():
    saturday = Service("saturday", (False,) * 5 + (True, False), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    feed = small_feed({"late": ("saturday", [("A", 24 * 60 + 30), ("C", 25 * 60)]),
                       "early": ("saturday", [("A", 8 * 60), ("C", 9 * 60)])}, {"saturday": saturday})
    jp = planner_of(feed)
    sunday, monday = dt.date(2024, 2, 18), dt.date(2024, 2, 19)
    # Sunday 00:10 has Saturday's 24:30 run (case 01): no reason, a journey
    assert jp.journeys(jp.resolve("A"), jp.resolve("C"), sunday, 600, NO_WALK)[0].dep.isoformat() \
        == "2024-02-18T00:30:00+08:00"
    # Monday: nothing reaches it, and with max_days 4 nothing runs up to Friday
    error = reason_for(jp, "A", "C", monday, 600, Options(max_walk_m=0, max_days=4))
    assert error.code == "no_service_on_date"
    # with the default cap, Saturday's first trip is the answer
    found = jp.journeys(jp.resolve("A"), jp.resolve("C"), monday, 600, NO_WALK)[0]
    assert (found.dep.isoformat(), found.arr.isoformat()) == ("2024-02-24T08:00:00+08:00", "2024-02-24T09:00:00+08:00")
    error = reason_for(jp, "A", "C", dt.date(2025, 3, 1), 600, NO_WALK)  # after the calendar
    assert error.code == "no_service_on_date" and error.params["feed_end"] == "2024-12-31"


def test_too_far_to_walk():
    jp = planner_of(small_feed({"t": ("daily", [("A", 480), ("C", 540)])}))
    error = reason_for(jp, "31.5,104.0", "C", DAY, 8 * 3600)
    assert error.code == "too_far_to_walk" and error.params["point"] == "31.50000,104.00000"


def test_not_connected():
    # A -> B and C -> D run, but nothing goes from the first pair to the second (22 km apart, no walking)
    jp = planner_of(small_feed({"ab": ("daily", [("A", 480), ("B", 500)]), "cd": ("daily", [("C", 480), ("D", 500)])}))
    error = reason_for(jp, "A", "D", DAY, 7 * 3600, NO_WALK)
    assert error.code == "not_connected"
    assert "no vehicles link A to D" in describe(error, "en")
    # a drop-off ban is no link either way: the static links are an over-approximation only of times
    error = reason_for(jp, "B", "A", DAY, 7 * 3600, NO_WALK)
    assert error.code == "not_connected"


def test_after_last_departure_names_the_real_last_and_next_boardings():
    ended = Service("ended", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 2, 13))
    again = Service("again", (True,) * 7, dt.date(2024, 3, 20), dt.date(2024, 3, 31))
    feed = small_feed({
        "first": ("ended", [("B", 6 * 60), ("C", 6 * 60 + 30)]),  # B is its first stop: a departure, not an arrival
        "last": ("ended", [("A", 21 * 60), ("B", 21 * 60 + 20), ("C", 21 * 60 + 40)]),
        "no-pickup": ("ended", [("B", 23 * 60), ("C", 23 * 60 + 30)]),
        "later": ("again", [("B", 7 * 60), ("C", 7 * 60 + 20)]),
    }, {"ended": ended, "again": again})
    feed.stop_times["no-pickup"][0] = StopTime("B", 23 * 60 * 60, 23 * 60 * 60, pickup_type=1)
    jp = planner_of(feed)
    error = reason_for(jp, "B", "C", DAY, 22 * 3600, NO_WALK)
    assert error.code == "after_last_departure"
    assert error.params["last_departure_at"] == "2024-02-13T21:20:00+08:00"  # not 23:00: nobody boards then
    assert error.params["next_departure_at"] == "2024-03-20T07:00:00+08:00"  # beyond the 14 days searched
    assert describe(error, "en") == ("after the last departure: nothing leaves near B after 2024-02-13 22:00 until "
                                     "2024-03-20 07:00; the last left at 2024-02-13 21:20")
    # from C nothing ever leaves (it is every trip's last stop): neither a last nor a next departure
    feed.stop_times["back"] = [StopTime("D", 0, 0), StopTime("E", 600, 600)]
    feed.trips["back"] = Trip("back", "R", "ended")
    error = reason_for(planner_of(feed), "C", "D", DAY, 22 * 3600, NO_WALK)
    assert error.code == "not_connected"


def test_the_last_departure_may_set_down_only_on_the_blocks_next_trip():
    """Found by the random feeds: k0 leaves O at 00:00 and sets down nowhere, but runs on as k1 (one
    block), which does: leaving at 00:01 comes after the last departure, 00:00, a real one."""
    feed = small_feed({"k0": ("today", [("A", 0), ("B", 1)]), "k1": ("today", [("B", 2), ("C", 3)])},
                      {"today": Service("today", (True,) * 7, DAY, DAY)})
    feed.stop_times["k0"][1] = StopTime("B", 60, 60, 0, 1)  # no drop-off at B
    for trip_id in ("k0", "k1"):
        feed.trips[trip_id] = Trip(trip_id, "R", "today", block_id="K")
    error = reason_for(planner_of(feed), "A", "C", DAY, 60, NO_WALK)
    assert (error.code, error.params["last_departure_at"]) == ("after_last_departure", "2024-02-13T00:00:00+08:00")


def test_none_before_feed_end():
    ended = Service("ended", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 2, 14))
    # A -> B runs late, B -> C only in the morning: after the last morning, nothing reaches C
    feed = small_feed({"ab": ("ended", [("A", 22 * 60), ("B", 22 * 60 + 20)]),
                       "bc": ("ended", [("B", 7 * 60), ("C", 7 * 60 + 30)])}, {"ended": ended})
    jp = planner_of(feed)
    found = jp.journeys(jp.resolve("A"), jp.resolve("C"), DAY, 21 * 3600, NO_WALK)[0]  # waits at B overnight
    assert found.arr.isoformat() == "2024-02-14T07:30:00+08:00"
    error = reason_for(jp, "A", "C", DAY + ONE_DAY, 21 * 3600, NO_WALK)
    assert error.code == "none_before_feed_end" and error.params["feed_end"] == "2024-02-14"


def test_search_limit_on_days_and_on_vehicles():
    weekly = Service("sunday", (False,) * 6 + (True,), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    feed = small_feed({"ab": ("daily", [("A", 8 * 60), ("B", 8 * 60 + 20)]),
                       "bc": ("sunday", [("B", 9 * 60), ("C", 9 * 60 + 30)])}, {
        "daily": Service("daily", (True,) * 7, dt.date(2024, 1, 1), dt.date(2024, 12, 31)), "sunday": weekly})
    jp = planner_of(feed)
    found = jp.journeys(jp.resolve("A"), jp.resolve("C"), DAY, 10 * 3600, NO_WALK)[0]  # Tuesday: Sunday's bus
    assert found.arr.isoformat() == "2024-02-18T09:30:00+08:00" and found.transfers == 1
    error = reason_for(jp, "A", "C", DAY, 10 * 3600, Options(max_walk_m=0, max_days=3))
    assert error.code == "search_limit" and error.params["max_days"] == 3
    assert "the search stops 3 days after the date" in describe(error, "en")
    error = reason_for(jp, "A", "C", DAY, 10 * 3600, Options(max_walk_m=0, max_rides=1))
    assert error.code == "search_limit" and error.params["max_rides"] == 1


def test_none_arrives_by_names_the_first_arrival():
    starts = Service("starts", (True,) * 7, dt.date(2024, 2, 13), dt.date(2024, 12, 31))
    feed = small_feed({"ac": ("starts", [("A", 7 * 60), ("B", 7 * 60 + 20), ("C", 7 * 60 + 40)])}, {"starts": starts})
    jp = planner_of(feed)
    error = reason_for(jp, "A", "C", DAY, 7 * 3600, NO_WALK, arrive_by=True)
    assert error.code == "none_arrives_by" and error.params["first_arrival_at"] == "2024-02-13T07:40:00+08:00"
    assert describe(error, "en") == "no journey arrives by 2024-02-13 07:00: the first arrives at 2024-02-13 07:40"
    # the next day, arriving by 07:00 means leaving the day before: 07:00 -> 07:40
    found = jp.arrive_by(jp.resolve("A"), jp.resolve("C"), DAY + ONE_DAY, 7 * 3600, NO_WALK)
    assert (found.dep.isoformat(), found.arr.isoformat()) == ("2024-02-13T07:00:00+08:00", "2024-02-13T07:40:00+08:00")


def test_arrive_by_finds_the_latest_departure_however_early():
    """Case 07: leave 07:00, arrive 07:40, whether the deadline is 11:01 or 23:59 (the 23:40 run arrives 24:20)."""
    feed = small_feed({f"t{minute}": ("daily", [("A", minute), ("B", minute + 20), ("C", minute + 40)])
                       for minute in (6 * 60, 7 * 60, 23 * 60 + 40)})
    jp = planner_of(feed)
    for deadline in (8 * 3600, 11 * 3600 + 60, 23 * 3600 + 59 * 60):
        found = jp.arrive_by(jp.resolve("A"), jp.resolve("C"), DAY, deadline, NO_WALK)
        assert (found.dep.time(), found.arr.time()) == (dt.time(7), dt.time(7, 40)), deadline


# --------------------------------------------------------------------- real feeds


@pytest.fixture(scope="module")
def sample() -> JourneyPlanner:
    return JourneyPlanner(read_feed(SAMPLE), PARAMS)


@pytest.mark.parametrize("origin,dest,day,when,options,arrive_by,code", [
    ("STAGECOACH", "AMV", "2011-06-01", "07:00", Options(), False, "no_service_on_date"),
    ("BEATTY_AIRPORT", "AMV", "2008-06-02", "07:00", Options(max_days=3), False, "search_limit"),
    ("BEATTY_AIRPORT", "AMV", "2008-06-02", "07:00", Options(max_rides=0), False, "search_limit"),
    ("STAGECOACH", "BULLFROG", "2010-12-31", "23:30", Options(), False, "after_last_departure"),
    ("BEATTY_AIRPORT", "AMV", "2010-12-31", "07:00", Options(), False, "none_before_feed_end"),
    ("STAGECOACH", "FUR_CREEK_RES", "2007-01-01", "06:00", Options(), True, "none_arrives_by"),
    ("36.0,-115.0", "AMV", "2008-06-02", "07:00", Options(), False, "too_far_to_walk"),
])
def test_reasons_on_the_sample_feed(sample, origin, dest, day, when, options, arrive_by, code):
    hours, minutes = map(int, when.split(":"))
    error = reason_for(sample, origin, dest, dt.date.fromisoformat(day), hours * 3600 + minutes * 60, options,
                       arrive_by)
    assert error.code == code, describe(error, "en")


def test_the_sample_feed_answers_what_the_four_hour_limit_hid(sample):
    """Queries that had no journey, or untrue reasons, while routing looked 4 hours ahead."""
    monday = dt.date(2008, 6, 2)
    # "the last leaves at 11:00" at 18:23: the real journey leaves at 11:00 the next day
    found = sample.journeys(sample.resolve("FUR_CREEK_RES"), sample.resolve("BULLFROG"), monday, 18 * 3600 + 23 * 60)
    assert found[0].dep.isoformat() == "2008-06-03T11:00:00-07:00"
    # "no connection within 4 hours" at 05:26: leaves at 11:00, arrives at 12:15
    found = sample.journeys(sample.resolve("FUR_CREEK_RES"), sample.resolve("BEATTY_AIRPORT"), monday, 5 * 3600 + 26 * 60)
    assert (found[0].dep.time(), found[0].arr.time()) == (dt.time(11), dt.time(12, 15))
    # "feeder buses stop in the evening" (on a US feed) at 21:31: tomorrow's journey instead
    found = sample.journeys(sample.resolve("NANAA"), sample.resolve("FUR_CREEK_RES"), monday, 21 * 3600 + 31 * 60)
    assert found[0].dep.date() == dt.date(2008, 6, 3)


def test_reasons_on_our_feed(model):
    ours = JourneyPlanner.for_model(model)
    last_day = dt.date(2027, 12, 31)
    error = reason_for(ours, "dongjiao-memory", "panda-south-gate", last_day, 23 * 3600 + 55 * 60)
    assert error.code == "after_last_departure" and error.params["next_departure_at"] is None
    error = reason_for(ours, "dongjiao-memory", "panda-south-gate", last_day, 21 * 3600 + 30 * 60)
    assert error.code == "none_before_feed_end"
    error = reason_for(ours, "dongjiao-memory", "panda-south-gate", dt.date(2031, 1, 1), 10 * 3600)
    assert error.code == "no_service_on_date"
    error = reason_for(ours, "dongjiao-memory", "panda-south-gate", dt.date(2024, 1, 1), 6 * 3600, arrive_by=True)
    assert error.code == "none_arrives_by"


def test_the_shuttle_runs_tomorrow_in_todays_timetable(model):
    """After the day's last shuttle, from where only the shuttle is within the walk, the answer is the
    first shuttle of the next day: each service day of a timetable has its own shuttle runs (the query
    day's only, it answered after_last_departure with no next departure, after ~2 s of 16-day searches)."""
    ours = JourneyPlanner.for_model(model)
    day, options = dt.date(2024, 2, 12), Options(with_shuttle=True, max_walk_m=700)
    origin, dest = ours.resolve("dongjiao-memory"), ours.resolve("panda-base", "to")
    with pytest.raises(NoJourney) as error:  # without the shuttle nothing is near enough
        ours.journeys(origin, dest, day, 23 * 3600, replace(options, with_shuttle=False))
    assert error.value.reason == "too_far_to_walk"
    found = ours.journeys(origin, dest, day, 23 * 3600, options)[0]
    ride = next(leg for leg in found.legs if leg.mode != "walk")
    assert ride.mode == "shuttle" and ride.dep.date() == day + dt.timedelta(days=1)
    assert len(ours._timetables) == 2  # the day's two-day timetables (with, without the shuttle): no longer one


def test_no_reason_speaks_of_chengdu_on_another_feed():
    """The words of the reasons are the feed's: no metro, feeder buses or evenings of Chengdu."""
    source = (HERE.parent / "planner" / "messages" / "reasons.py").read_text(encoding="utf-8")
    start, end = source.index("NO_JOURNEY: dict"), source.index("DAY_PLAN: dict")
    for word in ("Chengdu", "feeder", "metro", "evening", "成都", "接驳"):
        assert word not in source[start:end], word


# --------------------------------------------------------------------- random feeds


@SETTINGS
@given(data=st.data(), feed=feeds(trip_rules=True))
def test_every_reason_on_random_feeds_is_true(data, feed):
    """Whenever the planner finds nothing on a random feed (leaving at, or arriving by, a time), its reason
    is true; and arrive-by's answer arrives in time, while leaving a second later arrives too late.

    The feeds keep the transfers.txt rules the brute force follows exactly (minimum times between
    platforms; blocks stay) and those of types 0-3 naming routes or trips, which it relaxes (a lower
    bound proves "nothing arrives by"); the earliest arrival found is then checked against the rule-aware
    reference of tests/test_routing_reference.py, whose business the rules themselves are.
    """
    feed.transfer_rules = [rule for rule in feed.transfer_rules
                           if exact_rule(feed, rule) or (rule.type <= 3 and rule.rank < 6)]
    jp = planner_of(feed)
    stops = sorted(s for s in feed.stops if feed.stops[s].location_type == 0)
    origin, dest = data.draw(st.sampled_from(stops)), data.draw(st.sampled_from(stops))
    options = Options(max_walk_m=data.draw(st.sampled_from((0.0, 700.0))), max_days=data.draw(st.sampled_from((1, 3))),
                      max_rides=data.draw(st.sampled_from((1, 3, 8))))
    when = data.draw(st.integers(0, 30 * 60)) * 60
    a, b = jp.resolve(origin), jp.resolve(dest)
    try:
        fastest = jp.journeys(a, b, DAY, when, options)[0]
    except NoJourney as error:
        assert_reason_true(jp, error, origin, dest, DAY, when, options)
    else:  # the earliest arrival on the feed, however many days later
        access, egress, direct = ends(jp, origin, dest, DAY, options)
        arrival = round(fastest.arr.timestamp() - start_of(feed, DAY).timestamp())
        if direct is None:
            last = max(fastest.arr.date(), DAY) + ONE_DAY
            assert arrival == earliest(feed, options, DAY, access, egress, when, DAY - ONE_DAY, last, options.max_rides)
    try:
        found = jp.arrive_by(a, b, DAY, when, options)
    except NoJourney as error:
        assert_reason_true(jp, error, origin, dest, DAY, when, options)
    else:
        assert round(found.arr.timestamp() - start_of(feed, DAY).timestamp()) <= when
        leave = round(found.dep.timestamp() - start_of(feed, DAY).timestamp())
        try:  # the latest departure: a second later, nothing arrives in time
            later = jp.journeys(a, b, DAY, leave + 1, options)[0]
        except NoJourney:
            pass
        else:
            assert round(later.arr.timestamp() - start_of(feed, DAY).timestamp()) > when
