"""A transit feed as data: stops, routes, trips, stop times, frequencies and services, as GTFS has them.

Plain data with no I/O; :mod:`planner.sources.gtfs` reads feeds into it, routing builds timetables from it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Stop ``location_type`` values (GTFS stops.txt): a stop or platform, a station, an entrance or exit,
#: a generic node, a boarding area.
PLATFORM, STATION, ENTRANCE, GENERIC_NODE, BOARDING_AREA = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Stop:
    id: str
    name: str
    lat: float
    lon: float
    parent_id: str = ""
    location_type: int = 0
    code: str = ""
    desc: str = ""

    @property
    def name_en(self) -> str:
        """A Latin-script name: ``stop_code``; else a romanisation in ``stop_desc``
        (one word such as ``dongjiaojiyi``, capitalised), or the description's first
        part; else the name itself."""
        if self.code:
            return self.code
        desc = self.desc.strip()
        if not desc.isascii() or not any(c.isalpha() for c in desc):
            return self.name
        if desc.isalnum():
            return desc[:1].upper() + desc[1:]
        return desc.split(" - ")[0].strip() or self.name


@dataclass(frozen=True)
class Route:
    id: str
    short_name: str
    long_name: str
    route_type: int
    color: str = ""
    agency_id: str = ""

    @property
    def mode(self) -> str:
        """A coarse mode name from the GTFS route_type (basic and extended)."""
        if self.route_type in (0, 900) or 900 <= self.route_type < 1000:
            return "tram"
        if self.route_type in (1, 2) or 100 <= self.route_type < 500:
            return "metro" if self.route_type in (1, 401, 402) else "rail"
        return "bus" if self.route_type in (3, 11) or 700 <= self.route_type < 800 else "other"


@dataclass(frozen=True)
class StopTime:
    stop_id: str
    arrival_s: int
    departure_s: int
    pickup_type: int = 0
    drop_off_type: int = 0


@dataclass(frozen=True)
class Trip:
    id: str
    route_id: str
    service_id: str
    direction_id: str = ""
    headsign: str = ""
    shape_id: str = ""
    #: trips of one block (a vehicle) on one service day, ridden in sequence: in-seat continuations
    block_id: str = ""


@dataclass(frozen=True)
class Frequency:
    trip_id: str
    start_s: int
    end_s: int
    headway_s: int
    exact_times: bool


@dataclass(frozen=True)
class Service:
    id: str
    weekdays: tuple[bool, ...]  # Monday first
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class TransferRule:
    """One row of transfers.txt, as read: all six ids (empty when not given), the type and its time.

    GTFS reference, transfers.txt: ``transfer_type`` 0 "Recommended transfer point between routes",
    1 "Timed transfer point between two routes. The departing vehicle is expected to wait for the
    arriving one", 2 "Transfer requires a minimum amount of time between arrival and departure to
    ensure a connection. The time required to transfer is specified by min_transfer_time",
    3 "Transfers are not possible between routes at the location", 4 "Passengers can transfer from one
    trip to another by staying onboard the same vehicle (an \"in-seat transfer\")", 5 "In-seat transfers
    are not allowed between sequential trips. The passenger must alight from the vehicle and re-board."
    An empty ``transfer_type`` is 0. ``line`` is the row's line in transfers.txt (0: not read from a file).

    Examples
    --------
    >>> TransferRule("X", "X", type=3).rank, TransferRule("C", "C", from_trip="b1", to_trip="r1", type=4).rank
    (6, 1)
    """

    from_stop: str = ""
    to_stop: str = ""
    from_route: str = ""
    to_route: str = ""
    from_trip: str = ""
    to_trip: str = ""
    type: int = 0
    min_s: int | None = None
    line: int = 0

    @property
    def rank(self) -> int:
        """Specificity as the reference orders it, 1 (most specific) to 6 (stops only).

        "1. Both trip_ids defined between two trips. 2. One trip_id and route_id set defined: (from_trip_id
        and to_route_id) or (from_route_id and to_trip_id). 3. One trip_id defined. 4. Both route_ids
        defined. 5. One route_id defined. 6. Only from_stop_id and to_stop_id defined."
        (A trip given beside a route takes precedence: "from_trip_id will take precedence".)
        """
        from_trip, to_trip = bool(self.from_trip), bool(self.to_trip)
        from_route = bool(self.from_route) and not from_trip
        to_route = bool(self.to_route) and not to_trip
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

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """What the rule applies to: rules of one key are duplicates (the first one read is kept)."""
        return (self.from_stop, self.to_stop, self.from_route, self.to_route, self.from_trip, self.to_trip)


class MinTransferTimes(MutableMapping[tuple[str, str], int]):
    """``{(from_stop, to_stop): min_transfer_time}`` of a feed's stop-only type-2 rules, read and written
    through :attr:`Feed.transfer_rules` (the form transfers.txt had before every type was kept)."""

    def __init__(self, rules: list[TransferRule]) -> None:
        self._rules = rules

    def _index(self, key: tuple[str, str]) -> int | None:
        for i, rule in enumerate(self._rules):
            if (rule.from_stop, rule.to_stop) == key and rule.rank == 6 and rule.type == 2 and rule.min_s is not None:
                return i
        return None

    def __getitem__(self, key: tuple[str, str]) -> int:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        seconds = self._rules[i].min_s
        assert seconds is not None  # _index finds timed rules only
        return seconds

    def __setitem__(self, key: tuple[str, str], seconds: int) -> None:
        i = self._index(key)
        rule = TransferRule(key[0], key[1], type=2, min_s=seconds)
        if i is None:
            self._rules.append(rule)
        else:
            self._rules[i] = rule

    def __delitem__(self, key: tuple[str, str]) -> None:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        del self._rules[i]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        for rule in self._rules:
            key = (rule.from_stop, rule.to_stop)
            if key not in seen and rule.rank == 6 and rule.type == 2 and rule.min_s is not None:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass
class Feed:
    """A GTFS feed as read, with the warnings that reading it raised."""

    stops: dict[str, Stop] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    trips: dict[str, Trip] = field(default_factory=dict)
    stop_times: dict[str, list[StopTime]] = field(default_factory=dict)
    frequencies: dict[str, list[Frequency]] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    # (service_id, date) -> True added, False removed
    service_exceptions: dict[tuple[str, dt.date], bool] = field(default_factory=dict)
    #: transfers.txt, every type (0-5), in the file's order
    transfer_rules: list[TransferRule] = field(default_factory=list)
    #: station id -> its platforms (location_type 0 stops whose parent_station it is)
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def transfers_s(self) -> MinTransferTimes:
        """Stop-only minimum transfer times, ``{(from_stop, to_stop): seconds}``, over :attr:`transfer_rules`."""
        return MinTransferTimes(self.transfer_rules)

    @property
    def zone(self) -> dt.tzinfo:
        """The feed's time zone (``agency_timezone``); UTC when the name is not an IANA zone."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return dt.timezone.utc

    def platforms_of(self, stop_id: str) -> tuple[str, ...]:
        """The platforms (location_type 0) a stop id stands for: a platform itself, a station's
        platforms, an entrance's or generic node's station's platforms, a boarding area's platform.

        GTFS reference, stops.txt ``parent_station``: a platform's parent is a station; an entrance,
        a generic node's parent is a station; a boarding area's parent is a platform.

        Examples
        --------
        >>> feed = Feed(stops={"S": Stop("S", "S", 0, 0, location_type=STATION),
        ...                    "P1": Stop("P1", "1", 0, 0, parent_id="S"), "P2": Stop("P2", "2", 0, 0, parent_id="S"),
        ...                    "E": Stop("E", "exit", 0, 0, parent_id="S", location_type=ENTRANCE)},
        ...             children={"S": ("P1", "P2")})
        >>> feed.platforms_of("E"), feed.platforms_of("P2"), feed.platforms_of("nowhere")
        (('P1', 'P2'), ('P2',), ())
        """
        stop = self.stops.get(stop_id)
        if stop is None:
            return ()
        if stop.location_type == PLATFORM:
            return (stop.id,)
        if stop.location_type == STATION:
            return self.children.get(stop.id, ())
        parent = self.stops.get(stop.parent_id)
        if parent is None:
            return ()
        if stop.location_type == BOARDING_AREA:
            return (parent.id,) if parent.location_type == PLATFORM else ()
        return self.children.get(parent.id, ()) if parent.location_type == STATION else ()

    def services_on(self, day: dt.date) -> set[str]:
        """Service ids running on ``day`` after calendar and calendar_dates."""
        active = {
            s.id for s in self.services.values()
            if s.start <= day <= s.end and s.weekdays[day.weekday()]
        }
        for (service_id, date), added in self.service_exceptions.items():
            if date == day:
                (active.add if added else active.discard)(service_id)
        return active

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        dates = [d for s in self.services.values() for d in (s.start, s.end)]
        dates += [d for (_, d) in self.service_exceptions]
        return (min(dates), max(dates)) if dates else None
