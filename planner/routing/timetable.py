"""The timetable of one service day, in the shape RAPTOR scans.

A :class:`Timetable` holds *patterns*: sets of runs that call at the same
stops in the same order with the same pickup and drop-off rules, ordered so
that no run overtakes another. Times are true seconds after the query day's
start, "noon minus 12h" in the feed's ``agency_timezone`` (:func:`service_day_start`):
on the days clocks change that is not midnight, and a day is 23 or 25 hours
long. Runs of the previous service day that go on past its 24:00:00 are
shifted in, and so are those of the next days, each by the true length of the
days between (:func:`day_shift_s`), so journeys cross midnight both ways.

Frequency-based trips (frequencies.txt) are expanded into their runs: with
``exact_times=1`` these are the schedule; with ``exact_times=0`` GTFS promises
only the headway, and runs at start + k x headway are the planning schedule
that promise implies. Each expanded run keeps ``exact_times`` so legs can say
"every N min".

transfers.txt rules that name stops only (the reference's sixth and least
specific kind) are folded into the change time of each stop and the
footpaths between stops (:func:`_stop_rules`); in-seat continuations (type 4,
and consecutive trips of one ``block_id``, less type 5) join the runs of one
vehicle into one run (:func:`_in_seat_links`), whose trips are the pattern's
``segments``. RAPTOR itself knows of neither. Rules of types 0-3 that name
routes or trips (ranks 1-5) depend on the two trips of a change: they become
:class:`TripRules` (``Timetable.rules``, None for feeds without them), which
RAPTOR applies with an arrival per class of trip at their stops; trips they
name get patterns of their own.

Building is pure: it takes a read :class:`planner.domain.transit.Feed` and parameters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from planner.domain.geo import near_pairs, distance_m
from planner.domain.transit import PLATFORM, Feed, Frequency, StopTime, TransferRule

DAY_S = 86400
NO_PICKUP = 1  # GTFS pickup_type / drop_off_type 1: not available (2 and 3 need arranging, but exist)
#: The change time at a stop where transfers.txt forbids changing (type 3): as RAPTOR's infinity, so
#: an arrival plus it is never a time one can board at.
FORBIDDEN_S = 1 << 60
#: Most runs one chain of in-seat links is unfolded into (1-to-n and n-to-1 links branch).
MAX_CHAIN_PATHS = 32


def service_day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The instant GTFS times of ``day`` count from: noon minus 12 hours, as an aware UTC date-time.

    GTFS reference, Field Types, Time: "The time is measured from \\"noon minus 12h\\" of the service
    day (effectively midnight except for days on which daylight savings time changes occur)."

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> la = ZoneInfo("America/Los_Angeles")
    >>> service_day_start(dt.date(2008, 3, 9), la).astimezone(la).isoformat()  # clocks go forward at 02:00
    '2008-03-08T23:00:00-08:00'
    >>> service_day_start(dt.date(2008, 11, 2), la).astimezone(la).isoformat()  # and back at 02:00
    '2008-11-02T01:00:00-07:00'
    """
    noon = dt.datetime.combine(day, dt.time(12), tz)
    # in UTC first: aware date-times that share a tzinfo add and subtract as wall clocks
    return noon.astimezone(dt.timezone.utc) - dt.timedelta(hours=12)


def day_shift_s(day: dt.date, other: dt.date, tz: dt.tzinfo) -> int:
    """Seconds from ``day``'s service-day start to ``other``'s: what a GTFS time of ``other`` gains in
    ``day``'s time base (86400 a day, but 82800 or 90000 across a change of the clocks).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> oslo = ZoneInfo("Europe/Oslo")
    >>> day_shift_s(dt.date(2024, 3, 30), dt.date(2024, 3, 31), oslo)  # clocks go forward on the 31st at 02:00
    82800
    >>> day_shift_s(dt.date(2024, 10, 27), dt.date(2024, 10, 26), oslo)  # back on the 27th at 03:00: yesterday began 25 h before
    -90000
    """
    return round((service_day_start(other, tz) - service_day_start(day, tz)).total_seconds())


@dataclass
class Pattern:
    """Runs sharing stops and rules, sorted so departures rise at every stop.

    A run is one vehicle: usually one trip, or several trips joined by in-seat transfers, the pattern's
    ``segments``: ``(start position, route id)`` of each trip, empty for a pattern of single trips
    (its route is ``route_id``). Segment i covers positions ``start_i`` to ``start_i+1`` (a junction
    call at one stop belongs to both).
    """

    route_id: str
    stops: tuple[int, ...]
    can_board: tuple[bool, ...]
    can_alight: tuple[bool, ...]
    segments: tuple[tuple[int, str], ...] = ()
    # times[trip][pos] as two flat lists per trip: arrival and departure
    arrivals: list[list[int]] = field(default_factory=list)
    departures: list[list[int]] = field(default_factory=list)
    trip_ids: list[str] = field(default_factory=list)  # "trip@first departure", "t1+t2@..." for joined runs
    run_trips: list[tuple[str, ...]] = field(default_factory=list)  # the GTFS trips of each run, one per segment
    headway_s: list[int | None] = field(default_factory=list)  # None: a timetabled trip
    # departures_at[pos] = sorted departure times of all trips at pos (for bisect)
    departures_at: list[list[int]] = field(default_factory=list)

    def finish(self) -> None:
        self.departures_at = ([list(column) for column in zip(*self.departures)] if self.departures
                              else [[] for _ in self.stops])

    def trip_at(self, run: int, pos: int, alighting: bool) -> tuple[str, str]:
        """The GTFS trip and route of run ``run`` for a rider alighting at (or boarding at) ``pos``.

        At a junction call (one trip ends where the next begins) a rider alighting was on the trip that
        ends there, one boarding takes the trip that begins there.

        Examples
        --------
        >>> p = Pattern("BLUE", (0, 1, 2, 3), (True,) * 4, (True,) * 4, segments=((0, "BLUE"), (2, "RED")),
        ...             run_trips=[("b1", "r1")])
        >>> p.trip_at(0, 2, alighting=True), p.trip_at(0, 2, alighting=False)
        (('b1', 'BLUE'), ('r1', 'RED'))
        """
        if not self.segments:
            return self.run_trips[run][0], self.route_id
        seg = 0
        for i, (start, _) in enumerate(self.segments):
            if start < pos or (start == pos and not alighting):
                seg = i
        return self.run_trips[run][seg], self.segments[seg][1]

    def pieces(self, board_pos: int, alight_pos: int) -> list[tuple[int, int, str]]:
        """A ride from ``board_pos`` to ``alight_pos`` split at the trips of the run:
        ``(from position, to position, route id)``; the pieces after the first are ridden staying on board.

        Examples
        --------
        >>> p = Pattern("BLUE", (0, 1, 2, 3, 4), (True,) * 5, (True,) * 5, segments=((0, "BLUE"), (2, "RED")))
        >>> p.pieces(0, 4), p.pieces(2, 4), p.pieces(0, 1)
        ([(0, 2, 'BLUE'), (2, 4, 'RED')], [(2, 4, 'RED')], [(0, 1, 'BLUE')])
        """
        if not self.segments:
            return [(board_pos, alight_pos, self.route_id)]
        found = []
        for i, (start, route_id) in enumerate(self.segments):
            end = self.segments[i + 1][0] if i + 1 < len(self.segments) else len(self.stops) - 1
            low, high = max(board_pos, start), min(alight_pos, end)
            if low < high:
                found.append((low, high, route_id))
        return found


#: A change a :class:`TripRules` allows into a stop: (from stop, from class, seconds, metres walked).
Change = tuple[int, int, int, int]


@dataclass
class TripRules:
    """transfers.txt rules that name routes or trips (ranks 1-5, types 0-3), in the shape RAPTOR applies them.

    GTFS reference, transfers.txt: of the rules that apply to a change from one trip to another, "the
    transfer with the greatest specificity that applies between these two trips is chosen" (1: both trip
    ids ... 5: one route id; 6: stops only; "from_trip_id will take precedence" over from_route_id).

    A rule *covers* the pairs of stops (p, q) its from and to stops stand for (a station: its platforms).
    At a stop p, a trip setting down falls in one *class*: itself if a rule at p names it as its
    ``from_trip_id``, else its route if one names that as ``from_route_id``, else "any other trip". Every
    trip of one class obeys the same rules at p, so one earliest arrival per class at p is all a search
    needs to stay exact. Boarding at q, classes are likewise of the ``to_`` side. Pairs no such rule covers
    keep the stop-only view, :attr:`Timetable.change_s` and :attr:`Timetable.footpaths`.
    """

    #: class id -> (trip id or "", route id or ""); 0 is ("", ""): any trip no rule names there
    classes: list[tuple[str, str]]
    #: stop p -> the stops q of the pairs (p, q) some rule covers
    targets: dict[int, tuple[int, ...]]
    #: every such q
    into: frozenset[int]
    #: (q, class of the trip boarded at q) -> the changes into it a rule (or, for other classes, the stop-only
    #: rule or plain walking) allows from each covered p: a class setting down at p, and its time
    sources: dict[tuple[int, int], tuple[Change, ...]]
    #: pattern -> class of the trip setting down at each position, -1 where the stop is no p; None: nowhere
    alight_cls: list[tuple[int, ...] | None]
    #: pattern -> class of the trip boarded at each position, -1 where the stop is no q; None: nowhere
    board_cls: list[tuple[int, ...] | None]

    def walks(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(p, q) -> the quickest (seconds, metres) walk between two stops some rule allows some trips."""
        found: dict[tuple[int, int], tuple[int, int]] = {}
        for (q, _), changes in self.sources.items():
            for p, _, secs, metres in changes:
                if p != q and secs < found.get((p, q), (FORBIDDEN_S, 0))[0]:
                    found[(p, q)] = (secs, metres)
        return found


@dataclass
class Timetable:
    """Everything a RAPTOR search needs for one date."""

    date: dt.date
    stop_ids: list[str]
    stop_names: list[str]
    stop_names_en: list[str]
    stop_lat: list[float]
    stop_lon: list[float]
    index: dict[str, int]
    patterns: list[Pattern]
    # patterns_at[stop] = [(pattern index, position in pattern)]
    patterns_at: list[list[tuple[int, int]]]
    # footpaths[stop] = [(other stop, walk seconds, metres)]
    footpaths: list[list[tuple[int, int, int]]]
    change_s: list[int]  # minimum time to change vehicles at the same stop (FORBIDDEN_S: not allowed)
    # route id -> mode, name, long_name, color
    route_info: dict[str, dict[str, str]] = field(default_factory=dict)
    # stations, entrances, generic nodes, boarding areas -> the stop indices of their platforms
    station_platforms: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # transfers.txt rules naming routes or trips (ranks 1-5, types 0-3); None when the feed has none
    rules: TripRules | None = None
    # the fastest straight-line speed of any hop, once planner.routing.raptor.max_speed_m_s has measured it
    fastest_m_s: float | None = field(default=None, init=False, repr=False, compare=False)
    # the reverse hop graph of planner.routing.raptor's tight lower bounds, once it has built it
    hops_into: list[list[tuple[int, int]]] | None = field(default=None, init=False, repr=False, compare=False)
    # what the timetables of every date of the feed share (stops, trips, walks): lower bounds measured
    # over it hold for every date (planner.routing.raptor keeps them there)
    basis: FeedBasis | None = field(default=None, repr=False, compare=False)
    walking: Walking | None = field(default=None, repr=False, compare=False)

    @property
    def n_stops(self) -> int:
        return len(self.stop_ids)

    def platforms_of(self, stop_id: str) -> tuple[int, ...]:
        """The stop indices a stop id stands for: a platform (or stop) itself; a station's platforms;
        an entrance's or generic node's station's platforms; a boarding area's platform; () if none.

        GTFS reference, stops.txt ``parent_station``: "Defines hierarchy between the different locations
        defined in stops.txt. It contains the ID of the parent location".
        """
        own = self.index.get(stop_id)
        return (own,) if own is not None else self.station_platforms.get(stop_id, ())


@dataclass(frozen=True)
class WalkRules:
    """How walking links stops: speed, circuity, the longest walk, change times."""

    walk_speed_m_s: float = 1.2
    walk_circuity: float = 1.3
    max_walk_m: float = 1500.0
    # None: each stop's own from transfers.txt (from == to), else 0
    min_transfer_s: int | None = None

    def walk_s(self, straight_m: float) -> int:
        return round(straight_m * self.walk_circuity / self.walk_speed_m_s)


@dataclass(frozen=True)
class ExtraTrip:
    """A trip added to the feed's (the proposed shuttle): stops must exist in the timetable."""

    trip_id: str
    route_id: str
    stop_ids: tuple[str, ...]
    arrivals_s: tuple[int, ...]
    departures_s: tuple[int, ...]
    headway_s: int | None = None


@dataclass(frozen=True)
class ExtraStop:
    id: str
    name: str
    lat: float
    lon: float
    name_en: str = ""


def _runs(freqs: list[Frequency], first_departure_s: int) -> Iterator[tuple[int, int]]:
    """Start offsets of the runs of a frequency-based trip, with their headways."""
    for freq in freqs:
        # GTFS: runs start at start_time and every headway_secs while before end_time
        for start in range(freq.start_s, freq.end_s, freq.headway_s):
            yield start - first_departure_s, freq.headway_s


def _trip_runs(feed: Feed, trip_id: str, times: list[StopTime]) -> list[tuple[int, int | None]]:
    """(shift, headway) for each run of a trip: one run for timetabled trips."""
    freqs = feed.frequencies.get(trip_id)
    if not freqs:
        return [(0, None)]
    return list(_runs(freqs, times[0].departure_s))


def service_days(day: dt.date, window_s: tuple[int, int], tz: dt.tzinfo) -> list[tuple[dt.date, int]]:
    """(service day, its shift into ``day``'s time base) of every day whose runs may fall in the window:
    from the day before the window's first day, while the day starts before the window ends."""
    found: list[tuple[dt.date, int]] = []
    k = min(-1, window_s[0] // DAY_S - 1)
    while True:
        other = day + dt.timedelta(days=k)
        shift = day_shift_s(day, other, tz)
        if shift >= window_s[1]:
            return found
        found.append((other, shift))
        k += 1


#: A trip's call at a stop: (stop id, arrival, departure, can board, can alight).
_Call = tuple[str, int, int, bool, bool]
#: A timetabled trip on one service day: (trip id, service day).
_RunKey = tuple[str, dt.date]


def build_timetable(
    feed: Feed,
    day: dt.date,
    rules: WalkRules = WalkRules(),
    extra_stops: tuple[ExtraStop, ...] = (),
    extra_trips: tuple[ExtraTrip, ...] = (),
    window_s: tuple[int, int] = (0, 2 * DAY_S),
    basis: FeedBasis | None = None,
    walking: Walking | None = None,
    extra_runs: tuple[tuple[int, tuple[ExtraTrip, ...]], ...] | None = None,
) -> Timetable:
    """The timetable of ``day``: its trips, yesterday's past midnight, tomorrow's (and later days'
    when the window reaches them).

    ``window_s`` bounds which runs are kept (true seconds after ``day``'s service-day start); the
    service days searched follow from it (:func:`service_days`). ``extra_trips`` run once, in ``day``'s
    time base; or, given ``extra_runs`` ((shift into ``day``'s base, trips) per service day, such as the
    shuttle's of each day's type), those run instead, each shifted, within the window. ``basis`` and ``walking``: what every
    date of the feed shares, built once (:class:`FeedBasis` of this feed and these added stops and trips,
    :class:`Walking` of these rules); built here when not given.

    Examples
    --------
    >>> from planner.sources.gtfs import read_feed
    >>> from pathlib import Path
    >>> feed = read_feed(Path(__file__).parents[2] / "tests" / "feeds" / "tiny")
    >>> tt = build_timetable(feed, dt.date(2024, 2, 13))  # a Tuesday
    >>> [p.trip_ids[0] for p in tt.patterns]  # Monday's 24:50 trip runs at 00:50
    ['t2@3000']
    """
    if basis is None:
        basis = FeedBasis(feed, extra_stops, extra_trips)
    if walking is None:
        walking = Walking(feed, basis, rules)
    stops = basis.stops
    # trips a rule names get patterns of their own, so that all runs of a pattern obey the same rules
    builder = _PatternBuilder(stops, basis.named)
    days = service_days(day, window_s, feed.zone)
    # every timetabled trip on every service day, in day's time base, as (its trip, shift); frequency-based
    # ones go in at once
    runs: dict[_RunKey, tuple[_TripBase, int]] = {}
    for service_day, offset in days:
        services = feed.services_on(service_day)
        for base in basis.trips:
            if base.service_id not in services:
                continue
            for shift, headway in base.runs:
                shift += offset
                outside = base.last_arrival_s + shift < window_s[0] or base.first_departure_s + shift > window_s[1]
                # trips that may continue as others: kept outside the window too, until joined
                if outside and (headway is not None or not base.linkable):
                    continue
                if headway is None:
                    runs[(base.trip_id, service_day)] = (base, shift)  # windowed below, once joined
                else:
                    builder.add_base(base, shift, headway)
    # only runs that may continue as others are spelled out as calls, to be linked
    calls = {key: base.calls(shift) for key, (base, shift) in runs.items() if base.linkable}
    links = _in_seat_links(feed, calls)
    for chain in _chains(runs, links):
        if len(chain) == 1:
            base, shift = runs[chain[0]]
            if base.last_arrival_s + shift < window_s[0] or base.first_departure_s + shift > window_s[1]:
                continue
            builder.add_base(base, shift, None)
            continue
        joined, segments = _joined([calls[key] for key in chain], [feed.trips[t].route_id for t, _ in chain])
        if joined[-1][1] < window_s[0] or joined[0][2] > window_s[1]:
            continue
        trip_ids = tuple(t for t, _ in chain)
        builder.add(feed.trips[trip_ids[0]].route_id, f"{'+'.join(trip_ids)}@{joined[0][2]}", joined, None,
                    segments, trip_ids)
    for offset, trips in ((0, extra_trips),) if extra_runs is None else extra_runs:
        for extra in trips:
            if extra.arrivals_s[-1] + offset < window_s[0] or extra.departures_s[0] + offset > window_s[1]:
                continue
            builder.add(extra.route_id, extra.trip_id,
                        [(s, a + offset, d + offset, True, True)
                         for s, a, d in zip(extra.stop_ids, extra.arrivals_s, extra.departures_s)],
                        extra.headway_s)
    patterns = builder.patterns()
    patterns_at: list[list[tuple[int, int]]] = [[] for _ in stops.ids]
    for p_idx, pattern in enumerate(patterns):
        for pos, stop in enumerate(pattern.stops):
            patterns_at[stop].append((p_idx, pos))
    return Timetable(
        date=day, stop_ids=stops.ids, stop_names=stops.names, stop_names_en=stops.names_en,
        stop_lat=stops.lat, stop_lon=stops.lon,
        index=stops.index, patterns=patterns, patterns_at=patterns_at,
        footpaths=walking.footpaths, change_s=walking.change_s, route_info=basis.route_info,
        station_platforms=basis.station_platforms,
        rules=_trip_rules(feed, stops, rules, patterns, walking.within, walking.change_s),
        basis=basis, walking=walking,
    )


class _TripBase:
    """A trip of the feed as every date's timetable takes it: its calls in stop indices, its runs.

    ``key`` is the pattern key of a run of this trip alone; None when a call's stop is no boarding
    point (the date's build then meets the feed's fault as it always has, by spelling the calls out).
    """

    __slots__ = ("trip_id", "route_id", "service_id", "times", "key", "arrivals", "departures", "runs",
                 "first_departure_s", "last_arrival_s", "linkable")

    def __init__(self, feed: Feed, stops: _StopIndex, trip_id: str, times: list[StopTime], named: set[str],
                 linkable: set[str]) -> None:
        trip = feed.trips[trip_id]
        self.trip_id, self.route_id, self.service_id, self.times = trip_id, trip.route_id, trip.service_id, times
        self.arrivals = [t.arrival_s for t in times]
        self.departures = [t.departure_s for t in times]
        self.first_departure_s, self.last_arrival_s = times[0].departure_s, times[-1].arrival_s
        self.runs = _trip_runs(feed, trip_id, times)
        self.linkable = bool(trip.block_id) or trip_id in linkable
        key: _PatternKey | None
        try:
            key = (trip.route_id, tuple(stops.index[t.stop_id] for t in times),
                   tuple(t.pickup_type != NO_PICKUP for t in times), tuple(t.drop_off_type != NO_PICKUP for t in times),
                   (), (trip_id,) if trip_id in named else ())
        except KeyError:
            key = None
        self.key = key

    def calls(self, shift: int) -> list[_Call]:
        """The trip's calls, ``shift`` seconds later."""
        return [(t.stop_id, t.arrival_s + shift, t.departure_s + shift,
                 t.pickup_type != NO_PICKUP, t.drop_off_type != NO_PICKUP) for t in self.times]


class FeedBasis:
    """What the timetables of every date of one feed (with the same added stops and trips) share: the stops,
    each trip's calls and runs, the stations' platforms, the routes. Built once per feed
    (:class:`planner.routing.journeys.JourneyPlanner` keeps it); a date's build then only picks the runs.

    ``fastest_m_s`` and ``least_hop_s`` are lower bounds over every run of every trip (any date, the added
    trips too), hence over any date's: :mod:`planner.routing.raptor` measures them once and keeps them here.
    """

    def __init__(self, feed: Feed, extra_stops: tuple[ExtraStop, ...] = (),
                 extra_trips: tuple[ExtraTrip, ...] = ()) -> None:
        self.stops = _StopIndex(feed, extra_stops)
        self.extra_trips = extra_trips
        self.named = {t for r in feed.transfer_rules if r.type <= 3 and r.rank < 6 for t in (r.from_trip, r.to_trip) if t}
        linkable = {t for r in feed.transfer_rules if r.type == 4 for t in (r.from_trip, r.to_trip)}
        self.trips = [_TripBase(feed, self.stops, trip_id, times, self.named, linkable)
                      for trip_id, times in feed.stop_times.items()]
        self.station_platforms = _station_platforms(feed, self.stops)
        self.route_info = _route_info(feed)
        self.fastest_m_s: float | None = None  # the fastest straight-line speed of a hop of any run
        self.least_hop_s: dict[tuple[int, int], int] | None = None  # (a, b) -> least seconds of a hop a to b


class Walking:
    """Footpaths and change times of a feed's stops under walking rules: the same on every date.

    ``fastest_m_s`` and ``least_s``: lower bounds over its footpaths, kept by :mod:`planner.routing.raptor`.
    """

    def __init__(self, feed: Feed, basis: FeedBasis, rules: WalkRules) -> None:
        self.within = _walks_within(basis.stops, rules)
        self.footpaths, self.change_s = _stop_rules(feed, basis.stops, rules, self.within)
        self.fastest_m_s: float | None = None
        self.least_s: dict[tuple[int, int], int] | None = None


def _station_platforms(feed: Feed, stops: _StopIndex) -> dict[str, tuple[int, ...]]:
    """Every stop id that is not a platform, with the platforms it stands for (:meth:`Feed.platforms_of`)."""
    found = {}
    for stop in feed.stops.values():
        if stop.location_type != PLATFORM:
            platforms = tuple(stops.index[p] for p in feed.platforms_of(stop.id) if p in stops.index)
            if platforms:
                found[stop.id] = platforms
    return found


# --------------------------------------------------------------------- in-seat transfers


def _in_seat_links(feed: Feed, calls: dict[_RunKey, list[_Call]]) -> dict[_RunKey, list[_RunKey]]:
    """Which runs a vehicle goes on as, riders staying on board: run -> the runs it continues as.

    GTFS reference, transfers.txt: type 4, "Passengers can transfer from one trip to another by staying
    onboard the same vehicle (an \\"in-seat transfer\\")"; "The last arrival time of from_trip_id MAY be
    later than the first departure time of to_trip_id in case the to_trip_id trip is occurring the
    subsequent service day". trips.txt ``block_id``: "A block consists of a single trip or many
    sequential trips made using the same vehicle, defined by shared service days and block_id".
    transfers.txt, "Linked trips": "The following applies to transfer_type=4 and =5, which are used to
    link trips together, with or without in-seat transfers", and "If both a linked trips transfer and a
    block_id are provided and they produce conflicting results, then the linked trips transfer shall be
    used"; type 5, "In-seat transfers are not allowed between sequential trips".

    So: each type-4 pair links the from-trip's run of a service day to the to-trip's run of the same
    service day when the to-trip leaves (by its own times) no earlier than the from-trip arrives, else to
    the next service day's: only that run, and only if it runs. Consecutive trips of one block on one
    service day (by first departure) link when the first ends where the next begins (the same stop, or
    two platforms of one station) no later than it leaves, unless either trip is linked by transfers.txt
    (type 4 or 5) on that side: the linked trips say where its vehicle goes. Pairs that a type-5 rule
    names are never linked.
    """
    seated = [r for r in feed.transfer_rules if r.type == 4]
    apart = {(r.from_trip, r.to_trip) for r in feed.transfer_rules if r.type == 5}
    linked_out = {r.from_trip for r in feed.transfer_rules if r.type in (4, 5)}
    linked_in = {r.to_trip for r in feed.transfer_rules if r.type in (4, 5)}
    links: dict[_RunKey, list[_RunKey]] = {}

    def link(a: _RunKey, b: _RunKey) -> None:
        if (a[0], b[0]) not in apart and b not in links.get(a, []):
            links.setdefault(a, []).append(b)

    one_day = dt.timedelta(days=1)
    days_of: dict[str, list[dt.date]] = {}
    for trip_id, service_day in calls:
        days_of.setdefault(trip_id, []).append(service_day)
    for rule in seated:
        before, after = feed.stop_times.get(rule.from_trip), feed.stop_times.get(rule.to_trip)
        if not before or not after:
            continue
        next_day = one_day if after[0].departure_s < before[-1].arrival_s else dt.timedelta(0)
        for service_day in days_of.get(rule.from_trip, []):
            if (rule.to_trip, service_day + next_day) in calls:
                link((rule.from_trip, service_day), (rule.to_trip, service_day + next_day))
    blocks: dict[tuple[str, dt.date], list[_RunKey]] = {}
    for key in calls:
        block_id = feed.trips[key[0]].block_id
        if block_id:
            blocks.setdefault((block_id, key[1]), []).append(key)
    for keys in blocks.values():
        keys.sort(key=lambda k: (calls[k][0][2], calls[k][-1][1]))
        for a, b in zip(keys, keys[1:]):
            last, first = calls[a][-1], calls[b][0]
            if (a[0] not in linked_out and b[0] not in linked_in and last[1] <= first[2]
                    and _same_place(feed, last[0], first[0])):
                link(a, b)
    return links


def _same_place(feed: Feed, a: str, b: str) -> bool:
    """Whether two stops are one, or two platforms of one station."""
    if a == b:
        return True
    parent = feed.stops[a].parent_id
    return bool(parent) and parent == feed.stops[b].parent_id


def _chains(calls: Mapping[_RunKey, object], links: dict[_RunKey, list[_RunKey]]) -> Iterator[list[_RunKey]]:
    """Every run as one vehicle rides it: a run alone, or a maximal path of in-seat links (a 1-to-n link
    gives a path per branch, at most :data:`MAX_CHAIN_PATHS` from one start)."""
    has_before = {b for after in links.values() for b in after}
    for key in calls:
        if key in has_before:
            continue  # ridden as part of the chains that reach it
        paths: list[list[_RunKey]] = []
        stack = [[key]]
        while stack and len(paths) < MAX_CHAIN_PATHS:
            path = stack.pop()
            nexts = [b for b in links.get(path[-1], []) if b not in path]
            if not nexts:
                paths.append(path)
            stack += [path + [b] for b in reversed(nexts)]
        yield from paths
    # runs only on cycles of links (never in time order, but feeds are feeds) are ridden alone
    reached = {key for key in calls if key not in has_before}
    frontier = list(reached)
    while frontier:
        for b in links.get(frontier.pop(), []):
            if b not in reached:
                reached.add(b)
                frontier.append(b)
    for key in calls:
        if key not in reached:
            yield [key]


def _joined(runs: list[list[_Call]], route_ids: list[str]) -> tuple[list[_Call], tuple[tuple[int, str], ...]]:
    """The calls of one vehicle running several trips in turn, and where each trip starts.

    Where a trip ends at the stop the next begins at, the two calls are one: the arrival of the first,
    the departure of the next, boarding as the next allows it, alighting as the first does. Elsewhere
    (two platforms of a station, or a type-4 link between distant stops) the first's last call only sets
    down and the next's first call only picks up.
    """
    joined = list(runs[0])
    if len(runs) == 1:
        return joined, ()
    segments = [(0, route_ids[0])]
    for run, route_id in zip(runs[1:], route_ids[1:]):
        end, start = joined[-1], run[0]
        if end[0] == start[0]:
            joined[-1] = (end[0], end[1], start[2], start[3], end[4])
            segments.append((len(joined) - 1, route_id))
            joined += run[1:]
        else:
            joined[-1] = (end[0], end[1], end[2], False, end[4])
            segments.append((len(joined), route_id))
            joined += [(start[0], start[1], start[2], start[3], False), *run[1:]]
    return joined, tuple(segments)


class _StopIndex:
    """Stops that trips can use, numbered 0..n-1 (boarding points, not stations)."""

    def __init__(self, feed: Feed, extra_stops: tuple[ExtraStop, ...]) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.names_en: list[str] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.index: dict[str, int] = {}
        for stop in feed.stops.values():
            if stop.location_type == PLATFORM:
                self._add(stop.id, stop.name, stop.name_en, stop.lat, stop.lon)
        for extra in extra_stops:
            self._add(extra.id, extra.name, extra.name_en or extra.name, extra.lat, extra.lon)

    def _add(self, stop_id: str, name: str, name_en: str, lat: float, lon: float) -> None:
        self.index[stop_id] = len(self.ids)
        self.ids.append(stop_id)
        self.names.append(name)
        self.names_en.append(name_en)
        self.lat.append(lat)
        self.lon.append(lon)


#: What a pattern shares: (route id, stop indices, can board, can alight, segments, trips rules name).
_PatternKey = tuple[str, tuple[int, ...], tuple[bool, ...], tuple[bool, ...], tuple[tuple[int, str], ...],
                    tuple[str, ...]]
#: One run: (arrivals, departures, trip id, headway or None, GTFS trip ids, the trip it is a shift of or None).
_Run = tuple[list[int], list[int], str, "int | None", tuple[str, ...], "_TripBase | None"]


class _PatternBuilder:
    """Groups runs into patterns; runs that would overtake go to a pattern of their own."""

    def __init__(self, stops: _StopIndex, named: set[str] | None = None) -> None:
        self.stops = stops
        self.named = named or set()  # trips transfers.txt rules name: each keeps patterns of its own
        self.trips_by_key: dict[_PatternKey, list[_Run]] = {}

    def add(self, route_id: str, trip_id: str, calls: list[_Call], headway: int | None,
            segments: tuple[tuple[int, str], ...] = (), trips: tuple[str, ...] = ()) -> None:
        named = tuple(t if t in self.named else "" for t in trips or (trip_id,))
        key = (route_id, tuple(self.stops.index[c[0]] for c in calls),
               tuple(c[3] for c in calls), tuple(c[4] for c in calls), segments, named if any(named) else ())
        self.trips_by_key.setdefault(key, []).append(
            ([c[1] for c in calls], [c[2] for c in calls], trip_id, headway, trips or (trip_id,), None))

    def add_base(self, base: _TripBase, shift: int, headway: int | None) -> None:
        """A run of one trip alone, ``shift`` seconds after the trip's own times."""
        label = f"{base.trip_id}@{base.first_departure_s + shift}"
        if base.key is None:  # a call at a stop that is no boarding point: as the feed has it, a KeyError
            self.add(base.route_id, label, base.calls(shift), headway, trips=(base.trip_id,))
            return
        self.trips_by_key.setdefault(base.key, []).append(
            ([a + shift for a in base.arrivals], [d + shift for d in base.departures], label, headway,
             (base.trip_id,), base))

    def patterns(self) -> list[Pattern]:
        found: list[Pattern] = []
        for key, trips in self.trips_by_key.items():
            # In order of first departure, each trip joins the first pattern whose
            # latest trip it does not overtake (RAPTOR's "earliest trip" needs FIFO).
            trips.sort(key=lambda trip: (trip[1][0], trip[0][-1]))
            chains: list[Pattern] = []
            last_of: list[_TripBase | None] = []  # the trip each chain's latest run is a shift of
            for arrivals, departures, trip_id, headway, run_trips, base in trips:
                # a later shift of the same trip as a chain's latest run never overtakes it
                at = next((i for i, p in enumerate(chains) if (base is not None and last_of[i] is base)
                           or _follows(p, arrivals, departures)), None)
                if at is None:
                    chain = Pattern(key[0], key[1], key[2], key[3], key[4])
                    chains.append(chain)
                    last_of.append(base)
                else:
                    chain = chains[at]
                    last_of[at] = base
                chain.arrivals.append(arrivals)
                chain.departures.append(departures)
                chain.trip_ids.append(trip_id)
                chain.run_trips.append(run_trips)
                chain.headway_s.append(headway)
            found += chains
        for pattern in found:
            pattern.finish()
        return found


def _follows(pattern: Pattern, arrivals: list[int], departures: list[int]) -> bool:
    """Whether a trip is nowhere earlier than the pattern's latest trip."""
    last_arr, last_dep = pattern.arrivals[-1], pattern.departures[-1]
    return all(a >= la and d >= ld for a, d, la, ld in zip(arrivals, departures, last_arr, last_dep))


# --------------------------------------------------------------------- transfers between stops


def _walks_within(stops: _StopIndex, rules: WalkRules) -> dict[tuple[int, int], tuple[int, int]]:
    """(a, b) -> (seconds, metres) of every walk between two stops within ``rules.max_walk_m``."""
    paths: dict[tuple[int, int], tuple[int, int]] = {}
    if rules.max_walk_m <= 0:
        return paths
    points = [(i, stops.lat[i], stops.lon[i]) for i in range(len(stops.ids))]
    limit_m = rules.max_walk_m / rules.walk_circuity
    for (a, lat_a, lon_a), (b, lat_b, lon_b) in near_pairs(points, limit_m):
        straight = distance_m((lat_a, lon_a), (lat_b, lon_b))
        if straight <= limit_m and a != b:
            walk = (rules.walk_s(straight), round(straight * rules.walk_circuity))
            paths[(a, b)] = paths[(b, a)] = walk
    return paths


def _stop_rules(feed: Feed, stops: _StopIndex, rules: WalkRules, within: dict[tuple[int, int], tuple[int, int]],
                ) -> tuple[list[list[tuple[int, int, int]]], list[int]]:
    """Footpaths between stops and the change time at each, from geometry and the stop-only rules of
    transfers.txt (rank 6: no route, no trip).

    GTFS reference, transfers.txt: ``from_stop_id`` "If this field refers to a station, the transfer rule
    applies to all its child stops"; types 0 "Recommended transfer point between routes", 1 "Timed
    transfer point between two routes. The departing vehicle is expected to wait for the arriving one",
    2 "Transfer requires a minimum amount of time between arrival and departure to ensure a connection.
    The time required to transfer is specified by min_transfer_time", 3 "Transfers are not possible
    between routes at the location".

    At one stop, the change time: type 3 forbids changing (:data:`FORBIDDEN_S`), type 2 is its
    ``min_transfer_time``, type 1 is 0 (the vehicle waits), type 0 (and no rule) is the default:
    ``WalkRules.min_transfer_s`` when given, else 0. ``min_transfer_s`` given overrides every time, never
    a type-3 ban. Between two stops (only when walking is allowed at all): type 3 removes the walk, types
    0-2 add it (even beyond the longest walk: the feed says one can), a type 2 taking at least its time.
    A rule naming a platform beats one naming its station (a step of specificity below the reference's
    rank 6: the stop named is more precise than "all its child stops"); of equals the first read wins.
    """
    n = len(stops.ids)
    default = rules.min_transfer_s if rules.min_transfer_s is not None else 0
    change = [default] * n
    # (from, to) -> (how many sides name a platform, rule): the most precise rule of each pair
    chosen: dict[tuple[int, int], tuple[int, TransferRule]] = {}
    for rule in feed.transfer_rules:
        if rule.rank != 6 or rule.type > 3:
            continue
        froms = [stops.index[s] for s in feed.platforms_of(rule.from_stop) if s in stops.index]
        tos = [stops.index[s] for s in feed.platforms_of(rule.to_stop) if s in stops.index]
        precision = (rule.from_stop in stops.index) + (rule.to_stop in stops.index)
        for i in froms:
            for j in tos:
                held = chosen.get((i, j))
                if held is None or precision > held[0]:
                    chosen[(i, j)] = (precision, rule)
    for (i, j), (_, rule) in chosen.items():
        if i != j:
            continue
        if rule.type == 3:
            change[i] = FORBIDDEN_S
        elif rules.min_transfer_s is None:
            change[i] = {1: 0, 2: rule.min_s or 0}.get(rule.type, default)
    if rules.max_walk_m <= 0:
        return [[] for _ in stops.ids], change
    paths = dict(within)
    for (i, j), (_, rule) in chosen.items():
        if i == j:
            continue
        if rule.type == 3:
            paths.pop((i, j), None)
            continue
        straight = distance_m((stops.lat[i], stops.lon[i]), (stops.lat[j], stops.lon[j]))
        metres = round(straight * rules.walk_circuity)
        if (i, j) in paths:
            walk_s, metres = paths[(i, j)]
        else:  # beyond the longest walk: a type 2's time is the feed's word for it; else walking it
            walk_s = 0 if rule.type == 2 and rule.min_s is not None else rules.walk_s(straight)
        paths[(i, j)] = (max(walk_s, rule.min_s or 0) if rule.type == 2 else walk_s, metres)
    result: list[list[tuple[int, int, int]]] = [[] for _ in stops.ids]
    for (a, b), (seconds, metres) in paths.items():
        result[a].append((b, seconds, metres))
    return result, change


def _trip_rules(feed: Feed, stops: _StopIndex, rules: WalkRules, patterns: list[Pattern],
                within: dict[tuple[int, int], tuple[int, int]], change: list[int]) -> TripRules | None:
    """The rules of types 0-3 naming routes or trips (ranks 1-5) as :class:`TripRules`; None if there are none.

    For each pair of stops (p, q) such a rule covers, and each class at p and at q, the rule chosen is the
    one of greatest specificity that applies (any rank, stop-only ones included), a platform named beating
    its station at equal rank, the first read of equals (as :func:`_stop_rules` does). Its time is that of
    a stop-only rule: at one stop, type 3 forbids the change, 2 waits ``min_transfer_time``, 1 nothing, 0
    (or no rule) the default, ``WalkRules.min_transfer_s`` overriding all but bans; between two stops, only
    when walking is allowed: no rule, the walk within the longest one; type 3 none; types 0-2 a walk however
    long, a type 2 taking at least its time (beyond the longest walk, its time alone).
    """
    def platforms(stop_id: str) -> list[int]:
        return [stops.index[s] for s in feed.platforms_of(stop_id) if s in stops.index]

    # (p, q) -> [(rank, -precision, order, rule)] of every rule of types 0-3 covering it
    covering: dict[tuple[int, int], list[tuple[int, int, int, TransferRule]]] = {}
    named_from: dict[int, tuple[set[str], set[str]]] = {}  # p -> (trips, routes) rules name as from there
    named_to: dict[int, tuple[set[str], set[str]]] = {}
    covered: set[tuple[int, int]] = set()
    for order, rule in enumerate(feed.transfer_rules):
        if rule.type > 3:
            continue
        froms, tos = platforms(rule.from_stop), platforms(rule.to_stop)
        if not froms or not tos:
            continue
        precision = (rule.from_stop in stops.index) + (rule.to_stop in stops.index)
        for i in froms:
            for j in tos:
                covering.setdefault((i, j), []).append((rule.rank, -precision, order, rule))
        if rule.rank < 6:
            covered.update((i, j) for i in froms for j in tos)
            for ends, names, trip, route in ((froms, named_from, rule.from_trip, rule.from_route),
                                             (tos, named_to, rule.to_trip, rule.to_route)):
                for stop in ends:
                    trips, routes = names.setdefault(stop, (set(), set()))
                    if trip:
                        trips.add(trip)
                    elif route:
                        routes.add(route)
    if not covered:
        return None
    classes: list[tuple[str, str]] = [("", "")]
    class_id: dict[tuple[str, str], int] = {("", ""): 0}

    def class_of(names: tuple[set[str], set[str]], trip: str, route: str) -> int:
        key = (trip, route) if trip in names[0] else ("", route) if route in names[1] else ("", "")
        if key not in class_id:
            class_id[key] = len(classes)
            classes.append(key)
        return class_id[key]

    def classes_at(names: tuple[set[str], set[str]]) -> set[int]:
        found = {0} | {class_of(names, "", route) for route in names[1]}
        return found | {class_of(names, trip, feed.trips[trip].route_id) for trip in names[0] if trip in feed.trips}

    def applies(trip: str, route: str, cls: tuple[str, str]) -> bool:
        return cls[0] == trip if trip else cls[1] == route if route else True

    no_names: tuple[set[str], set[str]] = (set(), set())
    sources: dict[tuple[int, int], list[Change]] = {}
    for p, q in sorted(covered):
        straight = distance_m((stops.lat[p], stops.lon[p]), (stops.lat[q], stops.lon[q]))
        metres = round(straight * rules.walk_circuity) if p != q else 0
        for fc in classes_at(named_from.get(p, no_names)):
            for tc in classes_at(named_to.get(q, no_names)):
                chosen = min(((rank, precision, order, rule) for rank, precision, order, rule in covering[(p, q)]
                              if applies(rule.from_trip, rule.from_route, classes[fc])
                              and applies(rule.to_trip, rule.to_route, classes[tc])), default=None)
                secs = _change_s(p, q, chosen[3] if chosen else None, rules, within, straight)
                if secs is not None:
                    sources.setdefault((q, tc), []).append((p, fc, secs, metres))
    targets: dict[int, list[int]] = {}
    for p, q in sorted(covered):
        targets.setdefault(p, []).append(q)
    alight_cls: list[tuple[int, ...] | None] = []
    board_cls: list[tuple[int, ...] | None] = []
    for pattern in patterns:
        for names_at, found, alighting in ((named_from, alight_cls, True), (named_to, board_cls, False)):
            # (the stops with names are exactly the p and the q of the covered pairs)
            row = tuple(class_of(names_at[stop], *pattern.trip_at(0, pos, alighting)) if stop in names_at else -1
                        for pos, stop in enumerate(pattern.stops))
            found.append(row if any(c >= 0 for c in row) else None)
    into = frozenset(q for _, q in covered)
    return TripRules(classes, {p: tuple(qs) for p, qs in targets.items()}, into,
                     {key: tuple(found) for key, found in sources.items()}, alight_cls, board_cls)


def _change_s(p: int, q: int, rule: TransferRule | None, rules: WalkRules,
              within: dict[tuple[int, int], tuple[int, int]], straight_m: float) -> int | None:
    """Seconds from setting down at stop p to being ready to board at q under ``rule`` (None: no rule
    applies); None: not possible."""
    if rule is not None and rule.type == 3:
        return None
    if p == q:
        if rules.min_transfer_s is not None:
            return rules.min_transfer_s
        return (rule.min_s or 0) if rule is not None and rule.type == 2 else 0
    if rules.max_walk_m <= 0:
        return None
    walk = within.get((p, q))
    walk_s = walk[0] if walk is not None else None
    if rule is None:
        return walk_s
    if walk_s is None:  # beyond the longest walk: a type 2's time is the feed's word for it; else walking it
        walk_s = 0 if rule.type == 2 and rule.min_s is not None else rules.walk_s(straight_m)
    return max(walk_s, rule.min_s or 0) if rule.type == 2 else walk_s


def _route_info(feed: Feed) -> dict[str, dict[str, str]]:
    return {
        r.id: {"mode": r.mode, "name": r.short_name or r.long_name, "long_name": r.long_name,
               "color": r.color}
        for r in feed.routes.values()
    }
