"""Reading GTFS feeds (zip or folder) into plain Python structures.

Kept apart from routing, which is pure. Feeds in the wild break the spec:
this reader accepts a byte-order mark (UTF-8, or UTF-16 with a warning), a
non-UTF-8 encoding, stray spaces around names and values, extra columns,
CRLF line ends and missing optional files, all at once in one file, and
records each such thing as a warning naming the file (and line). Rows it
cannot use are skipped with a warning: a repeated id or ``stop_sequence``, a
trip whose times go back, a transfers.txt rule naming unknown ids. It raises
:class:`GtfsError` only when what is missing makes routing impossible; the
error then carries the warnings so far (``warnings``), so they can be shown too.

Times are seconds after noon minus 12 h of the service day, as GTFS defines
them (so ``25:10:00`` is 90600); stop-time rows without times between timed
ones are interpolated by distance along the stop sequence.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charset_normalizer import from_bytes

from planner.domain.errors import PlannerError
from planner.domain.transit import (
    BOARDING_AREA, PLATFORM, STATION, Feed, Frequency, Route, Service, Stop, StopTime, TransferRule, Trip,
)

# The feed's data types live in the domain; they are re-exported here for readers of this module.
__all__ = ["REQUIRED_FILES", "Feed", "Frequency", "GtfsError", "Route", "Service", "Stop", "StopTime",
           "TransferRule", "Trip", "format_gtfs_time", "parse_gtfs_time", "read_feed"]

REQUIRED_FILES = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")


#: The zone of a feed that names none (no agency.txt, no valid agency_timezone): never a guess from elsewhere.
FALLBACK_ZONE = "UTC"


class GtfsError(PlannerError):
    """The feed cannot be used for routing; the message says why.

    ``warnings`` holds what reading found wrong before it gave up (a wrong encoding, rows skipped),
    so a caller can show them with the error: they often say why.
    """

    warnings: tuple[str, ...] = ()


class _Skip(Exception):
    """A row that cannot be used: the message says why (the reader adds file, line and "row skipped")."""


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
    r"""A file's text: a UTF-8 byte-order mark dropped from the bytes before anything is decoded (so a
    legacy encoding guessed for the rest never sees it), UTF-16 read by its mark, anything else that is
    not UTF-8 read in the legacy encoding it looks like, with a warning.

    GTFS reference, "File Requirements": "Files should be encoded in UTF-8 to support all Unicode
    characters. Files that include the Unicode byte-order mark (BOM) character are acceptable." So a
    UTF-8 mark is dropped silently.

    Examples
    --------
    >>> warnings = []
    >>> _decode(b"\xef\xbb\xbfstop_id\r\nB,Cath\xe9drale\r\n", "stops.txt", warnings)
    'stop_id\r\nB,Cathédrale\r\n'
    >>> warnings
    ['stops.txt: not UTF-8 as GTFS requires; read as cp1252']
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        warnings.append(f"{name}: UTF-16, not UTF-8 as GTFS requires; read as UTF-16")
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
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
#: stop_times.txt as read: (stop_sequence, stop_id, arrival, departure, pickup_type, drop_off_type, line)
_RawStopTime = tuple[int, str, "int | None", "int | None", int, int, int]


def _rows(src: _Source, name: str, warnings: list[str]) -> Iterator[tuple[int, Row]]:
    """Yield (line number, row dict) with names and values stripped (and a stray byte-order mark
    dropped from column names: a second mark, or one left by an editor after re-encoding)."""
    text = _decode(src.read_bytes(name), name, warnings)
    reader = csv.reader(io.StringIO(text, newline=""))
    raw_header = next(reader, [])
    header = [h.replace("\ufeff", "").strip().lower() for h in raw_header]
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
        self.line = 0  # the line of the row being parsed
        self.stop_lines: dict[str, int] = {}

    def read(self) -> Feed:
        """The feed; a :class:`GtfsError` carries the warnings found before it."""
        try:
            return self._read()
        except GtfsError as exc:
            exc.warnings = tuple(self.feed.warnings)
            raise

    def _read(self) -> Feed:
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
            self.line = line_no
            try:
                parse(row)
            except _Skip as exc:
                self.warn(f"{name}:{line_no}: {exc}; row skipped")
            except (KeyError, ValueError) as exc:
                self.warn(f"{name}:{line_no}: row skipped ({type(exc).__name__}: {exc})")

    def _once(self, name: str, kind: str, value: str, first_lines: dict[str, int]) -> None:
        """Skip a row whose id an earlier row had (GTFS: ids are unique); the first one stays."""
        if value in first_lines:
            raise _Skip(f"{kind} {value!r} again (first at line {first_lines[value]})")
        first_lines[value] = self.line

    def _agency(self) -> None:
        """``agency_timezone``: an IANA zone, the same for every agency.

        GTFS reference, agency.txt: "If multiple agencies are specified in the dataset, each must have
        the same agency_timezone." A zone that is not an IANA name gives UTC and a warning, never a zone
        from elsewhere (a feed of Oslo is not read in Chengdu's time).
        """
        chosen: list[str] = []

        def parse(row: Row) -> None:
            zone = row.get("agency_timezone", "")
            if not zone:
                used = self.feed.timezone if chosen else FALLBACK_ZONE
                self.warn(f"agency.txt:{self.line}: no agency_timezone (required by GTFS); {used} used")
                return
            if chosen:
                if zone != chosen[0]:
                    self.warn(f"agency.txt:{self.line}: agency_timezone {zone!r} differs from {chosen[0]!r} "
                              f"(GTFS: every agency has the same); {self.feed.timezone} used")
                return
            chosen.append(zone)
            try:
                ZoneInfo(zone)
                self.feed.timezone = zone
            except (ZoneInfoNotFoundError, ValueError):
                self.warn(f"agency.txt:{self.line}: agency_timezone {zone!r} is not an IANA time zone; "
                          f"{FALLBACK_ZONE} used")
                self.feed.timezone = FALLBACK_ZONE

        self.feed.timezone = FALLBACK_ZONE
        if not self.src.has("agency.txt"):
            self.warn(f"agency.txt: missing (required by GTFS); timezone assumed {FALLBACK_ZONE}")
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
            self._once("stops.txt", "stop_id", row["stop_id"], self.stop_lines)
            self.feed.stops[row["stop_id"]] = Stop(
                id=row["stop_id"], name=row.get("stop_name", ""), lat=lat, lon=lon,
                parent_id=row.get("parent_station", ""), location_type=location_type,
                code=row.get("stop_code", ""), desc=row.get("stop_desc", ""),
            )
        self._each("stops.txt", parse)
        self._stations()

    def _stations(self) -> None:
        """``Feed.children``: each station's platforms, and a warning for a parent that is missing or of
        the wrong kind (GTFS reference, stops.txt ``parent_station``: a platform's or an entrance's parent
        is a station, location_type 1; a boarding area's is a platform, location_type 0)."""
        children: dict[str, list[str]] = {}
        for stop in self.feed.stops.values():
            if not stop.parent_id or stop.location_type == STATION:
                continue
            parent = self.feed.stops.get(stop.parent_id)
            wanted = PLATFORM if stop.location_type == BOARDING_AREA else STATION
            where = f"stops.txt:{self.stop_lines.get(stop.id, 0)}"
            if parent is None:
                self.warn(f"{where}: parent_station {stop.parent_id!r} of stop {stop.id!r} is not in stops.txt")
            elif parent.location_type != wanted:
                self.warn(f"{where}: parent_station {stop.parent_id!r} of stop {stop.id!r} has location_type "
                          f"{parent.location_type}, not {wanted}")
            elif stop.location_type == PLATFORM:
                children.setdefault(parent.id, []).append(stop.id)
        self.feed.children = {station: tuple(platforms) for station, platforms in children.items()}

    def _routes(self) -> None:
        first_lines: dict[str, int] = {}

        def parse(row: Row) -> None:
            route_type = int(row["route_type"])
            self._once("routes.txt", "route_id", row["route_id"], first_lines)
            self.feed.routes[row["route_id"]] = Route(
                id=row["route_id"], short_name=row.get("route_short_name", ""),
                long_name=row.get("route_long_name", ""), route_type=route_type,
                color=row.get("route_color", ""), agency_id=row.get("agency_id", ""),
            )
        self._each("routes.txt", parse)

    def _trips(self) -> None:
        first_lines: dict[str, int] = {}

        def parse(row: Row) -> None:
            if row["route_id"] not in self.feed.routes:
                raise ValueError(f"unknown route_id {row['route_id']!r}")
            self._once("trips.txt", "trip_id", row["trip_id"], first_lines)
            self.feed.trips[row["trip_id"]] = Trip(
                id=row["trip_id"], route_id=row["route_id"], service_id=row["service_id"],
                direction_id=row.get("direction_id", ""), headsign=row.get("trip_headsign", ""),
                shape_id=row.get("shape_id", ""), block_id=row.get("block_id", ""),
            )
        self._each("trips.txt", parse)

    def _stop_times(self) -> None:
        # trip -> [(stop_sequence, stop_id, arrival, departure, pickup_type, drop_off_type, line)]
        raw: dict[str, list[_RawStopTime]] = {}
        # trip -> stop_sequence -> line of its first row
        sequences: dict[str, dict[int, int]] = {}

        def flag(row: Row, name: str) -> int:
            value = int(row.get(name) or 0)
            if not 0 <= value <= 3:
                raise ValueError(f"{name} must be 0 to 3, not {value}")
            return value

        def parse(row: Row) -> None:
            trip_id = row["trip_id"]
            if trip_id not in self.feed.trips:
                raise ValueError(f"unknown trip_id {trip_id!r}")
            stop = self.feed.stops.get(row["stop_id"])
            if stop is None:
                raise ValueError(f"unknown stop_id {row['stop_id']!r}")
            if stop.location_type != 0:
                raise ValueError(f"stop_id {stop.id!r} is not a stop or platform (location_type {stop.location_type})")
            sequence = int(row["stop_sequence"])
            call = (sequence, stop.id, parse_gtfs_time(row.get("arrival_time", "")),
                    parse_gtfs_time(row.get("departure_time", "")), flag(row, "pickup_type"),
                    flag(row, "drop_off_type"), self.line)
            seen = sequences.setdefault(trip_id, {})
            if sequence in seen:
                raise _Skip(f"trip {trip_id} repeats stop_sequence {sequence} (first at line {seen[sequence]})")
            seen[sequence] = self.line
            raw.setdefault(trip_id, []).append(call)
        self._each("stop_times.txt", parse)
        for trip_id, rows in raw.items():
            rows.sort(key=lambda r: r[0])
            times = self._timed(trip_id, rows)
            if times:
                self.feed.stop_times[trip_id] = times

    def _timed(self, trip_id: str, rows: list[_RawStopTime]) -> list[StopTime]:
        """A trip's stop times, or none (with a warning) when they cannot be ridden.

        GTFS reference, stop_times.txt: ``stop_sequence`` "Values must increase along the trip but do not
        need to be consecutive"; ``arrival_time`` is the "Arrival time at the stop", ``departure_time``
        the "Departure time from the stop". So a vehicle never leaves a stop before it arrives, nor
        arrives before it left the previous one (the canonical validator's
        ``stop_time_with_arrival_before_previous_departure_time`` and
        ``stop_time_with_departure_before_arrival_time`` notices). Such a time skips the trip, with the
        file, line and the two times. *Equal* consecutive times are valid and stay silent: times are
        given to the second but feeds round them to the minute, so two stops a few hundred metres apart
        often share one ("non-increasing" is read as "decreasing").
        """
        given = [_arrival_departure(r[2], r[3]) for r in rows]
        first, last = given[0], given[-1]
        if first is None or last is None:
            at = rows[0] if first is None else rows[-1]
            self.warn(f"stop_times.txt:{at[6]}: trip {trip_id} has no time at its first or last stop; "
                      "trip skipped")
            return []
        left_at: int | None = None  # the departure from the last timed stop
        for row, timed in zip(rows, given):
            if timed is None:
                continue
            arrival, departure = timed
            where = f"stop_times.txt:{row[6]}: trip {trip_id} goes back in time at stop_sequence {row[0]}"
            if left_at is not None and arrival < left_at:
                self.warn(f"{where}: arrives at {row[1]} at {format_gtfs_time(arrival)}, before it left the "
                          f"previous stop at {format_gtfs_time(left_at)}; trip skipped")
                return []
            if departure < arrival:
                self.warn(f"{where}: leaves {row[1]} at {format_gtfs_time(departure)}, before it arrives at "
                          f"{format_gtfs_time(arrival)}; trip skipped")
                return []
            left_at = departure
        times = self._interpolate([r[1] for r in rows], given)
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
        """transfers.txt, every type (0-5) with its six ids, into ``Feed.transfer_rules``.

        GTFS reference, transfers.txt: ``transfer_type`` empty is 0; ``from_stop_id``/``to_stop_id`` are
        "Required if transfer_type is 1, 2, or 3" and refer to a stop or a station ("If this field refers
        to a station, the transfer rule applies to all its child stops. Referring to a station is
        forbidden for transfer_types 4 and 5"); ``from_trip_id``/``to_trip_id`` are "Required if
        transfer_type is 4 or 5"; "If both from_trip_id and from_route_id are defined, the trip_id must
        belong to the route_id". Rows breaking these, or naming unknown ids, are skipped with a warning;
        of two rows with the same ids the first is kept.
        """
        feed = self.feed
        first_lines: dict[tuple[str, str, str, str, str, str], int] = {}

        def parse(row: Row) -> None:
            type_text, min_text = row.get("transfer_type", ""), row.get("min_transfer_time", "")
            kind = int(type_text) if type_text else 0
            if not 0 <= kind <= 5:
                raise ValueError(f"transfer_type must be 0 to 5, not {kind}")
            min_s = int(min_text) if min_text else None
            if min_s is not None and min_s < 0:
                raise ValueError(f"min_transfer_time must not be negative, not {min_s}")
            rule = TransferRule(row.get("from_stop_id", ""), row.get("to_stop_id", ""), row.get("from_route_id", ""),
                                row.get("to_route_id", ""), row.get("from_trip_id", ""), row.get("to_trip_id", ""),
                                kind, min_s, self.line)
            for name, value, known in (
                    ("from_stop_id", rule.from_stop, feed.stops), ("to_stop_id", rule.to_stop, feed.stops),
                    ("from_route_id", rule.from_route, feed.routes), ("to_route_id", rule.to_route, feed.routes),
                    ("from_trip_id", rule.from_trip, feed.trips), ("to_trip_id", rule.to_trip, feed.trips)):
                if value and value not in known:
                    raise _Skip(f"unknown {name} {value!r}")
            stops = [feed.stops[s] for s in (rule.from_stop, rule.to_stop) if s]
            if kind >= 4:
                if not (rule.from_trip and rule.to_trip):
                    raise _Skip(f"transfer_type {kind} needs from_trip_id and to_trip_id")
                stations = [s.id for s in stops if s.location_type == STATION]
                if stations:
                    raise _Skip(f"transfer_type {kind} may not name a station ({stations[0]!r})")
                linked = [t for t in (rule.from_trip, rule.to_trip) if t in feed.frequencies]
                if linked:
                    self.warn(f"transfers.txt:{self.line}: trip {linked[0]!r} runs by frequencies.txt: "
                              "its in-seat transfers are not joined")
            else:
                if not (rule.from_stop and rule.to_stop):
                    raise _Skip(f"transfer_type {kind} needs from_stop_id and to_stop_id")
            odd = [s.id for s in stops if s.location_type not in (PLATFORM, STATION)]
            if odd:
                raise _Skip(f"stop {odd[0]!r} is neither a stop nor a station")
            if rule.key in first_lines:
                raise _Skip(f"the same transfer as line {first_lines[rule.key]}")
            for trip_id, route_id, side in ((rule.from_trip, rule.from_route, "from"),
                                            (rule.to_trip, rule.to_route, "to")):
                if trip_id and route_id and feed.trips[trip_id].route_id != route_id:
                    self.warn(f"transfers.txt:{self.line}: {side}_trip_id {trip_id!r} is not on "
                              f"{side}_route_id {route_id!r}; the trip is used")
            if kind == 2 and min_s is None:
                self.warn(f"transfers.txt:{self.line}: transfer_type 2 without min_transfer_time; "
                          "the default change time applies")
            first_lines[rule.key] = self.line
            feed.transfer_rules.append(rule)
        self._each("transfers.txt", parse)

    def _check_usable(self) -> None:
        if not self.feed.stop_times:
            raise GtfsError(f"{self.src.path}: no trip has usable stop times")


def read_feed(path: str | Path) -> Feed:
    """Read a GTFS feed from a zip file or a folder.

    Examples
    --------
    >>> feed = read_feed(Path(__file__).parents[2] / "tests" / "feeds" / "tiny")
    >>> sorted(feed.stops), len(feed.trips)
    (['A', 'B', 'C'], 2)
    """
    return _Reader(Path(path)).read()
