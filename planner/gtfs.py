"""Reading GTFS feeds (zip or folder) into plain Python structures.

Kept apart from routing, which is pure. Feeds in the wild break the spec:
this reader accepts a byte-order mark or a non-UTF-8 encoding, stray spaces
around names and values, extra columns and missing optional files, and
records each such thing as a warning. It raises :class:`GtfsError` only when
what is missing makes routing impossible.

Times are seconds after noon minus 12 h of the service day, as GTFS defines
them (so ``25:10:00`` is 90600); stop-time rows without times between timed
ones are interpolated by distance along the stop sequence.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import PlannerError

REQUIRED_FILES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


class GtfsError(PlannerError):
    """The feed cannot be used for routing; the message says why."""


@dataclass(frozen=True)
class Stop:
    id: str
    name: str
    lat: float
    lon: float
    parent_id: str = ""
    location_type: int = 0
    code: str = ""


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


def parse_gtfs_time(text: str) -> int | None:
    """Seconds of a GTFS ``H:MM:SS`` time (hours may pass 24); None if blank.

    Examples
    --------
    >>> parse_gtfs_time("25:10:00"), parse_gtfs_time(" 6:05:00 "), parse_gtfs_time("")
    (90600, 21900, None)
    """
    text = text.strip()
    if not text:
        return None
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def format_gtfs_time(seconds: int) -> str:
    """``HH:MM:SS`` of seconds after the service day's start.

    Examples
    --------
    >>> format_gtfs_time(90600)
    '25:10:00'
    """
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _parse_date(text: str) -> dt.date:
    return dt.datetime.strptime(text.strip(), "%Y%m%d").date()


class _Source:
    """Raw file access for a zip or a folder, with encoding repair."""

    def __init__(self, path: Path):
        self.path = path
        self._zip = zipfile.ZipFile(path) if path.is_file() else None
        if self._zip is None and not path.is_dir():
            raise GtfsError(f"{path}: no such GTFS zip file or folder")
        self._names = self._index()

    def _index(self) -> dict[str, str]:
        if self._zip is None:
            return {p.name: p.name for p in self.path.iterdir() if p.is_file()}
        # zips made by hand often nest everything in one folder
        return {Path(n).name: n for n in self._zip.namelist() if not n.endswith("/")}

    def has(self, name: str) -> bool:
        return name in self._names

    def read_bytes(self, name: str) -> bytes:
        if self._zip is None:
            return (self.path / name).read_bytes()
        return self._zip.read(self._names[name])


def _decode(raw: bytes, name: str, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        guess = from_bytes(raw).best()
        encoding = guess.encoding if guess else "latin-1"
        warnings.append(f"{name}: not UTF-8 as GTFS requires; read as {encoding}")
        return raw.decode(encoding, errors="replace")


def _rows(src: _Source, name: str, warnings: list[str]):
    """Yield (line number, row dict) with names and values stripped."""
    text = _decode(src.read_bytes(name), name, warnings)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if any(h != h.strip() for h in header):
        warnings.append(f"{name}: spaces around column names")
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        yield line_no, {k: v.strip() for k, v in zip(header, values)}


class _Reader:
    def __init__(self, path: Path):
        self.src = _Source(path)
        self.feed = Feed(source=str(path))
        self.warn = self.feed.warnings.append

    def read(self) -> Feed:
        missing = [n for n in REQUIRED_FILES if not self.src.has(n)]
        if missing:
            raise GtfsError(f"{self.src.path}: cannot route without {', '.join(missing)}")
        self._agency()
        self._stops()
        self._routes()
        self._trips()
        self._stop_times()
        self._frequencies()
        self._calendars()
        self._transfers()
        self._check_usable()
        return self.feed

    def _each(self, name: str, parse):
        """Parse each row of an optional file; a bad row is a warning, not a failure."""
        if not self.src.has(name):
            return
        for line_no, row in _rows(self.src, name, self.feed.warnings):
            try:
                parse(row)
            except (KeyError, ValueError) as exc:
                self.warn(f"{name}:{line_no}: row skipped ({type(exc).__name__}: {exc})")

    def _agency(self):
        def parse(row):
            if row.get("agency_timezone"):
                self.feed.timezone = row["agency_timezone"]
        self._each("agency.txt", parse)

    def _stops(self):
        def parse(row):
            lat, lon = row.get("stop_lat", ""), row.get("stop_lon", "")
            self.feed.stops[row["stop_id"]] = Stop(
                id=row["stop_id"], name=row.get("stop_name", ""),
                lat=float(lat) if lat else 0.0, lon=float(lon) if lon else 0.0,
                parent_id=row.get("parent_station", ""),
                location_type=int(row.get("location_type") or 0),
                code=row.get("stop_code", ""),
            )
        self._each("stops.txt", parse)

    def _routes(self):
        def parse(row):
            self.feed.routes[row["route_id"]] = Route(
                id=row["route_id"], short_name=row.get("route_short_name", ""),
                long_name=row.get("route_long_name", ""), route_type=int(row["route_type"]),
                color=row.get("route_color", ""), agency_id=row.get("agency_id", ""),
            )
        self._each("routes.txt", parse)

    def _trips(self):
        def parse(row):
            if row["route_id"] not in self.feed.routes:
                raise ValueError(f"unknown route_id {row['route_id']!r}")
            self.feed.trips[row["trip_id"]] = Trip(
                id=row["trip_id"], route_id=row["route_id"], service_id=row["service_id"],
                direction_id=row.get("direction_id", ""), headsign=row.get("trip_headsign", ""),
                shape_id=row.get("shape_id", ""),
            )
        self._each("trips.txt", parse)

    def _stop_times(self):
        raw: dict[str, list[tuple[int, dict]]] = {}

        def parse(row):
            if row["trip_id"] not in self.feed.trips:
                raise ValueError(f"unknown trip_id {row['trip_id']!r}")
            if row["stop_id"] not in self.feed.stops:
                raise ValueError(f"unknown stop_id {row['stop_id']!r}")
            raw.setdefault(row["trip_id"], []).append((int(row["stop_sequence"]), row))
        self._each("stop_times.txt", parse)
        for trip_id, rows in raw.items():
            rows.sort(key=lambda pair: pair[0])
            times = self._timed(trip_id, [r for _, r in rows])
            if times:
                self.feed.stop_times[trip_id] = times

    def _timed(self, trip_id: str, rows: list[dict]) -> list[StopTime]:
        arrivals = [parse_gtfs_time(r.get("arrival_time", "")) for r in rows]
        departures = [parse_gtfs_time(r.get("departure_time", "")) for r in rows]
        arrivals = [a if a is not None else d for a, d in zip(arrivals, departures)]
        departures = [d if d is not None else a for a, d in zip(arrivals, departures)]
        if arrivals[0] is None or arrivals[-1] is None:
            self.warn(f"stop_times.txt: trip {trip_id} has no time at its first or last stop; skipped")
            return []
        if any(a is None for a in arrivals):
            self._interpolate([r["stop_id"] for r in rows], arrivals, departures)
        return [
            StopTime(r["stop_id"], a, d, int(r.get("pickup_type") or 0), int(r.get("drop_off_type") or 0))
            for r, a, d in zip(rows, arrivals, departures)
        ]

    def _interpolate(self, stop_ids: list[str], arrivals: list, departures: list) -> None:
        """Fill untimed stops in proportion to straight-line distance between timed ones."""
        stops = self.feed.stops
        cumulative = [0.0]
        for a, b in zip(stop_ids, stop_ids[1:]):
            sa, sb = stops[a], stops[b]
            cumulative.append(cumulative[-1] + ((sa.lat - sb.lat) ** 2 + (sa.lon - sb.lon) ** 2) ** 0.5)
        timed = [i for i, a in enumerate(arrivals) if a is not None]
        for left, right in zip(timed, timed[1:]):
            span = cumulative[right] - cumulative[left] or 1.0
            for i in range(left + 1, right):
                share = (cumulative[i] - cumulative[left]) / span
                arrivals[i] = departures[i] = round(departures[left] + share * (arrivals[right] - departures[left]))

    def _frequencies(self):
        def parse(row):
            if row["trip_id"] not in self.feed.trips:
                raise ValueError(f"unknown trip_id {row['trip_id']!r}")
            headway = int(row["headway_secs"])
            if headway <= 0:
                raise ValueError("headway_secs must be positive")
            self.feed.frequencies.setdefault(row["trip_id"], []).append(Frequency(
                trip_id=row["trip_id"], start_s=parse_gtfs_time(row["start_time"]),
                end_s=parse_gtfs_time(row["end_time"]), headway_s=headway,
                exact_times=row.get("exact_times", "0") == "1",
            ))
        self._each("frequencies.txt", parse)

    def _calendars(self):
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

        def parse_calendar(row):
            self.feed.services[row["service_id"]] = Service(
                id=row["service_id"], weekdays=tuple(row[n] == "1" for n in names),
                start=_parse_date(row["start_date"]), end=_parse_date(row["end_date"]),
            )

        def parse_exception(row):
            key = (row["service_id"], _parse_date(row["date"]))
            self.feed.service_exceptions[key] = row["exception_type"] == "1"

        if not (self.src.has("calendar.txt") or self.src.has("calendar_dates.txt")):
            raise GtfsError(f"{self.src.path}: neither calendar.txt nor calendar_dates.txt: no trip has a date")
        self._each("calendar.txt", parse_calendar)
        self._each("calendar_dates.txt", parse_exception)

    def _transfers(self):
        def parse(row):
            if row.get("transfer_type") == "2" and row.get("min_transfer_time"):
                key = (row["from_stop_id"], row["to_stop_id"])
                self.feed.transfers_s[key] = int(row["min_transfer_time"])
        self._each("transfers.txt", parse)

    def _check_usable(self):
        if not self.feed.stop_times:
            raise GtfsError(f"{self.src.path}: no trip has usable stop times")
        if not self.src.has("agency.txt"):
            self.warn(f"agency.txt: missing (required by GTFS); timezone assumed {self.feed.timezone}")


def read_feed(path: str | Path) -> Feed:
    """Read a GTFS feed from a zip file or a folder.

    Examples
    --------
    >>> feed = read_feed(Path(__file__).parent.parent / "tests" / "feeds" / "tiny")
    >>> sorted(feed.stops), len(feed.trips)
    (['A', 'B', 'C'], 2)
    """
    return _Reader(Path(path)).read()
