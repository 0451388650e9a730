"""Build the GTFS feed of the Chengdu metro and the feeders to the Panda Base.

Inputs: ``data/metro/cd.js`` (lines and stations, GCJ-02) and ``data/transit.yaml`` (every
service assumption: calendars, headways, speeds, dwell, first/last trains, feeders).
Output: a GTFS feed in ``data/gtfs/`` (or ``--out``). Rerun after editing either input::

    planner build-gtfs [--out data/gtfs]

The output is deterministic (sorted rows, fixed number formats, a content-derived feed_version),
so a rerun on unchanged inputs rewrites identical bytes and the feed can be committed.

Model. Each line has one template trip per direction and service, with times relative to its
start (00:00:00); ``frequencies.txt`` repeats it (exact_times=0) in one window per time-of-day
period, from the first to the last departure at the terminal. Convention for consumers: a
window's runs are start_time + k x headway_secs before end_time, as GTFS defines them; the last
window is aligned so that its last run is the last departure (end_time one second after). Running
time between stations is straight-line distance x circuity / speed, plus dwell. Where a
first/last train is published at a station, the terminal window is shifted so the template
passes that station at the published time. Line 7 is a loop: its template runs once round from
火车北站 back to it, and at the first departure time the loop's other trains, one headway apart
round it, enter service where they stand (:func:`loop_starts`), as a loop without terminals does.
``calendar_dates.txt`` makes each day run its day type's service (transit.yaml ``day_types``:
holidays and the Spring Festival break, :func:`planner.domain.daytypes.metro_day_type`).

gtfs-guru notices left (zero errors):
- mixed_case_recommended_field, 5 warnings on stops.txt stop_name: 中医大·省医院, 双流机场1航站楼,
  双流机场2航站楼, 双流机场2航站楼东, 天府机场1号2号航站楼. A check meant for Latin text flags
  Chinese words split by digits or "·"; these are the stations' real names, so they stay. (Route
  names and headsigns are written to avoid it, e.g. "成都医学院至双流西站".)
- Depending on the validation date: service_extends_far_in_the_future (info) in 2024; from
  2026-12-01 feed_expiration_date30_days, then 7_days and expired_calendar: extend
  feed.end_date in transit.yaml and rebuild.
"""
from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import yaml

from planner.domain.daytypes import metro_day_type
from planner.domain.geo import distance_m, gcj02_to_wgs84
from planner.domain.paths import bundled_data_dir

DATA = bundled_data_dir()

METRO_JS = DATA / "metro" / "cd.js"
TRANSIT_YAML = DATA / "transit.yaml"
DEFAULT_OUT = DATA / "gtfs"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# --- reading the inputs -------------------------------------------------------------------

_JS_TOKEN = re.compile(
    r"""(?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<key>[A-Za-z_$][\w$]*)(?=\s*:)
      | (?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<close>,?\s*[}\]])
      | (?P<other>[^'"A-Za-z_$/,}\]]+|.)""",
    re.VERBOSE | re.DOTALL,
)


def parse_js_object(text: str) -> Any:
    """Parse a JavaScript object literal (quoted or bare keys, '-strings, trailing commas)."""
    body = text[text.index("{"): text.rindex("}") + 1]  # drop `export default` and `;`
    out: list[str] = []
    for match in _JS_TOKEN.finditer(body):
        kind, token = match.lastgroup, match.group()
        if kind == "string":
            out.append(json.dumps(ast.literal_eval(token), ensure_ascii=False))
        elif kind == "key":
            out.append(json.dumps(token))
        elif kind == "close":
            out.append(token.lstrip(",").strip())  # JSON forbids trailing commas
        elif kind == "other":
            out.append(token)
    return json.loads("".join(out))


def load_metro(path: Path) -> tuple[list[dict], dict[int, dict]]:
    """Lines and stations of cd.js, stations keyed by id with WGS84 `lat`/`lon` added."""
    data = parse_js_object(path.read_text(encoding="utf-8"))
    stations = {}
    for station in data["stationList"]:
        lat, lon = gcj02_to_wgs84(float(station["lat"]), float(station["lng"]))
        # Rounded here, so running times can be recomputed from stops.txt alone.
        stations[int(station["id"])] = {**station, "lat": round(lat, 6), "lon": round(lon, 6)}
    return data["lineList"], stations


def clock_s(text: str) -> int:
    """Seconds after midnight of "HH:MM" or "HH:MM:SS"; hours may pass 24."""
    parts = [int(p) for p in str(text).split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def gtfs_date(value: object) -> str:
    return str(value).replace("-", "")

# --- running times ------------------------------------------------------------------------


def run_seconds(points: list[tuple[float, float]], speed_kmh: float, circuity: float) -> list[int]:
    """Running time between consecutive points, dwell excluded."""
    speed_ms = speed_kmh / 3.6
    return [round(distance_m(a, b) * circuity / speed_ms) for a, b in zip(points, points[1:])]


def calibrate(runs: list[int], names: list[str], between: list[str], seconds: int, dwell_s: int) -> list[int]:
    """Scale the runs between two stations so departure-to-departure takes `seconds`."""
    i, j = sorted(names.index(name) for name in between)
    target = seconds - dwell_s * (j - i)  # dwell at every station after i, up to j
    scaled = [round(r * target / sum(runs[i:j])) for r in runs[i:j]]
    scaled[-1] += target - sum(scaled)  # keep the total exact despite rounding
    return runs[:i] + scaled + runs[j:]


def stop_offsets(runs: list[int], dwell_s: int) -> list[tuple[int, int]]:
    """(arrival, departure) of each stop, from a departure at 0; no dwell at either end."""
    times, t = [(0, 0)], 0
    for run in runs:
        t += run
        times.append((t, t + dwell_s))
        t += dwell_s
    times[-1] = (times[-1][0], times[-1][0])
    return times


def loop_headsign(points: list[tuple[float, float]]) -> str:
    # Shoelace sign on (lon, lat): positive is anticlockwise seen on a north-up map.
    area = sum(a[1] * b[0] - b[1] * a[0] for a, b in zip(points, points[1:]))
    return "逆时针环线" if area > 0 else "顺时针环线"

# --- timetable windows --------------------------------------------------------------------


def terminal_window(line: dict, names: list[str], offsets: list[tuple[int, int]], published: list[dict], default: dict) -> tuple[int, int]:
    """First and last departure at the terminal, so the published station times come out exactly."""
    def departs(fact: dict) -> int:  # the template's departure at the fact's station
        return offsets[names.index(fact["station"])][1]

    facts = [f for f in published if f["line"] == line["id"] and f["towards"] == names[-1]]
    window = {}
    for key in ("first", "last"):
        anchor = next((f for f in facts if key in f), None)
        window[key] = clock_s(anchor[key]) - departs(anchor) if anchor else clock_s(line.get(key, default[key]))
        for fact in facts:  # one template serves all stations: the others must agree with the anchor
            if key in fact and window[key] + departs(fact) != clock_s(fact[key]):
                raise ValueError(
                    f"{line['id']} towards {fact['towards']}: {key} train passes {fact['station']} at "
                    f"{gtfs_time(window[key] + departs(fact))}, published {fact[key]}; "
                    "fix run_time_calibrations or first_last_trains in transit.yaml")
    return window["first"], window["last"]


def frequency_rows(trip_id: str, first: int, last: int, periods: list[dict], headways: dict) -> list[list]:
    """One frequencies.txt row per period that overlaps [first, last]."""
    starts = [clock_s(p["from"]) for p in periods]
    ends = starts[1:] + [last]
    rows = []
    for period, start, end in zip(periods, starts, ends):
        start, end = max(start, first), min(end, last)
        headway = headways[period["period"]]
        if end == last:
            # runs are start + k x headway < end_time: align the last window so one run is the last train
            start = last - (last - start) // headway * headway
            end = last + 1
        if start < end:
            rows.append([trip_id, gtfs_time(start), gtfs_time(end), headway, 0])
    return rows


def span_rows(trip_id: str, first: int, last: int, headway: int) -> list[list]:
    """frequencies.txt rows whose runs leave at ``first``, every ``headway``, and at ``last``.

    GTFS reference, frequencies.txt: runs start at start_time + k x headway_secs *before*
    end_time (end_time is exclusive), so a window ending at ``last`` would drop the last run. The
    window ends one second after its last run; when ``last`` is not a whole number of headways
    after ``first``, a one-run window adds it (the timetable's stated first and last both run).

    Examples
    --------
    >>> span_rows("bus-198-0-weekday", 6 * 3600 + 1800, 21 * 3600, 900)
    [['bus-198-0-weekday', '06:30:00', '21:00:01', 900, 0]]
    >>> span_rows("d025", 8 * 3600 + 1800, 16 * 3600, 1200)
    [['d025', '08:30:00', '15:50:01', 1200, 0], ['d025', '16:00:00', '16:00:01', 1200, 0]]
    """
    if last < first:
        raise ValueError(f"{trip_id}: last departure {gtfs_time(last)} before first {gtfs_time(first)}")
    aligned = first + (last - first) // headway * headway  # the last run of the regular series
    rows = [[trip_id, gtfs_time(first), gtfs_time(aligned + 1), headway, 0]]
    if aligned != last:
        rows.append([trip_id, gtfs_time(last), gtfs_time(last + 1), headway, 0])
    return rows


def line_headways(cfg: dict, line: dict, service: str) -> dict:
    return {**cfg["headways_s"][service], **line.get("headways_s", {}).get(service, {})}

# --- the feed -----------------------------------------------------------------------------


def text_color(hex_color: str) -> str:
    """Black or white, whichever contrasts more with the route colour (WCAG luminance)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(hex_color[i:i + 2], 16) / 255) for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "FFFFFF"


def trip_rows(tables: dict, route_id: str, trip_id: str, service: str, direction: int,
              headsign: str, stop_ids: list[str], offsets: list[tuple[int, int]]) -> None:
    tables["trips.txt"].append([route_id, service, trip_id, headsign, direction])
    for seq, (stop_id, (arrival, departure)) in enumerate(zip(stop_ids, offsets), start=1):
        # timepoint 0: every time here is modelled, none is a published timetable time.
        tables["stop_times.txt"].append([trip_id, seq, stop_id, gtfs_time(arrival), gtfs_time(departure), 0])


def add_metro(tables: dict, cfg: dict, cd_lines: list[dict], stations: dict[int, dict]) -> None:
    by_name = {line["name"]: line for line in cd_lines}
    if sorted(by_name) != sorted(line["name"] for line in cfg["lines"]):
        raise ValueError("transit.yaml `lines` must list exactly the lines of cd.js")
    terminals = {line["id"]: {stations[int(by_name[line["name"]]["stations"][k])]["name"] for k in (0, -1)}
                 for line in cfg["lines"]}
    for fact in cfg["first_last_trains"]:  # a typo would otherwise drop the fact silently
        if fact["towards"] not in terminals.get(fact["line"], ()):
            raise ValueError(f"first_last_trains: {fact['line']} has no terminal {fact['towards']}")
    run = cfg["running"]
    for line in cfg["lines"]:
        cd_line = by_name[line["name"]]
        ids = [int(i) for i in cd_line["stations"]]
        color = cd_line["color"].lstrip("#").upper()
        tables["routes.txt"].append([line["id"], "cdmetro", line["short_name"], _long_name(ids, stations),
                                     f"{line['name']} / {line['name_en']}", line["route_type"], color, text_color(color)])
        points = [(stations[i]["lat"], stations[i]["lon"]) for i in ids]
        names = [stations[i]["name"] for i in ids]
        dwell = line.get("dwell_s", run["dwell_s"])
        runs = run_seconds(points, line.get("speed_kmh", run["speed_kmh"]), line.get("circuity", run["circuity"]))
        for cal in cfg.get("run_time_calibrations", []):
            if cal["line"] == line["id"]:
                runs = calibrate(runs, names, cal["between"], cal["seconds"], dwell)
        for direction in (0, 1):
            seq = ids if direction == 0 else ids[::-1]
            seq_names = [stations[i]["name"] for i in seq]
            offsets = stop_offsets(runs if direction == 0 else runs[::-1], dwell)
            is_loop = seq[0] == seq[-1]
            headsign = loop_headsign(points if direction == 0 else points[::-1]) if is_loop else seq_names[-1]
            first, last = terminal_window(line, seq_names, offsets, cfg["first_last_trains"], cfg["terminal_departures"])
            for service in cfg["services"]:
                trip_id = f"{line['id']}-{direction}-{service}"
                trip_rows(tables, line["id"], trip_id, service, direction, headsign,
                          [f"m-{i}" for i in seq], offsets)
                headways = line_headways(cfg, line, service)
                tables["frequencies.txt"] += frequency_rows(trip_id, first, last, cfg["periods"][service], headways)
                if is_loop:
                    add_loop_starts(tables, line["id"], trip_id, service, direction, headsign, seq, offsets,
                                    first, headways[period_at(cfg["periods"][service], first)])


def loop_starts(offsets: list[tuple[int, int]], first: int, headway: int) -> dict[int, list[int]]:
    """Where and when the trains of a loop enter service at its first departure time.

    A loop has no terminal: when service begins its trains stand spread round it, one headway
    apart, and each starts from the station where it stands. Train k (k = 1, 2, ...) is the one
    that would have left the loop's first station k headways before ``first``; it enters service
    at the first station it leaves at or after ``first``. Returns {index of that station in the
    loop: [its departure times there]}, so every station has a train within one headway of
    ``first`` (the loop's own template trip starts only at its first station).

    Examples
    --------
    >>> loop_starts([(0, 0), (100, 130), (230, 260), (360, 360)], 1000, 120)
    {1: [1010], 2: [1020]}
    """
    starts: dict[int, list[int]] = {}
    loop_s = offsets[-1][0]
    k = 1
    while k * headway < loop_s:
        station = next((i for i, (_, dep) in enumerate(offsets[1:-1], start=1) if dep >= k * headway), None)
        if station is not None:
            starts.setdefault(station, []).append(first - k * headway + offsets[station][1])
        k += 1
    return starts


def add_loop_starts(tables: dict, route_id: str, trip_id: str, service: str, direction: int, headsign: str,
                    seq: list[int], offsets: list[tuple[int, int]], first: int, headway: int) -> None:
    """The trains of a loop that enter service round it at ``first`` (:func:`loop_starts`): each a
    trip from its station to the end of the loop, run once (a one-run frequencies.txt window)."""
    for station, departures in loop_starts(offsets, first, headway).items():
        start = offsets[station][1]
        part = [(max(arr - start, 0), dep - start) for arr, dep in offsets[station:]]
        part[0] = (0, 0)
        part_id = f"{trip_id}-from-{seq[station]}"
        trip_rows(tables, route_id, part_id, service, direction, headsign, [f"m-{i}" for i in seq[station:]], part)
        for departure in departures:
            tables["frequencies.txt"].append([part_id, gtfs_time(departure), gtfs_time(departure + 1), headway, 0])


def period_at(periods: list[dict], seconds: int) -> str:
    """The period (time-of-day name) that a departure at ``seconds`` falls in."""
    return [p["period"] for p in periods if clock_s(p["from"]) <= seconds][-1]


def _long_name(ids: list[int], stations: dict[int, dict]) -> str:
    # Terminals, not "3号线", which would repeat the short name (a GTFS warning). "至" rather
    # than " - ": the validator's mixed-case check flags Chinese text split by punctuation.
    if ids[0] == ids[-1]:
        return "环线"
    return f"{stations[ids[0]]['name']}至{stations[ids[-1]]['name']}"


def add_stops(tables: dict, cfg: dict, stations: dict[int, dict]) -> None:
    for sid, st in stations.items():
        tables["stops.txt"].append([f"m-{sid}", st["name"], st["pinyin"], f"{st['lat']:.6f}", f"{st['lon']:.6f}"])
    by_name = {st["name"]: sid for sid, st in stations.items()}
    for stop in cfg["feeder_stops"]:
        if "station" in stop:
            st = stations[by_name[stop["station"]]]
            lat, lon = st["lat"], st["lon"]
        else:
            lat, lon = stop["lat"], stop["lon"]
        tables["stops.txt"].append([stop["id"], stop["name"], stop["desc"], f"{lat:.6f}", f"{lon:.6f}"])


def add_feeders(tables: dict, cfg: dict) -> None:
    for feeder in cfg["feeders"]:
        tables["routes.txt"].append([feeder["id"], feeder["agency"], feeder.get("short_name", ""),
                                     feeder["long_name"], feeder["name_en"], 3, "", ""])
        names = {stop["id"]: stop["name"] for stop in cfg["feeder_stops"]}
        offsets = stop_offsets([feeder["ride_s"]] * (len(feeder["stops"]) - 1), cfg["running"]["dwell_s"])
        for direction in (0, 1):
            stop_ids = feeder["stops"] if direction == 0 else feeder["stops"][::-1]
            for service in feeder["services"]:
                trip_id = f"{feeder['id']}-{direction}-{service}"
                trip_rows(tables, feeder["id"], trip_id, service, direction, names[stop_ids[-1]], stop_ids, offsets)
                tables["frequencies.txt"] += span_rows(
                    trip_id, clock_s(feeder["first"]), clock_s(feeder["last"]), feeder["headway_s"])


def add_transfers(tables: dict, cfg: dict, cd_lines: list[dict], stations: dict[int, dict]) -> None:
    """Line changes inside a station (from == to), and walks between a station and its feeder stop."""
    lines_at: dict[int, int] = {}
    for line in cd_lines:
        for sid in set(line["stations"]):
            lines_at[int(sid)] = lines_at.get(int(sid), 0) + 1
    for sid, count in lines_at.items():
        if count > 1:
            tables["transfers.txt"].append([f"m-{sid}", f"m-{sid}", 2, cfg["transfers"]["min_transfer_time_s"]])
    by_name = {st["name"]: sid for sid, st in stations.items()}
    for stop in cfg["feeder_stops"]:
        if "station" in stop:
            metro = f"m-{by_name[stop['station']]}"
            tables["transfers.txt"].append([metro, stop["id"], 2, stop["transfer_s"]])
            tables["transfers.txt"].append([stop["id"], metro, 2, stop["transfer_s"]])


def add_calendar_and_agencies(tables: dict, cfg: dict) -> None:
    feed = cfg["feed"]
    for service_id, service in cfg["services"].items():
        days = [1 if day in service["days"] else 0 for day in WEEKDAYS]
        tables["calendar.txt"].append([service_id, *days, gtfs_date(feed["start_date"]), gtfs_date(feed["end_date"])])
    tables["calendar_dates.txt"] += day_type_exceptions(cfg)
    for agency in cfg["agencies"]:
        tables["agency.txt"].append([agency["id"], agency["name"], agency["url"], agency["timezone"], agency["lang"]])


def day_type_exceptions(cfg: dict) -> list[list]:
    """calendar_dates.txt rows that make each day run its day type's service (transit.yaml ``day_types``)
    where calendar.txt's weekday would run another: the regular one removed (2), the day type's added (1).

    Examples
    --------
    >>> cfg = {"feed": {"start_date": "2024-02-09", "end_date": "2024-02-19"},
    ...        "services": {"weekday": {"days": ["mon", "tue", "wed", "thu", "fri"]}, "weekend": {"days": ["sat", "sun"]}},
    ...        "day_types": {"weekday": {"service": "weekday"}, "weekend": {"service": "weekend"},
    ...                      "holiday": {"service": "weekend"}, "spring_festival": {"service": "weekend"}}}
    >>> [row for row in day_type_exceptions(cfg) if row[1] in ("20240212", "20240218")]
    [['weekday', '20240212', 2], ['weekend', '20240212', 1], ['weekend', '20240218', 2], ['weekday', '20240218', 1]]
    """
    rows: list[list] = []
    mapping = cfg.get("day_types")
    if not mapping:
        return rows
    start, end = (dt.date.fromisoformat(str(cfg["feed"][k])) for k in ("start_date", "end_date"))
    day = start
    while day <= end:
        regular = [sid for sid, service in cfg["services"].items() if WEEKDAYS[day.weekday()] in service["days"]]
        wanted = mapping[metro_day_type(day)]["service"]
        if wanted not in regular:
            rows += [[sid, gtfs_date(day), 2] for sid in regular]
            rows.append([wanted, gtfs_date(day), 1])
        day += dt.timedelta(days=1)
    return rows


HEADERS = {
    "agency.txt": ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
    "stops.txt": ["stop_id", "stop_name", "stop_desc", "stop_lat", "stop_lon"],
    "routes.txt": ["route_id", "agency_id", "route_short_name", "route_long_name", "route_desc",
                   "route_type", "route_color", "route_text_color"],
    "trips.txt": ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"],
    # stop_sequence second, so sorting whole rows orders each trip's stops.
    "stop_times.txt": ["trip_id", "stop_sequence", "stop_id", "arrival_time", "departure_time", "timepoint"],
    "frequencies.txt": ["trip_id", "start_time", "end_time", "headway_secs", "exact_times"],
    "calendar.txt": ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                     "sunday", "start_date", "end_date"],
    "calendar_dates.txt": ["service_id", "date", "exception_type"],
    "transfers.txt": ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
    "feed_info.txt": ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                      "feed_end_date", "feed_version", "feed_contact_url"],
}


def _natural(value: object) -> list[int | str]:
    # "m-9" before "m-10": split digits out so numbers compare as numbers.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(value))]


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(sorted(rows, key=lambda row: [_natural(cell) for cell in row]))
    return buffer.getvalue().encode("utf-8")


def build_feed(cfg: dict, cd_lines: list[dict], stations: dict[int, dict]) -> dict[str, bytes]:
    """The feed as {file name: bytes}."""
    tables: dict[str, list[list[Any]]] = {name: [] for name in HEADERS if name != "feed_info.txt"}
    add_calendar_and_agencies(tables, cfg)
    add_stops(tables, cfg, stations)
    add_metro(tables, cfg, cd_lines, stations)
    add_feeders(tables, cfg)
    add_transfers(tables, cfg, cd_lines, stations)
    files = {name: to_csv(HEADERS[name], rows) for name, rows in tables.items()}
    # The version names the content, so it changes exactly when the timetable does.
    version = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()[:12]
    feed = cfg["feed"]
    files["feed_info.txt"] = to_csv(HEADERS["feed_info.txt"], [[
        feed["publisher_name"], feed["publisher_url"], feed["lang"], gtfs_date(feed["start_date"]),
        gtfs_date(feed["end_date"]), version, feed["publisher_url"]]])
    return files


def write_feed(out: Path = DEFAULT_OUT, transit: Path = TRANSIT_YAML, metro: Path = METRO_JS) -> list[str]:
    """Build the feed from ``transit`` (YAML) and ``metro`` (cd.js) and write it to ``out``.

    Returns the names of the files written. Deterministic: unchanged inputs give identical bytes.
    """
    cfg = yaml.safe_load(Path(transit).read_text(encoding="utf-8"))
    cd_lines, stations = load_metro(Path(metro))
    files = build_feed(cfg, cd_lines, stations)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    return sorted(files)
