"""Broken data named: every corruption of a data file (the YAML files and the bundled GTFS feed) makes
``planner check-data`` and ``planner serve`` exit 1 with the file, line, record and field, never a
traceback; the bundled data pass. Real public feeds stay readable by ``read_feed`` (their faults are
warnings there): strictness is for the data folder's own feed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.main import main
from planner.sources.gtfs import read_feed
from planner.sources.gtfs_check import check_feed

FIXTURES = Path(__file__).parent / "fixtures" / "gtfs"


def corrupt(data_dir: Path, name: str, old: str, new: str) -> int:
    """Replace the one occurrence of ``old`` in ``data_dir/name``; the line (1-based) it starts on."""
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def check(runner, data_dir: Path, command: str = "check-data"):
    result = runner.invoke(main, [command, "--data-dir", str(data_dir)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # an exit, not an error
    assert "Traceback" not in result.output
    return result.output


def named(output: str, file: str, line: int | None, field: str) -> bool:
    """Whether one problem line names the file with its line, and the field."""
    where = re.escape(file) + ":" + (str(line) if line is not None else r"\d+") + r"\b"
    return any(re.search(where, row) and field in row for row in output.splitlines())


# (case id, file in gtfs/, unique text, replacement, field named)
GTFS_CASES = [
    ("stop-at-0-0", "stops.txt", "m-0,韦家碾,weijianian,30.720003,104.084312", "m-0,韦家碾,weijianian,0,0", "stop_lat"),
    ("stop-swapped", "stops.txt", "m-1,升仙湖,shengxianhu,30.707014,104.080936",
     "m-1,升仙湖,shengxianhu,104.080936,30.707014", "stop_lat"),
    ("stop-lat-text", "stops.txt", "m-2,火车北站,huochebeizhan,30.697923,", "m-2,火车北站,huochebeizhan,north,", "stop_lat"),
    ("stop-no-lon", "stops.txt", "m-3,人民北路,renminbeilu,30.688259,104.070675", "m-3,人民北路,renminbeilu,30.688259,",
     "stop_lon"),
    ("stop-duplicate", "stops.txt", "m-4,文殊院,", "m-3,文殊院,", "stop_id"),
    ("time-backwards", "stop_times.txt", "m-1-0-weekday,3,m-2,00:04:24,00:04:54,0",
     "m-1-0-weekday,3,m-2,00:01:24,00:01:54,0", "arrival_time"),
    ("departs-before-arrival", "stop_times.txt", "m-1-0-weekday,4,m-3,00:06:23,00:06:53,0",
     "m-1-0-weekday,4,m-3,00:06:53,00:06:23,0", "departure_time"),
    ("time-unparseable", "stop_times.txt", "m-1-0-weekday,5,m-4,00:09:02,", "m-1-0-weekday,5,m-4,9h02,", "arrival_time"),
    ("time-minute-75", "stop_times.txt", "m-1-0-weekday,6,m-5,00:10:26,00:10:56,", "m-1-0-weekday,6,m-5,00:10:26,00:75:56,",
     "departure_time"),
    ("stop-times-unknown-stop", "stop_times.txt", "m-1-0-weekday,7,m-6,", "m-1-0-weekday,7,m-9999,", "stop_id"),
    ("stop-times-unknown-trip", "stop_times.txt", "m-1-0-weekday,8,m-7,", "m-1-0-weekdays,8,m-7,", "trip_id"),
    ("stop-sequence-text", "stop_times.txt", "m-1-0-weekday,9,m-8,", "m-1-0-weekday,nine,m-8,", "stop_sequence"),
    ("stop-sequence-repeated", "stop_times.txt", "m-1-0-weekday,10,m-9,", "m-1-0-weekday,9,m-9,", "stop_sequence"),
    ("trip-unknown-route", "trips.txt", "m-1,weekday,m-1-0-weekday,", "m-99,weekday,m-1-0-weekday,", "route_id"),
    ("trip-unknown-service", "trips.txt", "m-1,weekday,m-1-1-weekday,", "m-1,holiday,m-1-1-weekday,", "service_id"),
    ("calendar-impossible-date", "calendar.txt", "weekday,1,1,1,1,1,0,0,20240101,", "weekday,1,1,1,1,1,0,0,20240230,",
     "start_date"),
    ("calendar-ends-before-start", "calendar.txt", "weekend,0,0,0,0,0,1,1,20240101,20271231",
     "weekend,0,0,0,0,0,1,1,20240101,20231231", "end_date"),
    ("calendar-weekday-2", "calendar.txt", "weekend,0,0,0,0,0,1,1,", "weekend,0,0,0,0,0,2,1,", "saturday"),
    ("calendar-dates-unknown-service", "calendar_dates.txt", "weekday,20240204,1", "weekdays,20240204,1", "service_id"),
    ("calendar-dates-impossible-date", "calendar_dates.txt", "weekday,20240218,1", "weekday,20240230,1", "date"),
    ("calendar-dates-exception-3", "calendar_dates.txt", "weekday,20240407,1", "weekday,20240407,3", "exception_type"),
    ("frequency-start-after-end", "frequencies.txt", "m-1-0-weekday,06:00:00,07:30:00,480,0",
     "m-1-0-weekday,07:30:00,06:00:00,480,0", "end_time"),
    ("frequency-headway-0", "frequencies.txt", "m-1-0-weekday,07:30:00,09:30:00,240,0",
     "m-1-0-weekday,07:30:00,09:30:00,0,0", "headway_secs"),
    ("frequency-headway-negative", "frequencies.txt", "m-1-0-weekday,09:30:00,17:00:00,420,0",
     "m-1-0-weekday,09:30:00,17:00:00,-420,0", "headway_secs"),
    ("frequency-unknown-trip", "frequencies.txt", "m-1-0-weekday,17:00:00,19:30:00,240,0",
     "m-1-0-weekdayz,17:00:00,19:30:00,240,0", "trip_id"),
    ("frequency-bad-time", "frequencies.txt", "m-1-0-weekday,19:30:00,22:00:00,420,0",
     "m-1-0-weekday,19:30,22:00:00,420,0", "start_time"),
    ("transfer-negative", "transfers.txt", "m-0,m-0,2,180", "m-0,m-0,2,-180", "min_transfer_time"),
    ("transfer-unknown-stop", "transfers.txt", "bus-jqzyy,m-75,2,300", "bus-jqzyy,m-7500,2,300", "to_stop_id"),
    ("transfer-type-9", "transfers.txt", "m-2,m-2,2,180", "m-2,m-2,9,180", "transfer_type"),
    ("transfer-a-year", "transfers.txt", "m-3,m-3,2,180", "m-3,m-3,2,31536000", "min_transfer_time"),
    ("frequency-headway-a-year", "frequencies.txt", "m-1-0-weekday,22:00:00,23:00:01,600,0",
     "m-1-0-weekday,22:00:00,23:00:01,31536000,0", "headway_secs"),
    ("trip-direction-2", "trips.txt", "m-2,weekday,m-2-0-weekday,龙泉驿,0", "m-2,weekday,m-2-0-weekday,龙泉驿,2",
     "direction_id"),
    ("stop-times-timepoint-x", "stop_times.txt", "m-1-0-weekday,11,m-10,00:19:23,00:19:53,0",
     "m-1-0-weekday,11,m-10,00:19:23,00:19:53,x", "timepoint"),
    ("route-no-agency", "routes.txt", "m-2,cdmetro,2,", "m-2,,2,", "agency_id"),
    ("row-extra-values", "trips.txt", "m-2,weekday,m-2-1-weekday,犀浦,1", "m-2,weekday,m-2-1-weekday,犀浦,1,x,y", ""),
    ("row-unclosed-quote", "trips.txt", "m-2,weekend,m-2-0-weekend,", '"m-2,weekend,m-2-0-weekend,', ""),
    ("route-type-text", "routes.txt", "1号线 / Chengdu Metro Line 1,1,263D96", "1号线 / Chengdu Metro Line 1,metro,263D96",
     "route_type"),
    ("agency-timezone", "agency.txt", "cdmetro,成都轨道交通,https://www.chengdurail.com,Asia/Shanghai",
     "cdmetro,成都轨道交通,https://www.chengdurail.com,Asia/Chengdu", "agency_timezone"),
]


@pytest.mark.parametrize("case", GTFS_CASES, ids=[c[0] for c in GTFS_CASES])
def test_gtfs_corruption_is_named(runner, data_dir, case):
    _, name, old, new, field = case
    line = corrupt(data_dir / "gtfs", name, old, new)
    output = check(runner, data_dir)
    assert named(output, f"gtfs/{name}", line, f".{field}"), output


# (case id, file, unique text, replacement, record line or None, field named)
YAML_CASES = [
    ("event-start-2024-02-30", "events.yaml", "start: 2024-01-05T20:00:00+08:00", "start: 2024-02-30T20:00:00+08:00",
     12, "events[0] (dj-new-year-music-season-2024).start"),
    ("event-end-month-13", "events.yaml", "end: 2024-01-05T22:00:00+08:00", "end: 2024-13-05T22:00:00+08:00",
     12, "events[0] (dj-new-year-music-season-2024).end"),
    ("event-exdate-impossible", "events.yaml", "exdates: [2024-02-19T10:00:00+08:00]", "exdates: [2024-02-31T10:00:00+08:00]",
     64, ".exdates"),
    ("event-exdates-scalar", "events.yaml", "exdates: [2024-02-19T10:00:00+08:00]", "exdates: 2024-02-19T10:00:00+08:00",
     64, ".exdates"),
    ("place-hours-from-2024-02-30", "places.yaml", '{open: "07:30", close: "18:00", last_entry: "17:00", source: "07:30',
     '{from: 2024-02-30, open: "07:30", close: "18:00", last_entry: "17:00", source: "07:30', 14, "sites[0] (panda-base).hours[0].from"),
    ("place-hours-until-2023-02-29", "places.yaml", '{months: [12, 1, 2], open: "08:00", close: "17:30", last_entry: "16:30", source: "OSM',
     '{months: [12, 1, 2], until: 2023-02-29, open: "08:00", close: "17:30", last_entry: "16:30", source: "OSM', 15, "hours[1].until"),
    ("place-lat-list", "places.yaml", "lat: 30.7351  ", "lat: [30.7351]", 6, "sites[0] (panda-base).lat"),
    ("places-sites-mapping", "places.yaml", "sites:\n  - id: panda-base", "sites: {a: 1}\nold_sites:\n  - id: panda-base",
     None, "sites"),
    ("shuttle-vehicle-number", "shuttle.yaml", "vehicle:\n", "vehicle: 5\nold_vehicle:\n", None, "vehicle"),
    ("shuttle-vehicle-list", "shuttle.yaml", "vehicle:\n", "vehicle: [1, 2]\nold_vehicle:\n", None, "vehicle"),
    ("shuttle-demand-number", "shuttle.yaml", "demand:\n", "demand: 5\nold_demand:\n", None, "demand"),
    ("shuttle-outbound-number", "shuttle.yaml", "timetable:\n  outbound:", "timetable:\n  outbound: 7\n  old_outbound:",
     None, "timetable.outbound"),
    ("network-taxi-number", "network.yaml", "taxi:\n", "taxi: 5\nold_taxi:\n", None, "taxi"),
    ("network-taxi-list", "network.yaml", "taxi:\n", "taxi: [1]\nold_taxi:\n", None, "taxi"),
    ("event-description-mapping", "events.yaml", "description_en: The park's first New Year music season,",
     "description_en:\n      text: The park's first New Year music season,", 12, ".description_en"),
    ("transit-day-types-list", "transit.yaml", "day_types:\n  weekday:\n", "day_types: [weekday]\nold_day_types:\n  weekday:\n",
     None, "day_types"),
    ("transit-day-type-number", "transit.yaml", "day_types:\n  weekday:\n    service: weekday\n",
     "day_types:\n  weekday: 1\n  old_weekday:\n    service: weekday\n", None, "day_types.weekday"),
    ("transit-fares-number", "transit.yaml", "fares:\n  metro:", "fares: 3\nold_fares:\n  metro:", None, "fares"),
    ("transit-metro-list", "transit.yaml", "fares:\n  metro:\n", "fares:\n  metro: [1]\n  old_metro:\n", None, "metro"),
]


@pytest.mark.parametrize("case", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_corruption_is_named(runner, data_dir, case):
    _, name, old, new, line, field = case
    corrupt(data_dir, name, old, new)
    output = check(runner, data_dir)
    assert named(output, name, line, field), output


def test_impossible_date_says_why(runner, data_dir):
    corrupt(data_dir, "events.yaml", "start: 2024-01-05T20:00:00+08:00", "start: 2024-02-30T20:00:00+08:00")
    corrupt(data_dir, "places.yaml", "  - id: panda-south-gate\n", "  - id: panda-south-gate\n    until: 2024-02-30\n")
    output = check(runner, data_dir)
    assert named(output, "events.yaml", 12, ".start") and named(output, "places.yaml", 40, "(panda-south-gate).until")
    assert output.count("day is out of range for month") == 2, output


def test_bundled_data_pass(runner):
    result = runner.invoke(main, ["check-data"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_serve_refuses_data_that_fail_check(runner, data_dir):
    line = corrupt(data_dir / "gtfs", "stops.txt", "m-0,韦家碾,weijianian,30.720003,104.084312",
                   "m-0,韦家碾,weijianian,0,0")
    output = check(runner, data_dir, "serve")
    assert named(output, "gtfs/stops.txt", line, ".stop_lat"), output
    assert "Serving on" not in output


def test_real_feeds_stay_readable():
    """The strict check is for the bundled feed: public feeds in tests/fixtures are read as before."""
    feeds = [p for p in FIXTURES.iterdir() if p.suffix == ".zip" or (p.is_dir() and (p / "stops.txt").exists())]
    assert feeds
    for feed in feeds:
        assert read_feed(feed).stop_times


def test_check_feed_passes_the_bundled_feed():
    from planner.domain.paths import bundled_data_dir

    assert check_feed(bundled_data_dir() / "gtfs") == []


@pytest.mark.parametrize("feed", ["sample_gtfs.zip", "cairns_gtfs.zip"])
def test_a_feed_given_apart_is_not_held_to_the_bundled_rules(feed):
    """A public feed (PLANNER_GTFS_PATH) loads with the data: its stops lie outside Chengdu, which the
    strict check of the bundled feed would refuse."""
    from planner.domain.paths import bundled_data_dir
    from planner.sources.datafiles import load_model

    assert check_feed(FIXTURES / feed)  # the strict check would refuse it ...
    assert load_model(bundled_data_dir(), FIXTURES / feed).feed.stop_times  # ... but it is only read
