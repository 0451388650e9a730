"""Earliest arrival by connection scan: the oracle tests/test_routing_feeds.py holds the planner to.

Independent of ``planner.routing``: it reads the :class:`planner.domain.transit.Feed` (calendars,
frequencies, pickup and drop-off rules, transfers.txt's stop-only rules, blocks and linked trips) and
walks by geometry, and scans connections in time order (Dibbelt, Pätzold, Strasser and Wagner,
"Intriguingly Simple and Fast Transit Routing", 2013). Times are absolute (POSIX seconds): a service day's
times count from its "noon minus 12h" in the feed's zone, so days join exactly across changes of the
clocks, and a query may run over as many days as it needs.

The journey model is the planner's for a stop to a stop (README, "Journeys"): from the origin stop, or a
walk to a stop near it; vehicles joined by a change at one stop (its change time) or by one walk to
another stop; to the destination stop, or a walk from a stop near it (possibly right after a walk);
walking all the way when it is short enough, the only journey without a vehicle. Staying on board where
a vehicle runs on as another trip (a block, transfers.txt type 4, not one type 5 names or transfers.txt
links elsewhere) takes no change and no new vehicle.

transfers.txt rules of types 0-3 that name routes or trips (ranks 1-5) are not applied: no real feed the
tests ask it about has one (the Google sample feed and Cairns have no transfers.txt), and it refuses a feed
that does rather than answer wrongly. Those rules are held to the brute-force reference of
tests/test_routing_reference.py, on random feeds.
"""
from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from planner.domain.geo import distance_m
from planner.domain.transit import Feed

INF = math.inf


@dataclass(frozen=True)
class Walking:
    """How one walks: the planner's walking rules for the query (they define the question asked)."""

    speed_m_s: float
    circuity: float
    max_walk_m: float
    min_transfer_s: int | None = None

    def seconds(self, straight_m: float) -> int:
        return round(straight_m * self.circuity / self.speed_m_s)


@dataclass(frozen=True)
class Answer:
    arrival: float  # POSIX seconds, INF when no journey
    rides: int  # vehicles of the journey found (staying on board is no new one)


# one connection: (departure, arrival, from stop, to stop, run, boarding allowed, alighting allowed, last of its
# run, its position in the run)
Connection = tuple[float, float, str, str, int, bool, bool, bool, int]


@dataclass
class _Day:
    connections: list[Connection]
    departures: list[float]
    runs: dict[tuple[str, dt.date], int]  # (trip, service day) -> run id of its timetabled run


@dataclass
class Oracle:
    feed: Feed
    walking: Walking
    zone: ZoneInfo = field(init=False)
    _days: dict[dt.date, _Day] = field(default_factory=dict, init=False)
    _next_run: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        feed, walking = self.feed, self.walking
        self.zone = ZoneInfo(feed.timezone)
        self.stops = [s.id for s in feed.stops.values() if s.location_type == 0]
        naming = [r for r in feed.transfer_rules if r.type <= 3 and (r.from_route or r.to_route or r.from_trip or r.to_trip)]
        if naming:
            raise ValueError(f"the oracle does not apply transfers.txt rules naming routes or trips: {naming[0]}")
        # stop-only rules (transfers.txt rows with no route or trip), a station standing for its platforms
        chosen: dict[tuple[str, str], tuple[int, int, int | None]] = {}  # (from, to) -> (precision, type, min)
        for rule in feed.transfer_rules:
            if rule.type > 3 or rule.from_route or rule.to_route or rule.from_trip or rule.to_trip:
                continue
            precision = (feed.stops[rule.from_stop].location_type == 0) + (feed.stops[rule.to_stop].location_type == 0)
            for p in self._platforms(rule.from_stop):
                for q in self._platforms(rule.to_stop):
                    if (p, q) not in chosen or precision > chosen[(p, q)][0]:
                        chosen[(p, q)] = (precision, rule.type, rule.min_s)
        default = walking.min_transfer_s if walking.min_transfer_s is not None else 0
        self.change = {p: default for p in self.stops}
        for (p, q), (_, kind, min_s) in chosen.items():
            if p == q:
                if kind == 3:
                    self.change[p] = INF
                elif walking.min_transfer_s is None:
                    self.change[p] = {1: 0, 2: min_s or 0}.get(kind, default)
        self.foot: dict[str, dict[str, int]] = {p: {} for p in self.stops}
        if walking.max_walk_m > 0:
            limit = walking.max_walk_m / walking.circuity
            cells: dict[tuple[int, int], list[str]] = {}
            size = limit / 111_000 + 1e-9  # degrees of latitude; longitude cells narrower near the poles: checked below
            for s in self.stops:
                stop = feed.stops[s]
                cells.setdefault((int(stop.lat // size), int(stop.lon // size)), []).append(s)
            for s in self.stops:
                a = feed.stops[s]
                y, x = int(a.lat // size), int(a.lon // size)
                reach = int(math.ceil(1 / max(math.cos(math.radians(a.lat)), 0.01))) + 1
                for dy in (-1, 0, 1):
                    for dx in range(-reach, reach + 1):
                        for t in cells.get((y + dy, x + dx), ()):
                            if t != s:
                                b = feed.stops[t]
                                straight = distance_m((a.lat, a.lon), (b.lat, b.lon))
                                if straight <= limit:
                                    self.foot[s][t] = walking.seconds(straight)
            for (p, q), (_, kind, min_s) in chosen.items():
                if p == q:
                    continue
                if kind == 3:
                    self.foot[p].pop(q, None)
                    continue
                a, b = feed.stops[p], feed.stops[q]
                walk = self.foot[p].get(q)
                if walk is None:
                    walk = 0 if kind == 2 and min_s is not None else walking.seconds(distance_m((a.lat, a.lon), (b.lat, b.lon)))
                self.foot[p][q] = max(walk, min_s or 0) if kind == 2 else walk
        self._links = self._in_seat()
        self._reach = self._stop_graph()

    def _platforms(self, stop_id: str) -> list[str]:
        if self.feed.stops[stop_id].location_type == 0:
            return [stop_id]
        return [s.id for s in self.feed.stops.values() if s.parent_id == stop_id and s.location_type == 0]

    # --- the timetable, a service day at a time

    def day_start(self, day: dt.date) -> float:
        """A service day's "noon minus 12h", in POSIX seconds."""
        return dt.datetime.combine(day, dt.time(12), self.zone).timestamp() - 12 * 3600

    def _services_on(self, day: dt.date) -> set[str]:
        running = {s.id for s in self.feed.services.values() if s.start <= day <= s.end and s.weekdays[day.weekday()]}
        for (service_id, date), added in self.feed.service_exceptions.items():
            if date == day:
                (running.add if added else running.discard)(service_id)
        return running

    def _day(self, day: dt.date) -> _Day:
        if day in self._days:
            return self._days[day]
        feed, start = self.feed, self.day_start(day)
        running = self._services_on(day)
        connections: list[Connection] = []
        runs: dict[tuple[str, dt.date], int] = {}
        for trip_id, times in feed.stop_times.items():
            if feed.trips[trip_id].service_id not in running:
                continue
            shifts = [0]
            if trip_id in feed.frequencies:  # "start_time": the first run, then one every headway before end_time
                shifts = [s - times[0].departure_s for f in feed.frequencies[trip_id]
                          for s in range(f.start_s, f.end_s, f.headway_s)]
            for shift in shifts:
                run = self._next_run
                self._next_run += 1
                if trip_id not in feed.frequencies:
                    runs[(trip_id, day)] = run
                for pos, (a, b) in enumerate(zip(times, times[1:])):
                    connections.append((start + a.departure_s + shift, start + b.arrival_s + shift, a.stop_id,
                                        b.stop_id, run, a.pickup_type != 1, b.drop_off_type != 1,
                                        pos == len(times) - 2, pos))
        connections.sort(key=lambda c: (c[0], c[1]))
        self._days[day] = _Day(connections, [c[0] for c in connections], runs)
        return self._days[day]

    def _in_seat(self) -> dict[str, list[tuple[str, bool]]]:
        """Trip -> the trips its vehicle goes on as with riders on board, and whether on the next service
        day (else the same): type 4 rows, else consecutive trips of one block (per service day, below)."""
        feed = self.feed
        linked = [r for r in feed.transfer_rules if r.type in (4, 5)]
        self._apart = {(r.from_trip, r.to_trip) for r in linked if r.type == 5}
        self._linked_out = {r.from_trip for r in linked}
        self._linked_in = {r.to_trip for r in linked}
        links: dict[str, list[tuple[str, bool]]] = {}
        for r in linked:
            if r.type == 4 and (r.from_trip, r.to_trip) not in self._apart and r.from_trip not in feed.frequencies \
                    and r.to_trip not in feed.frequencies:
                next_day = feed.stop_times[r.to_trip][0].departure_s < feed.stop_times[r.from_trip][-1].arrival_s
                links.setdefault(r.from_trip, []).append((r.to_trip, next_day))
        return links

    def _continues(self, day: dt.date) -> dict[int, list[int]]:
        """Run -> runs its vehicle goes on as, for the runs of service day ``day``."""
        feed, today = self.feed, self._day(day)
        found: dict[int, list[int]] = {}
        for (trip_id, _), run in today.runs.items():
            for to_trip, next_day in self._links.get(trip_id, ()):
                other = self._day(day + dt.timedelta(days=1)) if next_day else today
                if (to_trip, day + dt.timedelta(days=next_day)) in other.runs:
                    found.setdefault(run, []).append(other.runs[(to_trip, day + dt.timedelta(days=next_day))])
        blocks: dict[str, list[str]] = {}
        for trip_id, _ in today.runs:
            if feed.trips[trip_id].block_id:
                blocks.setdefault(feed.trips[trip_id].block_id, []).append(trip_id)
        for trips in blocks.values():
            trips.sort(key=lambda t: feed.stop_times[t][0].departure_s)
            for a, b in zip(trips, trips[1:]):
                end, start = feed.stop_times[a][-1], feed.stop_times[b][0]
                stations = feed.stops[end.stop_id].parent_id, feed.stops[start.stop_id].parent_id
                same = end.stop_id == start.stop_id or (stations[0] != "" and stations[0] == stations[1])
                if (same and end.arrival_s <= start.departure_s and a not in self._linked_out
                        and b not in self._linked_in and (a, b) not in self._apart):
                    found.setdefault(today.runs[(a, day)], []).append(today.runs[(b, day)])
        return found

    def _stop_graph(self) -> dict[str, set[str]]:
        """Stop -> stops a vehicle (of any day) or a walk may take one to: to answer "never" at once."""
        feed = self.feed
        nexts: dict[str, set[str]] = {s: set(self.foot[s]) for s in self.stops}
        by_trip = {t: [c.stop_id for c in times] for t, times in feed.stop_times.items()}
        for trip_id, stops in by_trip.items():
            onward = [to for to, _ in self._links.get(trip_id, ())]
            block = feed.trips[trip_id].block_id
            if block:
                onward += [t for t in by_trip if feed.trips[t].block_id == block and t != trip_id]
            tail = {s for t in onward for s in by_trip[t]}
            for i, s in enumerate(stops):
                nexts[s] |= set(stops[i + 1:]) | tail
        return nexts

    def connected(self, origin: str, dest: str) -> bool:
        seen, frontier = {origin}, [origin]
        while frontier:
            for other in self._reach[frontier.pop()]:
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
        return dest in seen or any(s in seen for s in self.foot[dest])

    # --- the scan

    def earliest(self, origin: str, dest: str, day: dt.date, depart_s: int, last_day: dt.date) -> Answer:
        """The earliest arrival at ``dest`` leaving ``origin`` at ``depart_s`` of ``day`` (GTFS seconds), by
        the runs of service days up to ``last_day``."""
        feed, walking = self.feed, self.walking
        t0 = self.day_start(day) + depart_s
        best, best_rides = INF, 0
        a, b = feed.stops[origin], feed.stops[dest]
        straight = distance_m((a.lat, a.lon), (b.lat, b.lon))
        if origin == dest:
            return Answer(t0, 0)
        if straight * walking.circuity <= max(walking.max_walk_m, 0):
            best = t0 + walking.seconds(straight)
        if not self.connected(origin, dest):
            return Answer(best, 0)
        egress = {dest: 0, **{s: secs for s, secs in self.foot[dest].items()}}
        walk_at: dict[str, float] = {origin: t0, **{s: t0 + secs for s, secs in self.foot[origin].items()}}
        walk_rides: dict[str, int] = {s: 0 for s in walk_at}
        ride_at: dict[str, float] = {}
        ride_rides: dict[str, int] = {}
        on: dict[int, tuple[int, int]] = {}  # run -> (first position on board, vehicles used once on board)
        continues: dict[int, list[int]] = {}
        d = day - dt.timedelta(days=1)
        while d <= last_day:
            slice_start, slice_end = self.day_start(d), self.day_start(d + dt.timedelta(days=1))
            if slice_start >= best:
                break
            for e in range(3):  # runs of this day and the two before may depart in it (times up to 72 h)
                continues.update(self._continues(d - dt.timedelta(days=e)))
            batch: list[Connection] = []
            for e in range(3):
                today = self._day(d - dt.timedelta(days=e))
                lo = bisect_left(today.departures, max(slice_start, t0))
                hi = bisect_left(today.departures, slice_end)
                batch += today.connections[lo:hi]
            batch.sort(key=lambda c: (c[0], c[1]))
            i = 0
            while i < len(batch):
                if batch[i][0] >= best:
                    break
                j = i
                while j < len(batch) and batch[j][0] == batch[i][0]:
                    j += 1
                group = batch[i:j]
                # connections leaving at one instant may feed each other only through ones taking no time
                for _ in range(len(group) if any(c[1] == c[0] for c in group) else 1):
                    changed = False
                    for c in group:
                        changed |= self._scan(c, walk_at, walk_rides, ride_at, ride_rides, on, continues)
                    if not changed:
                        break
                i = j
            best, best_rides = self._target(best, best_rides, egress, ride_at, ride_rides)
            d += dt.timedelta(days=1)
        return Answer(best, best_rides)

    def _scan(self, c: Connection, walk_at, walk_rides, ride_at, ride_rides, on, continues) -> bool:
        """One connection: board its run if one can be there in time, ride it if on board (from this
        position or before), stay on board into the runs it continues as."""
        dep, arr, frm, to, run, board, alight, last, pos = c
        changed = False
        if board and (run not in on or pos < on[run][0]):  # (a connection of no time may be scanned again)
            by_walk = walk_at.get(frm, INF)
            by_ride = ride_at.get(frm, INF) + self.change.get(frm, 0)
            if min(by_walk, by_ride) <= dep:
                on[run] = (pos, 1 + (walk_rides[frm] if by_walk <= by_ride else ride_rides[frm]))
                changed = True
        if run not in on or on[run][0] > pos:
            return changed
        rides = on[run][1]
        if alight and arr < ride_at.get(to, INF):
            ride_at[to], ride_rides[to] = arr, rides
            changed = True
            for other, secs in self.foot[to].items():
                if arr + secs < walk_at.get(other, INF):
                    walk_at[other], walk_rides[other] = arr + secs, rides
        if last:
            for nxt in continues.get(run, ()):
                if nxt not in on or on[nxt][0] > 0:
                    on[nxt] = (0, rides)
                    changed = True
        return changed

    def _target(self, best, best_rides, egress, ride_at, ride_rides):
        """The best arrival at the destination: by vehicle to a stop, maybe a walk to another, the egress walk."""
        for stop, arr in ride_at.items():
            walks = [egress[stop]] if stop in egress else []
            walks += [secs + egress[other] for other, secs in self.foot[stop].items() if other in egress]
            for secs in walks:
                if arr + secs < best:
                    best, best_rides = arr + secs, ride_rides[stop]
        return best, best_rides
