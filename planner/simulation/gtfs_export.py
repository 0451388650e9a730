"""A scenario's timetable as a GTFS feed (a zip), for AMap or any trip planner, and for ``planner route --gtfs``.

One agency and one bus route (route_type 3); a service per day type (``weekday``, ``weekend``,
``holiday``): ``calendar.txt`` runs weekday on Monday-Friday and weekend on Saturday-Sunday, and
``calendar_dates.txt`` moves each date whose day type differs (a holiday, a make-up working day: see
:mod:`planner.simulation.daytypes`) onto its own service. Stop times are the routing layer's (the same
run time by hour, intermediate stops sharing it by distance, plus dwell), so the feed routes as the
built-in shuttle does. ``shapes.txt`` is the road path; ``translations.txt`` gives the English names;
``fare_attributes.txt``/``fare_rules.txt`` the flat fare. The bytes depend only on the scenario and the
dates (sorted rows, fixed zip timestamps, a content-derived ``feed_version``).

gtfs-guru notices left (zero errors; tests/simulation/test_gtfs_export.py):
- mixed_case_recommended_field on agency_name and route_long_name (and stop_name): a check meant for
  Latin text flags the Chinese names, as on ``data/gtfs``; they are the names, so they stay.
- big_gap_in_service (info): the holiday service runs a few breaks a year, weeks apart, by design.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence

from planner.domain.daytypes import DAY_TYPES, day_type
from planner.domain.model import TZ
from planner.routing.shuttle import shuttle_trips
from planner.simulation.scenario import DIRECTIONS, Scenario

__all__ = ["scenario_to_gtfs", "MAX_DAYS", "PUBLISHER_URL"]

#: The longest span a feed may cover (about three years): the calendar_dates rows grow with it.
MAX_DAYS = 1100
#: Where the feed says it comes from (the project's page, as in data/gtfs/feed_info.txt).
PUBLISHER_URL = "https://example.org/dongjiao-panda-planner"
_NATURAL = ("weekday",) * 5 + ("weekend",) * 2  # the calendar.txt service of each weekday
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _coordinate(value: float) -> str:
    return f"{value:.6f}"


def _files(scenario: Scenario, start: dt.date, end: dt.date) -> dict[str, bytes]:
    agency, route = scenario.id, scenario.id
    shuttle = scenario.to_shuttle()
    ordered = {"outbound": scenario.stops, "inbound": tuple(reversed(scenario.stops))}
    running = [d for d in DAY_TYPES if scenario.trips(d)]  # a service without trips is left out

    trips: list[tuple[str, str, str, str, int, str]] = []
    stop_times: list[tuple[str, str, str, str, int]] = []
    for kind in running:
        timed = {trip.trip_id: trip for trip in shuttle_trips(shuttle, kind)[1]}
        for direction_id, direction in enumerate(DIRECTIONS):
            last = ordered[direction][-1]
            for depart in scenario.departures_s(kind, direction):
                routed = timed[f"{shuttle.id}-{direction}-{depart}"]
                trip_id = f"{scenario.id}-{kind}-{direction}-{depart}"
                shape = f"{scenario.id}-{direction}" if scenario.path else ""
                trips.append((route, kind, trip_id, last.name_zh, direction_id, shape))
                for seq, (stop, arrive, leave) in enumerate(
                        zip(ordered[direction], routed.arrivals_s, routed.departures_s), start=1):
                    stop_times.append((trip_id, _hms(arrive), _hms(leave), stop.id, seq))

    trips.sort(key=lambda t: t[2])
    stop_times.sort(key=lambda t: (t[0], t[4]))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    calendar = [(kind, *(int(_NATURAL[w] == kind) for w in range(7)), start.strftime("%Y%m%d"),
                 end.strftime("%Y%m%d")) for kind in running if kind != "holiday"]
    dates = []
    for day in days:
        natural, actual = _NATURAL[day.weekday()], day_type(day)
        if natural != actual:
            if natural in running:
                dates.append((natural, day.strftime("%Y%m%d"), 2))
            if actual in running:
                dates.append((actual, day.strftime("%Y%m%d"), 1))

    files = {
        "agency.txt": _csv(("agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"),
                           [(agency, scenario.name_zh, PUBLISHER_URL, str(TZ), "zh")]),
        "stops.txt": _csv(("stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"),
                          sorted((s.id, s.name_zh, _coordinate(s.lat), _coordinate(s.lon), 0)
                                 for s in scenario.stops)),
        "routes.txt": _csv(("route_id", "agency_id", "route_short_name", "route_long_name", "route_type"),
                           [(route, agency, "直通车", scenario.name_zh, 3)]),
        "trips.txt": _csv(("route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "shape_id"),
                          trips),
        "stop_times.txt": _csv(("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
                               stop_times),
        "calendar.txt": _csv(("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                              "sunday", "start_date", "end_date"), calendar),
        "fare_attributes.txt": _csv(("fare_id", "price", "currency_type", "payment_method", "transfers",
                                     "agency_id"), [(f"{route}-fare", f"{scenario.fare_cny:.2f}", "CNY", 0, 0, agency)]),
        "fare_rules.txt": _csv(("fare_id", "route_id"), [(f"{route}-fare", route)]),
        "translations.txt": _csv(("table_name", "field_name", "language", "translation", "record_id", "field_value"),
                                 _translations(scenario, route, agency)),
    }
    if dates:
        files["calendar_dates.txt"] = _csv(("service_id", "date", "exception_type"), sorted(dates))
    if scenario.path:
        files["shapes.txt"] = _csv(("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"), [
            (f"{scenario.id}-{direction}", _coordinate(lat), _coordinate(lon), seq)
            for direction in DIRECTIONS
            for seq, (lat, lon) in enumerate(scenario.path if direction == "outbound" else reversed(scenario.path),
                                             start=1)])
    version = hashlib.sha256(b"".join(name.encode() + files[name] for name in sorted(files))).hexdigest()[:12]
    files["feed_info.txt"] = _csv(
        ("feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date", "feed_end_date", "feed_version",
         "feed_contact_url"),
        [(f"{scenario.name_zh} ({scenario.name_en})", PUBLISHER_URL, "zh", start.strftime("%Y%m%d"),
          end.strftime("%Y%m%d"), version, PUBLISHER_URL)])
    return files


def _translations(scenario: Scenario, route: str, agency: str) -> list[tuple[str, ...]]:
    """English names: the agency's, the route's, each stop's, and the headsigns (the terminals')."""
    heads = (scenario.stops[0], scenario.stops[-1])
    rows: list[tuple[str, ...]] = [("agency", "agency_name", "en", scenario.name_en, agency, ""),
            ("routes", "route_long_name", "en", scenario.name_en, route, ""),
            ("routes", "route_short_name", "en", "Direct Shuttle", route, "")]
    rows += [("stops", "stop_name", "en", s.name_en, s.id, "") for s in scenario.stops]
    rows += sorted({("trips", "trip_headsign", "en", s.name_en, "", s.name_zh) for s in scenario.stops
                    if s in heads})
    return rows


def scenario_to_gtfs(scenario: Scenario, start: dt.date, end: dt.date) -> bytes:
    """The scenario's timetable from ``start`` to ``end`` (inclusive) as a GTFS zip.

    Raises :class:`ValueError` when ``end`` is before ``start`` or the span is over :data:`MAX_DAYS`.

    Examples
    --------
    >>> from planner.simulation.scenario import _example
    >>> zipped = scenario_to_gtfs(_example(), dt.date(2025, 9, 29), dt.date(2025, 10, 12))
    >>> with zipfile.ZipFile(io.BytesIO(zipped)) as z:
    ...     print(z.read("calendar_dates.txt").decode().splitlines()[:3])
    ['service_id,date,exception_type', 'weekday,20251001,2', 'weekday,20251002,2']
    >>> scenario_to_gtfs(_example(), dt.date(2025, 9, 29), dt.date(2025, 10, 12)) == zipped  # deterministic
    True
    """
    if end < start:
        raise ValueError(f"the feed ends ({end}) before it starts ({start})")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError(f"a feed covers at most {MAX_DAYS} days, not {(end - start).days + 1}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(_files(scenario, start, end).items()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
