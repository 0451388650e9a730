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
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from planner.domain.errors import PlannerError
from planner.domain.transit import Feed, Frequency, Route, Service, Stop, StopTime, Trip

# The feed's data types live in the domain; they are re-exported here for readers of this module.
__all__ = ["REQUIRED_FILES", "Feed", "Frequency", "GtfsError", "Route", "Service", "Stop", "StopTime", "Trip",
           "format_gtfs_time", "parse_gtfs_time", "read_feed"]

REQUIRED_FILES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


class GtfsError(PlannerError):
    """The feed cannot be used for routing; the message says why."""


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
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or int(parts[1]) > 59 or int(parts[2]) > 59:
        raise ValueError(f"not a time H:MM:SS: {text!r}")
    h, m, s = parts
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

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path) if path.is_file() else None
        except zipfile.BadZipFile:
            raise GtfsError(f"{path}: not a zip file (give a GTFS zip or a folder)") from None
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
        encoding = _guess_encoding(raw)
        warnings.append(f"{name}: not UTF-8 as GTFS requires; read as {encoding}")
        return raw.decode(encoding, errors="replace")


_OTHER_SCRIPTS = ("CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI")


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def _guess_encoding(raw: bytes) -> str:
    """The legacy encoding of a non-UTF-8 file.

    charset_normalizer alone reads a few Chinese names in GBK as Korean and
    West European names in latin-1 as cp1250, the two most common legacy
    encodings of feeds; each is preferred when it reads the bytes cleanly:
    GB18030 (a superset of GBK) when the characters are nearly all common
    (GB2312) Chinese, cp1252 (latin-1 plus) when they are all Latin letters.
    """
    text = _strict(raw, "gb18030")
    if text is not None:
        chars = [c for c in text if ord(c) > 127]
        if chars and sum(_encodes(c, "gb2312") for c in chars) >= 0.9 * len(chars):
            return "gb18030"
    guess = from_bytes(raw).best()
    guessed = guess.encoding if guess else "latin_1"
    text = _strict(raw, "cp1252")
    if text is not None and all(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in text if ord(c) > 127):
        theirs = raw.decode(guessed, errors="replace")
        if not any(script in unicodedata.name(c, "") for c in theirs if ord(c) > 127 for script in _OTHER_SCRIPTS):
            return "cp1252"
    return guessed


Row = dict[str, str]
#: stop_times.txt as read: (stop_sequence, stop_id, arrival, departure, pickup_type, drop_off_type)
_RawStopTime = tuple[int, str, "int | None", "int | None", int, int]


def _rows(src: _Source, name: str, warnings: list[str]) -> Iterator[tuple[int, Row]]:
    """Yield (line number, row dict) with names and values stripped."""
    text = _decode(src.read_bytes(name), name, warnings)
    reader = csv.reader(io.StringIO(text))
    raw_header = next(reader, [])
    header = [h.strip().lower() for h in raw_header]
    if any(h != h.strip() for h in raw_header):
        warnings.append(f"{name}: spaces around column names")
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        yield reader.line_num, {k: v.strip() for k, v in zip(header, values)}


def _arrival_departure(arrival: int | None, departure: int | None) -> tuple[int, int] | None:
    """A stop's times, one standing in for the other when only one is given; None when untimed."""
    if arrival is None:
        return None if departure is None else (departure, departure)
    return arrival, arrival if departure is None else departure


class _Reader:
    def __init__(self, path: Path) -> None:
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

    def _each(self, name: str, parse: Callable[[Row], None]) -> None:
        """Parse each row of an optional file; a bad row is a warning, not a failure."""
        if not self.src.has(name):
            return
        for line_no, row in _rows(self.src, name, self.feed.warnings):
            try:
                parse(row)
            except (KeyError, ValueError) as exc:
                self.warn(f"{name}:{line_no}: row skipped ({type(exc).__name__}: {exc})")

    def _agency(self) -> None:
        def parse(row: Row) -> None:
            if row.get("agency_timezone"):
                self.feed.timezone = row["agency_timezone"]
        self._each("agency.txt", parse)

    def _stops(self) -> None:
        def parse(row: Row) -> None:
            lat_text, lon_text = row.get("stop_lat", ""), row.get("stop_lon", "")
            location_type = int(row.get("location_type") or 0)
            if location_type <= 2 and not (lat_text and lon_text):
                raise ValueError(f"stop {row['stop_id']!r} has no stop_lat/stop_lon")
            lat, lon = float(lat_text) if lat_text else 0.0, float(lon_text) if lon_text else 0.0
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"stop {row['stop_id']!r}: position {lat},{lon} out of range")
            self.feed.stops[row["stop_id"]] = Stop(
                id=row["stop_id"], name=row.get("stop_name", ""), lat=lat, lon=lon,
                parent_id=row.get("parent_station", ""), location_type=location_type,
                code=row.get("stop_code", ""), desc=row.get("stop_desc", ""),
            )
        self._each("stops.txt", parse)

    def _routes(self) -> None:
        def parse(row: Row) -> None:
            self.feed.routes[row["route_id"]] = Route(
                id=row["route_id"], short_name=row.get("route_short_name", ""),
                long_name=row.get("route_long_name", ""), route_type=int(row["route_type"]),
                color=row.get("route_color", ""), agency_id=row.get("agency_id", ""),
            )
        self._each("routes.txt", parse)

    def _trips(self) -> None:
        def parse(row: Row) -> None:
            if row["route_id"] not in self.feed.routes:
                raise ValueError(f"unknown route_id {row['route_id']!r}")
            self.feed.trips[row["trip_id"]] = Trip(
                id=row["trip_id"], route_id=row["route_id"], service_id=row["service_id"],
                direction_id=row.get("direction_id", ""), headsign=row.get("trip_headsign", ""),
                shape_id=row.get("shape_id", ""),
            )
        self._each("trips.txt", parse)

    def _stop_times(self) -> None:
        # trip -> [(stop_sequence, stop_id, arrival, departure, pickup_type, drop_off_type)]
        raw: dict[str, list[_RawStopTime]] = {}

        def flag(row: Row, name: str) -> int:
            value = int(row.get(name) or 0)
            if not 0 <= value <= 3:
                raise ValueError(f"{name} must be 0 to 3, not {value}")
            return value

        def parse(row: Row) -> None:
            if row["trip_id"] not in self.feed.trips:
                raise ValueError(f"unknown trip_id {row['trip_id']!r}")
            stop = self.feed.stops.get(row["stop_id"])
            if stop is None:
                raise ValueError(f"unknown stop_id {row['stop_id']!r}")
            if stop.location_type != 0:
                raise ValueError(f"stop_id {stop.id!r} is not a stop or platform (location_type {stop.location_type})")
            raw.setdefault(row["trip_id"], []).append((
                int(row["stop_sequence"]), stop.id, parse_gtfs_time(row.get("arrival_time", "")),
                parse_gtfs_time(row.get("departure_time", "")), flag(row, "pickup_type"), flag(row, "drop_off_type"),
            ))
        self._each("stop_times.txt", parse)
        for trip_id, rows in raw.items():
            rows.sort(key=lambda r: r[0])
            times = self._timed(trip_id, rows)
            if times:
                self.feed.stop_times[trip_id] = times

    def _timed(self, trip_id: str, rows: list[_RawStopTime]) -> list[StopTime]:
        given = [_arrival_departure(r[2], r[3]) for r in rows]
        first, last = given[0], given[-1]
        if first is None or last is None:
            self.warn(f"stop_times.txt: trip {trip_id} has no time at its first or last stop; skipped")
            return []
        times = self._interpolate([r[1] for r in rows], given)
        for i, (row, (arrival, departure)) in enumerate(zip(rows, times)):
            if departure < arrival or (i and arrival < times[i - 1][1]):
                self.warn(f"stop_times.txt: trip {trip_id} goes back in time at stop_sequence {row[0]}; skipped")
                return []
        return [StopTime(r[1], a, d, r[4], r[5]) for r, (a, d) in zip(rows, times)]

    def _interpolate(self, stop_ids: list[str], given: list[tuple[int, int] | None]) -> list[tuple[int, int]]:
        """(arrival, departure) at every stop: untimed stops (None) filled in proportion to straight-line
        distance between the timed ones around them. The first and the last stop must be timed."""
        timed = [(i, t) for i, t in enumerate(given) if t is not None]
        if len(timed) == len(given):
            return [t for _, t in timed]
        stops = self.feed.stops
        cumulative = [0.0]
        for a, b in zip(stop_ids, stop_ids[1:]):
            sa, sb = stops[a], stops[b]
            cumulative.append(cumulative[-1] + ((sa.lat - sb.lat) ** 2 + (sa.lon - sb.lon) ** 2) ** 0.5)
        filled: list[tuple[int, int]] = []
        for (left, left_times), (right, (right_arrival, _)) in zip(timed, timed[1:]):
            filled.append(left_times)
            left_departure = left_times[1]
            span = cumulative[right] - cumulative[left] or 1.0
            for i in range(left + 1, right):
                share = (cumulative[i] - cumulative[left]) / span
                at = round(left_departure + share * (right_arrival - left_departure))
                filled.append((at, at))
        filled.append(timed[-1][1])
        return filled

    def _frequencies(self) -> None:
        def parse(row: Row) -> None:
            if row["trip_id"] not in self.feed.trips:
                raise ValueError(f"unknown trip_id {row['trip_id']!r}")
            headway = int(row["headway_secs"])
            if headway <= 0:
                raise ValueError("headway_secs must be positive")
            start, end = parse_gtfs_time(row["start_time"]), parse_gtfs_time(row["end_time"])
            if start is None or end is None:
                raise ValueError("start_time and end_time are required")
            if end < start:
                raise ValueError(f"end_time {row['end_time']} is before start_time {row['start_time']}")
            self.feed.frequencies.setdefault(row["trip_id"], []).append(Frequency(
                trip_id=row["trip_id"], start_s=start, end_s=end, headway_s=headway,
                exact_times=row.get("exact_times", "0") == "1",
            ))
        self._each("frequencies.txt", parse)

    def _calendars(self) -> None:
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

        def parse_calendar(row: Row) -> None:
            self.feed.services[row["service_id"]] = Service(
                id=row["service_id"], weekdays=tuple(row[n] == "1" for n in names),
                start=_parse_date(row["start_date"]), end=_parse_date(row["end_date"]),
            )

        def parse_exception(row: Row) -> None:
            key = (row["service_id"], _parse_date(row["date"]))
            self.feed.service_exceptions[key] = row["exception_type"] == "1"

        if not (self.src.has("calendar.txt") or self.src.has("calendar_dates.txt")):
            raise GtfsError(f"{self.src.path}: neither calendar.txt nor calendar_dates.txt: no trip has a date")
        self._each("calendar.txt", parse_calendar)
        self._each("calendar_dates.txt", parse_exception)

    def _transfers(self) -> None:
        def parse(row: Row) -> None:
            if row.get("transfer_type") == "2" and row.get("min_transfer_time"):
                key = (row["from_stop_id"], row["to_stop_id"])
                self.feed.transfers_s[key] = int(row["min_transfer_time"])
        self._each("transfers.txt", parse)

    def _check_usable(self) -> None:
        if not self.feed.stop_times:
            raise GtfsError(f"{self.src.path}: no trip has usable stop times")
        if not self.src.has("agency.txt"):
            self.warn(f"agency.txt: missing (required by GTFS); timezone assumed {self.feed.timezone}")


def read_feed(path: str | Path) -> Feed:
    """Read a GTFS feed from a zip file or a folder.

    Examples
    --------
    >>> feed = read_feed(Path(__file__).parents[2] / "tests" / "feeds" / "tiny")
    >>> sorted(feed.stops), len(feed.trips)
    (['A', 'B', 'C'], 2)
    """
    return _Reader(Path(path)).read()
