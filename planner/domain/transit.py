"""A transit feed as data: stops, routes, trips, stop times, frequencies and services, as GTFS has them.

Plain data with no I/O; :mod:`planner.sources.gtfs` reads feeds into it, routing builds timetables from it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
    # (from_stop, to_stop) -> minimum transfer seconds
    transfers_s: dict[tuple[str, str], int] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"
    source: str = ""
    warnings: list[str] = field(default_factory=list)

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
