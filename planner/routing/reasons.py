"""Why there is no journey: facts of the feed and the query, for :class:`planner.routing.journeys.NoJourney`.

The journey planner decides which reason is true; this module computes the
facts a reason states, each from a timetable already built or from the feed:

* :class:`Links`: which stops lead to which on *any* day of the feed (every
  trip of every service, in-seat continuations, footpaths): when the
  destination's stops are not among them, no journey exists on any date
  (``not_connected``). It over-approximates (it ignores times, calendars and
  transfers.txt bans), so "not linked" is always true;
* :func:`boardings`: when one can leave the origin and catch a vehicle that
  sets down somewhere later (``after_last_departure`` names the last before
  the query and the next after the searched days);
* :class:`FeedBoardings`: the same, read from the feed for any service day,
  beyond the timetables built (the last boarding days before, the next after
  a cap);
* :func:`next_service_day`: the first date with any service after another.

Times a reason names are shown as date-times in the feed's zone (``*_at``).
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.domain.transit import Feed
from planner.routing.raptor import Endpoint
from planner.routing.timetable import ExtraTrip, Timetable, day_shift_s

#: A static pattern: stop indices, where one may board, where one may alight.
_StaticPattern = tuple[tuple[int, ...], tuple[bool, ...], tuple[bool, ...]]


@dataclass
class Links:
    """Stop-to-stop links over every trip of the feed, whatever its days and times.

    ``patterns`` are the distinct (stops, pickups, drop-offs) of the trips; ``joins[p]`` the patterns
    a rider of ``p`` may stay on board into at its last call (trips of one ``block_id``, or linked by
    a transfers.txt type 4 rule); ``footpaths`` as in the timetable.
    """

    patterns: list[_StaticPattern]
    patterns_at: list[list[tuple[int, int]]]
    footpaths: list[list[tuple[int, int, int]]]
    joins: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, feed: Feed, tt: Timetable, extra_trips: Iterable[ExtraTrip] = ()) -> Links:
        """The links of ``feed`` (and extra trips, such as the shuttle's) over ``tt``'s stops and footpaths."""
        keys: dict[_StaticPattern, int] = {}
        pattern_of: dict[str, int] = {}

        def add(trip_id: str, stops: list[str], boards: list[bool], alights: list[bool]) -> None:
            indices = [tt.index.get(stop) for stop in stops]
            if any(i is None for i in indices) or len(indices) < 2:
                return
            key = (tuple(i for i in indices if i is not None), tuple(boards), tuple(alights))
            pattern_of[trip_id] = keys.setdefault(key, len(keys))

        for trip_id, times in feed.stop_times.items():
            add(trip_id, [t.stop_id for t in times], [t.pickup_type != 1 for t in times],
                [t.drop_off_type != 1 for t in times])
        for extra in extra_trips:
            add(extra.trip_id, list(extra.stop_ids), [True] * len(extra.stop_ids), [True] * len(extra.stop_ids))
        patterns = list(keys)
        patterns_at: list[list[tuple[int, int]]] = [[] for _ in range(tt.n_stops)]
        for p_idx, (stops, _, _) in enumerate(patterns):
            for pos, stop in enumerate(stops):
                patterns_at[stop].append((p_idx, pos))
        footpaths = tt.footpaths
        if tt.rules is not None:  # and the walks transfers.txt rules allow some trips (beyond the longest too)
            footpaths = [list(paths) for paths in tt.footpaths]
            for (stop, other), (secs, metres) in tt.rules.walks().items():
                footpaths[stop].append((other, secs, metres))
        links = cls(patterns, patterns_at, footpaths)
        for a, b in _in_seat_pairs(feed):
            if a in pattern_of and b in pattern_of:
                links.joins.setdefault(pattern_of[a], set()).add(pattern_of[b])
        return links

    def reach(self, sources: Iterable[int]) -> set[int]:
        """Every stop one can be set down at (or walk to after a ride) from ``sources``, by any
        vehicles on any days."""
        stations = set(sources)
        reached = set(stations)
        scanned: dict[int, int] = {}  # pattern -> least position ridden from
        todo = list(stations)
        while todo:
            stop = todo.pop()
            found: list[int] = []
            for p_idx, pos in self.patterns_at[stop]:
                if self.patterns[p_idx][1][pos]:
                    found += self._ride(p_idx, pos, scanned)
            for other in found:
                if other not in reached:
                    reached.add(other)
                    todo.append(other)
                for near, _, _ in self.footpaths[other]:
                    if near not in reached:
                        reached.add(near)
                        todo.append(near)
        return reached

    def _ride(self, p_idx: int, pos: int, scanned: dict[int, int]) -> list[int]:
        """Stops where a rider boarding pattern ``p_idx`` at ``pos`` may get off, staying on board
        into joined patterns."""
        found: list[int] = []
        todo = [(p_idx, pos)]
        while todo:
            p, start = todo.pop()
            if scanned.get(p, len(self.patterns[p][0])) <= start:
                continue
            end = scanned.get(p, len(self.patterns[p][0]))
            scanned[p] = start
            stops, _, alights = self.patterns[p]
            found += [stops[i] for i in range(start + 1, min(end + 1, len(stops))) if alights[i]]
            if end == len(stops):  # first time to the end: on into the vehicle's next trips
                todo += [(q, 0) for q in self.joins.get(p, ())]
        return found

    def linked(self, origin: Endpoint, dest: Endpoint) -> bool:
        """Whether any stop the origin reaches leads to a stop the destination is reached from."""
        reached = self.reach(stop for stop, _, _ in origin.links)
        return any(stop in reached for stop, _, _ in dest.links)


def _in_seat_pairs(feed: Feed) -> list[tuple[str, str]]:
    """(trip, trip a rider may stay on board into): transfers.txt type 4 rules, and consecutive trips
    of one block (every pair of a block whose stops meet: an over-approximation of the block's order)."""
    pairs = [(rule.from_trip, rule.to_trip) for rule in feed.transfer_rules
             if rule.type == 4 and rule.from_trip and rule.to_trip]
    blocks: dict[str, list[str]] = {}
    for trip in feed.trips.values():
        if trip.block_id and trip.id in feed.stop_times:
            blocks.setdefault(trip.block_id, []).append(trip.id)
    for trips in blocks.values():
        for a in trips:
            last = _station(feed, feed.stop_times[a][-1].stop_id)
            pairs += [(a, b) for b in trips if b != a and _station(feed, feed.stop_times[b][0].stop_id) == last]
    return pairs


def _station(feed: Feed, stop_id: str) -> str:
    stop = feed.stops.get(stop_id)
    return stop.parent_id or stop_id if stop is not None else stop_id


def boardings(tt: Timetable, origin: Endpoint) -> list[int]:
    """Every time (seconds of ``tt``'s day) at which leaving the origin catches a vehicle just in time,
    sorted: a pickup at a stop the origin reaches, with a drop-off somewhere later on the run."""
    times: set[int] = set()
    for stop, secs, _ in origin.links:
        for p_idx, pos in tt.patterns_at[stop]:
            pattern = tt.patterns[p_idx]
            if pattern.can_board[pos] and any(pattern.can_alight[pos + 1:]):
                times.update(dep - secs for dep in pattern.departures_at[pos])
    return sorted(times)


def last_before(times: list[int], before_s: int) -> int | None:
    """The latest of sorted ``times`` strictly before ``before_s``."""
    i = bisect_left(times, before_s)
    return times[i - 1] if i else None


def first_at_or_after(times: list[int], after_s: int) -> int | None:
    """The earliest of sorted ``times`` at or after ``after_s``."""
    i = bisect_left(times, after_s)
    return times[i] if i < len(times) else None


def first_after(times: list[int], after_s: int) -> int | None:
    """The earliest of sorted ``times`` strictly after ``after_s``."""
    i = bisect_right(times, after_s)
    return times[i] if i < len(times) else None


def _with_trips(feed: Feed) -> set[str]:
    """Service ids some trip with stop times runs on: a calendar entry without trips runs nothing."""
    return {trip.service_id for trip_id, trip in feed.trips.items() if trip_id in feed.stop_times}


def next_service_day(feed: Feed, after: dt.date, until: dt.date | None = None) -> dt.date | None:
    """The first date after ``after`` (up to ``until``, else the feed's last date) on which some trip runs."""
    span = feed.date_range()
    if span is None:
        return None
    used = _with_trips(feed)
    last = span[1] if until is None else min(until, span[1])
    day = max(after + dt.timedelta(days=1), span[0])
    while day <= last:
        if feed.services_on(day) & used:
            return day
        day += dt.timedelta(days=1)
    return None


def previous_service_day(feed: Feed, before: dt.date, since: dt.date) -> dt.date | None:
    """The last date before ``before`` (down to ``since``) on which some trip runs."""
    span = feed.date_range()
    if span is None:
        return None
    used = _with_trips(feed)
    day = min(before - dt.timedelta(days=1), span[1])
    while day >= max(since, span[0]):
        if feed.services_on(day) & used:
            return day
        day -= dt.timedelta(days=1)
    return None


class FeedBoardings:
    """Boardings near an origin read from the feed itself, for any service day: a pickup at a stop
    the origin reaches with a drop-off later on the trip, at each run of the trip (frequencies.txt
    expanded), less the walk there. Only the feed's trips: extra ones (the shuttle) are the
    timetable's.
    """

    def __init__(self, feed: Feed, tt: Timetable, origin: Endpoint) -> None:
        access: dict[str, int] = {}
        for stop, secs, _ in origin.links:
            stop_id = tt.stop_ids[stop]
            access[stop_id] = min(secs, access.get(stop_id, secs))
        self.feed = feed
        by_service: dict[str, set[int]] = {}
        for trip_id, times in feed.stop_times.items():
            trip = feed.trips.get(trip_id)
            if trip is None:
                continue
            freqs = feed.frequencies.get(trip_id)
            shifts = [0] if not freqs else [start - times[0].departure_s for f in freqs
                                            for start in range(f.start_s, f.end_s, f.headway_s)]
            for pos, call in enumerate(times):
                if (call.stop_id in access and call.pickup_type != 1
                        and any(later.drop_off_type != 1 for later in times[pos + 1:])):
                    by_service.setdefault(trip.service_id, set()).update(
                        call.departure_s + shift - access[call.stop_id] for shift in shifts)
        self.by_service = {service: sorted(times) for service, times in by_service.items() if times}
        self.latest_s = max((times[-1] for times in self.by_service.values()), default=0)
        self.earliest_s = min((times[0] for times in self.by_service.values()), default=0)

    def on(self, day: dt.date) -> list[int]:
        """Boarding times of the runs of service day ``day``, in its own time base, sorted."""
        return sorted(t for service in self.feed.services_on(day) for t in self.by_service.get(service, ()))

    def last_before(self, day: dt.date, before_s: int, tz: dt.tzinfo) -> int | None:
        """The latest boarding before ``before_s`` (``day``'s time base) on any service day."""
        span = self.feed.date_range()
        if span is None or not self.by_service:
            return None
        best: int | None = None
        d = min(day + dt.timedelta(days=1 + before_s // 86400), span[1])
        while d >= span[0]:
            shift = day_shift_s(day, d, tz)
            if best is not None and shift + self.latest_s < best:
                break  # no run of this day or earlier ones boards later than the best
            found = last_before(self.on(d), before_s - shift)
            if found is not None and (best is None or found + shift > best):
                best = found + shift
            d -= dt.timedelta(days=1)
        return best

    def first_at_or_after(self, day: dt.date, from_s: int, tz: dt.tzinfo) -> int | None:
        """The earliest boarding at or after ``from_s`` (``day``'s time base) on any service day."""
        span = self.feed.date_range()
        if span is None or not self.by_service:
            return None
        best: int | None = None
        d = max(day + dt.timedelta(days=from_s // 86400 - 3), span[0])
        while d <= span[1]:
            shift = day_shift_s(day, d, tz)
            if best is not None and shift + self.earliest_s > best:
                break  # no run of this day or later ones boards earlier than the best
            found = first_at_or_after(self.on(d), from_s - shift)
            if found is not None and (best is None or found + shift < best):
                best = found + shift
            d += dt.timedelta(days=1)
        return best
