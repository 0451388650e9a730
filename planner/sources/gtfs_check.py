"""Strict checking of the bundled GTFS feed (``data/gtfs``), as strict as the YAML files.

:func:`planner.sources.gtfs.read_feed` reads feeds from the wild: it skips what it cannot use with a
warning and refuses a feed only when routing is impossible, so real public feeds stay readable. The
bundled feed is ours, built by ``planner build-gtfs``: every fault in it is an error, named with file,
line, record and field (``gtfs/stops.txt:12 stops[m-3].stop_lat: ...``). ``planner check-data`` and
``planner serve`` refuse data with any (through :func:`planner.sources.datafiles.load_model`).

What is checked: positions inside the planner's area (Chengdu), times parseable and never going back
along a trip, references (trip -> route and service, stop_times -> trip and stop, frequencies ->
trip, transfers -> stops, stops -> parent station), calendars (real dates, the end not before the
start, no unknown service), frequencies (start before end, headway above 0) and transfers (type 0-5,
no negative minimum time).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Container, Iterator
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.domain import geo
from planner.domain.errors import Problem
from planner.sources.gtfs import REQUIRED_FILES, GtfsError, Row, _decode, _Source, parse_gtfs_time

_T = TypeVar("_T")

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Bad(Exception):
    """A field's value is wrong; the message says how."""


def _date(text: str) -> dt.date:
    if len(text) != 8 or not text.isdigit():
        raise _Bad(f"expected a date YYYYMMDD, got {text!r}")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise _Bad(f"{text!r} is not a date ({exc})") from None


def _int(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise _Bad(f"expected a whole number, got {text!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Bad(f"{value} is outside {'' if low is None else low}..{'' if high is None else high}")
        return value
    return parse


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _Bad(f"expected a number, got {text!r}") from None


def _time(text: str) -> int:
    try:
        seconds = parse_gtfs_time(text)
    except ValueError as exc:
        raise _Bad(str(exc)) from None
    if seconds is None:
        raise _Bad("missing")
    return seconds


class _Checker:
    def __init__(self, path: Path, label: str) -> None:
        self.src = _Source(path)
        self.label = label
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def add(self, name: str, line: int, record: str, field: str, message: str) -> None:
        self.problems.append(Problem(f"{self.label}/{name}:{line} {record}.{field}", message))

    def reference(self, name: str, line: int, record: str, field: str, value: str, known: Container[str],
                  noun: str, where: str) -> None:
        """A fault when ``value`` (a reference to another file's record) is empty or names none there."""
        if not value:
            self.add(name, line, record, field, "missing")
        elif value not in known:
            self.add(name, line, record, field, f"unknown {noun} {value!r} (not in {where})")

    def rows(self, name: str) -> Iterator[tuple[int, Row]]:
        """(line, row) of a file, names and values stripped; a row with more or fewer values than the
        header has columns (a stray comma, an unclosed quote) is a problem and not yielded."""
        if not self.src.has(name):
            return
        reader = csv.reader(io.StringIO(_decode(self.src.read_bytes(name), name, self.warnings), newline=""))
        header = [h.replace("\ufeff", "").strip().lower() for h in next(reader, [])]
        if not header:
            self.problems.append(Problem(f"{self.label}/{name}:1", "empty file: no header"))
            return
        line = 1
        for values in reader:
            first, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                self.problems.append(Problem(
                    f"{self.label}/{name}:{first}",
                    f"{len(values)} values but the header has {len(header)} columns (a stray comma or quote?)"))
                continue
            yield first, {k: v.strip() for k, v in zip(header, values)}

    def field(self, name: str, line: int, row: Row, record: str, field: str, parse: Callable[[str], _T],
              required: bool = True) -> _T | None:
        """``row[field]`` parsed; a problem (and None) when it is wrong, or missing and required."""
        value = row.get(field, "")
        if not value:
            if required:
                self.add(name, line, record, field, "missing")
            return None
        try:
            return parse(value)
        except _Bad as exc:
            self.add(name, line, record, field, str(exc))
            return None

    def ids(self, name: str, line: int, row: Row, key: str, seen: dict[str, int]) -> str | None:
        value = row.get(key, "")
        record = f"{name.removesuffix('.txt')}[{value}]"
        if not value:
            self.add(name, line, f"{name.removesuffix('.txt')}[line {line}]", key, "missing")
            return None
        if value in seen:
            self.add(name, line, record, key, f"{value!r} again (first at line {seen[value]})")
            return None
        seen[value] = line
        return value


def check_feed(path: str | Path, label: str = "gtfs") -> list[Problem]:
    """Every fault of a feed that must be clean (the bundled one), each with file, line, record, field.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> check_feed(bundled_data_dir() / "gtfs")
    []
    """
    try:
        c = _Checker(Path(path), label)
    except GtfsError as exc:
        return [Problem(label, str(exc))]
    missing = [n for n in REQUIRED_FILES if not c.src.has(n)]
    if missing:
        return [Problem(label, f"missing {', '.join(missing)}")]
    agencies = _agencies(c)
    stops = _stops(c)
    routes = _routes(c, agencies)
    services = _calendars(c)
    trips = _trips(c, routes, services)
    _stop_times(c, trips, stops)
    _frequencies(c, trips)
    _transfers(c, stops, routes, trips)
    for warning in c.warnings:  # a wrong encoding, spaces around names: not for our own feed either
        c.problems.append(Problem(f"{label}/{warning.split(': ', 1)[0]}", warning.split(': ', 1)[-1]))
    return c.problems


def _agencies(c: _Checker) -> set[str]:
    seen: dict[str, int] = {}
    for line, row in c.rows("agency.txt"):
        agency = row.get("agency_id", "") or f"line {line}"
        if row.get("agency_id"):
            c.ids("agency.txt", line, row, "agency_id", seen)
        zone = row.get("agency_timezone", "")
        try:
            ZoneInfo(zone) if zone else None
        except (ZoneInfoNotFoundError, ValueError):
            c.add("agency.txt", line, f"agency[{agency}]", "agency_timezone", f"{zone!r} is not an IANA time zone")
        if not zone:
            c.add("agency.txt", line, f"agency[{agency}]", "agency_timezone", "missing")
    return set(seen)


def _stops(c: _Checker) -> dict[str, int]:
    """stop_id -> location_type."""
    seen: dict[str, int] = {}
    kinds: dict[str, int] = {}
    parents: list[tuple[int, str, str]] = []
    for line, row in c.rows("stops.txt"):
        stop_id = c.ids("stops.txt", line, row, "stop_id", seen)
        record = f"stops[{row.get('stop_id', '')}]"
        kind = c.field("stops.txt", line, row, record, "location_type", _int(0, 4), required=False) or 0
        needs_position = kind <= 2
        lat = c.field("stops.txt", line, row, record, "stop_lat", _float, required=needs_position)
        lon = c.field("stops.txt", line, row, record, "stop_lon", _float, required=needs_position)
        if lat is not None and lon is not None and not geo.in_chengdu(lat, lon):
            c.add("stops.txt", line, record, "stop_lat",
                  f"({lat}, {lon}) is outside the planner's area (Chengdu): swapped or mistyped?")
        if stop_id is not None:
            kinds[stop_id] = kind
        if row.get("parent_station"):
            parents.append((line, record, row["parent_station"]))
    for line, record, parent in parents:
        if parent not in kinds:
            c.add("stops.txt", line, record, "parent_station", f"no stop {parent!r} in stops.txt")
    return kinds


def _routes(c: _Checker, agencies: set[str]) -> set[str]:
    seen: dict[str, int] = {}
    for line, row in c.rows("routes.txt"):
        c.ids("routes.txt", line, row, "route_id", seen)
        record = f"routes[{row.get('route_id', '')}]"
        c.field("routes.txt", line, row, record, "route_type", _int(0, 1702))
        agency = row.get("agency_id", "")
        if not agency and len(agencies) > 1:
            c.add("routes.txt", line, record, "agency_id", "missing (required when agency.txt has several agencies)")
        if agency and agencies and agency not in agencies:
            c.add("routes.txt", line, record, "agency_id", f"no agency {agency!r} in agency.txt")
    return set(seen)


def _calendars(c: _Checker) -> set[str]:
    seen: dict[str, int] = {}
    for line, row in c.rows("calendar.txt"):
        c.ids("calendar.txt", line, row, "service_id", seen)
        record = f"calendar[{row.get('service_id', '')}]"
        for day in _WEEKDAYS:
            c.field("calendar.txt", line, row, record, day, _int(0, 1))
        start = c.field("calendar.txt", line, row, record, "start_date", _date)
        end = c.field("calendar.txt", line, row, record, "end_date", _date)
        if start and end and end < start:
            c.add("calendar.txt", line, record, "end_date", f"{end} is before start_date {start}")
    in_calendar = set(seen)
    services = set(in_calendar)
    has_calendar = c.src.has("calendar.txt")
    dates: dict[tuple[str, str], int] = {}
    for line, row in c.rows("calendar_dates.txt"):
        service = row.get("service_id", "")
        record = f"calendar_dates[{service}, {row.get('date', '')}]"
        if not service:
            c.add("calendar_dates.txt", line, record, "service_id", "missing")
        elif has_calendar and service not in in_calendar:
            c.add("calendar_dates.txt", line, record, "service_id", f"unknown service {service!r} (not in calendar.txt)")
        else:
            services.add(service)
        c.field("calendar_dates.txt", line, row, record, "date", _date)
        c.field("calendar_dates.txt", line, row, record, "exception_type", _int(1, 2))
        key = (service, row.get("date", ""))
        if key in dates:
            c.add("calendar_dates.txt", line, record, "date", f"the same service and date as line {dates[key]}")
        dates.setdefault(key, line)
    if not (has_calendar or c.src.has("calendar_dates.txt")):
        c.problems.append(Problem(c.label, "neither calendar.txt nor calendar_dates.txt: no trip has a date"))
    return services


def _trips(c: _Checker, routes: set[str], services: set[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for line, row in c.rows("trips.txt"):
        c.ids("trips.txt", line, row, "trip_id", seen)
        record = f"trips[{row.get('trip_id', '')}]"
        c.field("trips.txt", line, row, record, "direction_id", _int(0, 1), required=False)
        route = row.get("route_id", "")
        if not route:
            c.add("trips.txt", line, record, "route_id", "missing")
        elif route not in routes:
            c.add("trips.txt", line, record, "route_id", f"unknown route {route!r} (not in routes.txt)")
        service = row.get("service_id", "")
        if not service:
            c.add("trips.txt", line, record, "service_id", "missing")
        elif service not in services:
            c.add("trips.txt", line, record, "service_id",
                  f"unknown service {service!r} (not in calendar.txt or calendar_dates.txt)")
    return seen


def _stop_times(c: _Checker, trips: dict[str, int], stops: dict[str, int]) -> None:
    name = "stop_times.txt"
    # trip -> [(stop_sequence, line, arrival, departure)]
    calls: dict[str, list[tuple[int, int, int | None, int | None]]] = {}
    sequences: dict[tuple[str, int], int] = {}
    for line, row in c.rows(name):
        trip = row.get("trip_id", "")
        record = f"stop_times[{trip}, {row.get('stop_sequence', '')}]"
        c.reference(name, line, record, "trip_id", trip, trips, "trip", "trips.txt")
        stop = row.get("stop_id", "")
        c.reference(name, line, record, "stop_id", stop, stops, "stop", "stops.txt")
        if stops.get(stop, 0) != 0:
            c.add(name, line, record, "stop_id", f"{stop!r} is not a stop or platform (location_type {stops[stop]})")
        sequence = c.field(name, line, row, record, "stop_sequence", _int(0))
        arrival = c.field(name, line, row, record, "arrival_time", _time, required=False)
        departure = c.field(name, line, row, record, "departure_time", _time, required=False)
        for flag in ("pickup_type", "drop_off_type"):
            c.field(name, line, row, record, flag, _int(0, 3), required=False)
        c.field(name, line, row, record, "timepoint", _int(0, 1), required=False)
        if sequence is None or not trip:
            continue
        if (trip, sequence) in sequences:
            c.add(name, line, record, "stop_sequence",
                  f"trip {trip!r} repeats stop_sequence {sequence} (first at line {sequences[trip, sequence]})")
            continue
        sequences[trip, sequence] = line
        calls.setdefault(trip, []).append((sequence, line, arrival, departure))
    for trip, rows in calls.items():
        rows.sort()
        left_at: int | None = None
        for i, (sequence, line, arrival, departure) in enumerate(rows):
            record = f"stop_times[{trip}, {sequence}]"
            if arrival is None and departure is None:
                if i in (0, len(rows) - 1):
                    c.add(name, line, record, "arrival_time", "the first and last stop of a trip need times")
                continue
            arrival = departure if arrival is None else arrival
            departure = arrival if departure is None else departure
            assert arrival is not None and departure is not None
            if left_at is not None and arrival < left_at:
                c.add(name, line, record, "arrival_time",
                      f"goes back in time: {_hms(arrival)} is before the departure from the previous stop "
                      f"at {_hms(left_at)}")
            if departure < arrival:
                c.add(name, line, record, "departure_time",
                      f"goes back in time: {_hms(departure)} is before the arrival at {_hms(arrival)}")
            left_at = max(departure, left_at or 0)
    for trip, line in trips.items():
        if trip not in calls:
            c.add("trips.txt", line, f"trips[{trip}]", "trip_id", "no stop_times.txt rows for this trip")


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _frequencies(c: _Checker, trips: dict[str, int]) -> None:
    name = "frequencies.txt"
    for line, row in c.rows(name):
        trip = row.get("trip_id", "")
        record = f"frequencies[{trip}, {row.get('start_time', '')}]"
        c.reference(name, line, record, "trip_id", trip, trips, "trip", "trips.txt")
        start = c.field(name, line, row, record, "start_time", _time)
        end = c.field(name, line, row, record, "end_time", _time)
        c.field(name, line, row, record, "headway_secs", _int(1, 86_400))
        c.field(name, line, row, record, "exact_times", _int(0, 1), required=False)
        if start is not None and end is not None and end <= start:
            c.add(name, line, record, "end_time", f"{_hms(end)} is not after start_time {_hms(start)}")


def _transfers(c: _Checker, stops: dict[str, int], routes: set[str], trips: dict[str, int]) -> None:
    name = "transfers.txt"
    for line, row in c.rows(name):
        record = f"transfers[{row.get('from_stop_id', '')} -> {row.get('to_stop_id', '')}]"
        kind = c.field(name, line, row, record, "transfer_type", _int(0, 5), required=False) or 0
        c.field(name, line, row, record, "min_transfer_time", _int(0, 86_400), required=False)
        for key, known in (("from_stop_id", stops), ("to_stop_id", stops), ("from_route_id", routes),
                           ("to_route_id", routes), ("from_trip_id", trips), ("to_trip_id", trips)):
            value = row.get(key, "")
            if value and value not in known:
                c.add(name, line, record, key, f"unknown id {value!r}")
            elif not value and key.endswith("stop_id") and kind <= 3:
                c.add(name, line, record, key, f"missing (required by transfer_type {kind})")
