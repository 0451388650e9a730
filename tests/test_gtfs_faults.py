"""read_feed on what real feeds contain, all at once: every combination of a byte-order mark, a legacy
encoding, stray spaces, extra columns and CRLF in one file; rows that contradict others (a repeated
stop_sequence or id, times going back), time zones, stations, transfers.txt of every type; and the
warnings of a feed that cannot be used, printed by the CLI and logged by the server all the same.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.main import main
from planner.routing import raptor
from planner.routing.timetable import WalkRules, build_timetable
from planner.sources.gtfs import GtfsError, read_feed

TUESDAY = dt.date(2024, 2, 13)
BASE = {  # as tests/test_gtfs_reader.py's
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nT,Tiny,https://example.org,Asia/Shanghai\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
                 "A,Alpha,30.60,104.00\nB,Beta,30.62,104.00\nC,Gamma,30.64,104.00\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\nR1,T,1,Line 1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WK,t1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "t1,08:00:00,08:00:00,A,1\nt1,08:10:00,08:10:00,B,2\nt1,08:20:00,08:20:00,C,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                    "WK,1,1,1,1,1,0,0,20240101,20241231\n",
}


def write_feed(folder: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The base feed with some files replaced (text, bytes) or removed (None)."""
    files = {**BASE, **(changes or {})}
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is not None:
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def arrival(feed, day: dt.date, origin: str, dest: str, depart_s: int, rules: WalkRules = WalkRules()):
    tt = build_timetable(feed, day, rules)
    found = raptor.earliest_arrival(tt, raptor.Endpoint(((tt.index[origin], 0, 0),), 0, 0),
                                    raptor.Endpoint(((tt.index[dest], 0, 0),), 0, 0), depart_s)
    return found[-1].arr_s if found else None


# --------------------------------------------------------------------- every fault at once in one file

FAULTS = ("bom", "cp1252", "spaces", "extra_column", "crlf")
# each file carries a Latin letter outside ASCII, so its encoding matters
FAULTY_FILES = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
                 "A,Gare Centrale,30.60,104.00\nB,Cathédrale,30.62,104.00\nC,Hôtel de Ville,30.64,104.00\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,stop_headsign\n"
                      "t1,08:00:00,08:00:00,A,1,Cathédrale\nt1,08:10:00,08:10:00,B,2,Hôtel\n"
                      "t1,08:20:00,08:20:00,C,3,\n",
    "trips.txt": "route_id,service_id,trip_id,trip_headsign,block_id\nR1,WK,t1,Hôtel de Ville,b1\n",
    "transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time,note\nB,B,2,120,changement à pied\n",
}


def with_faults(text: str, faults: tuple[str, ...]) -> bytes:
    """A CSV text with some of the faults feeds in the wild have: a byte-order mark, a legacy encoding,
    spaces around names and values, a column GTFS does not define, CRLF line ends."""
    lines = text.splitlines()
    if "spaces" in faults:
        lines = [",".join(f" {cell} " if cell else cell for cell in line.split(",")) for line in lines]
    if "extra_column" in faults:
        lines = [lines[0] + ",our_own_column"] + [line + ",x" for line in lines[1:]]
    body = ("\r\n" if "crlf" in faults else "\n").join(lines) + ("\r\n" if "crlf" in faults else "\n")
    raw = body.encode("cp1252" if "cp1252" in faults else "utf-8")
    return (b"\xef\xbb\xbf" if "bom" in faults else b"") + raw


COMPARED = ("stops", "routes", "trips", "stop_times", "frequencies", "services", "service_exceptions",
            "transfer_rules", "children", "timezone")


@pytest.mark.parametrize("name", sorted(FAULTY_FILES))
def test_every_combination_of_faults_in_one_file_reads_as_the_clean_file(tmp_path, name):
    """All 32 combinations of a byte-order mark, cp1252, stray spaces, an extra column and CRLF in one
    file (calendar_dates, frequencies and feed_info missing, as they may be): the feed read is the clean
    one, and the warnings are exactly the encoding's and the spaced names'."""
    clean_files = {**FAULTY_FILES}
    clean = read_feed(write_feed(tmp_path / "clean", clean_files))
    assert clean.warnings == [] and clean.stops["B"].name == "Cathédrale"
    for n in range(2 ** len(FAULTS)):
        faults = tuple(f for i, f in enumerate(FAULTS) if n >> i & 1)
        folder = write_feed(tmp_path / "-".join(("f",) + faults), {**clean_files, name: with_faults(FAULTY_FILES[name], faults)})
        feed = read_feed(folder)
        for attribute in COMPARED:
            assert getattr(feed, attribute) == getattr(clean, attribute), (faults, attribute)
        expected = set()
        if "cp1252" in faults:
            expected.add(f"{name}: not UTF-8 as GTFS requires; read as cp1252")
        if "spaces" in faults:
            expected.add(f"{name}: spaces around column names")
        assert set(feed.warnings) == expected, faults
        assert [t.stop_id for t in feed.stop_times["t1"]] == ["A", "B", "C"]


def test_the_case_feed_with_a_byte_order_mark_and_a_cp1252_byte(tmp_path):
    """../shared/cases/gtfs/05: a UTF-8 mark, then a name in cp1252. The mark goes before decoding, so the
    header is ``stop_id`` (not ``ï»¿stop_id``) and every stop reads."""
    stops = b"\xef\xbb\xbfstop_id,stop_name,stop_lat,stop_lon\r\nA,Gare Centrale,30.600,104.000\r\n" \
            b"B,Cath\xe9drale,30.610,104.000\r\n"
    stop_times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nt1,08:00:00,08:00:00,A,1\n" \
                 "t1,08:10:00,08:10:00,B,2\n"
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops, "stop_times.txt": stop_times}))
    assert feed.stops["B"].name == "Cathédrale"
    assert feed.warnings == ["stops.txt: not UTF-8 as GTFS requires; read as cp1252"]
    assert arrival(feed, TUESDAY, "A", "B", 7 * 3600 + 55 * 60) == 8 * 3600 + 600


def test_utf16_and_a_stray_mark_in_the_header(tmp_path):
    utf16 = BASE["stops.txt"].replace("Alpha", "Älpha").encode("utf-16")  # with its own mark, FF FE
    double = b"\xef\xbb\xbf" + ("\ufeff" + BASE["trips.txt"]).encode("utf-8")  # a second mark, decoded
    feed = read_feed(write_feed(tmp_path, {"stops.txt": utf16, "trips.txt": double}))
    assert feed.stops["A"].name == "Älpha" and list(feed.trips) == ["t1"]
    assert feed.warnings == ["stops.txt: UTF-16, not UTF-8 as GTFS requires; read as UTF-16"]


# --------------------------------------------------------------------- rows that contradict others


def test_a_repeated_stop_sequence_is_skipped_with_its_line(tmp_path):
    stop_times = BASE["stop_times.txt"] + "t1,08:15:00,08:15:00,A,2\n"  # line 5 repeats line 3's sequence
    feed = read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times}))
    assert [t.stop_id for t in feed.stop_times["t1"]] == ["A", "B", "C"]
    assert feed.warnings == ["stop_times.txt:5: trip t1 repeats stop_sequence 2 (first at line 3); row skipped"]


def test_times_going_back_are_flagged_with_file_and_line(tmp_path):
    trips = BASE["trips.txt"] + "R1,WK,t2\nR1,WK,t3\n"
    stop_times = (BASE["stop_times.txt"]
                  + "t2,09:00:00,09:00:00,A,1\nt2,09:10:00,09:12:00,B,2\nt2,09:11:00,09:11:00,C,3\n"  # back 1 min
                  + "t3,10:00:00,10:00:00,A,1\nt3,10:10:00,10:09:00,B,2\nt3,10:20:00,10:20:00,C,3\n")  # leaves first
    feed = read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times, "trips.txt": trips}))
    assert list(feed.stop_times) == ["t1"]
    assert feed.warnings == [
        "stop_times.txt:7: trip t2 goes back in time at stop_sequence 3: arrives at C at 09:11:00, before it "
        "left the previous stop at 09:12:00; trip skipped",
        "stop_times.txt:9: trip t3 goes back in time at stop_sequence 2: leaves B at 10:09:00, before it "
        "arrives at 10:10:00; trip skipped",
    ]


def test_equal_consecutive_times_are_valid(tmp_path):
    """Times rounded to the minute: two stops with the same time are a normal feed, not a fault."""
    stop_times = BASE["stop_times.txt"].replace("t1,08:10:00,08:10:00,B,2", "t1,08:00:00,08:00:00,B,2")
    feed = read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times}))
    assert [t.arrival_s for t in feed.stop_times["t1"]] == [28800, 28800, 30000] and feed.warnings == []


def test_a_repeated_id_keeps_the_first_row(tmp_path):
    stops = BASE["stops.txt"] + "A,Alpha again,31.00,105.00\n"
    routes = BASE["routes.txt"] + "R1,T,9,Line 9,3\n"
    trips = BASE["trips.txt"] + "R1,WK,t1\n"
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops, "routes.txt": routes, "trips.txt": trips}))
    assert feed.stops["A"].name == "Alpha" and feed.routes["R1"].short_name == "1"
    assert feed.warnings == ["stops.txt:5: stop_id 'A' again (first at line 2); row skipped",
                             "routes.txt:3: route_id 'R1' again (first at line 2); row skipped",
                             "trips.txt:3: trip_id 't1' again (first at line 2); row skipped"]


# --------------------------------------------------------------------- time zones


@pytest.mark.parametrize("agency,zone,warning", [
    ("T,Tiny,https://example.org,Europe/Oslo\n", "Europe/Oslo", None),
    ("T,Tiny,https://example.org,Mars/Olympus\n", "UTC",
     "agency.txt:2: agency_timezone 'Mars/Olympus' is not an IANA time zone; UTC used"),
    ("T,Tiny,https://example.org,\n", "UTC", "agency.txt:2: no agency_timezone (required by GTFS); UTC used"),
    ("T,Tiny,https://example.org,America/Los_Angeles\nU,Two,https://example.org,America/New_York\n",
     "America/Los_Angeles", "agency.txt:3: agency_timezone 'America/New_York' differs from 'America/Los_Angeles' "
                            "(GTFS: every agency has the same); America/Los_Angeles used"),
])
def test_agency_timezone_is_an_iana_zone_never_a_guess(tmp_path, agency, zone, warning):
    header = "agency_id,agency_name,agency_url,agency_timezone\n"
    feed = read_feed(write_feed(tmp_path, {"agency.txt": header + agency}))
    assert feed.timezone == zone and str(feed.zone) == zone
    assert feed.warnings == ([warning] if warning else [])


def test_a_feed_without_agency_is_read_in_utc_not_in_chengdu(tmp_path):
    feed = read_feed(write_feed(tmp_path, {"agency.txt": None}))
    assert feed.timezone == "UTC"
    assert feed.warnings == ["agency.txt: missing (required by GTFS); timezone assumed UTC"]


# --------------------------------------------------------------------- transfers, blocks, stations

STATION_STOPS = ("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
                 "S,Central,30.62,104.00,1,\nP1,Central 1,30.62,104.00,0,S\nP2,Central 2,30.6201,104.00,0,S\n"
                 "E1,Central exit,30.6202,104.00,2,S\nBA,Central 1 front,30.62,104.00,4,P1\n"
                 "A,Alpha,30.60,104.00,0,\nB,Beta,30.62,104.01,0,\nC,Gamma,30.64,104.00,0,\n"
                 "Q,Lost,30.65,104.00,0,NOWHERE\nE2,Odd exit,30.65,104.00,2,A\n")


def test_stations_their_platforms_and_odd_parents(tmp_path):
    feed = read_feed(write_feed(tmp_path, {"stops.txt": STATION_STOPS}))
    assert feed.children == {"S": ("P1", "P2")}
    assert [feed.platforms_of(s) for s in ("S", "E1", "BA", "P2", "A", "E2", "nowhere")] == [
        ("P1", "P2"), ("P1", "P2"), ("P1",), ("P2",), ("A",), (), ()]
    assert feed.warnings == [
        "stops.txt:10: parent_station 'NOWHERE' of stop 'Q' is not in stops.txt",
        "stops.txt:11: parent_station 'A' of stop 'E2' has location_type 0, not 1",
    ]


def test_transfers_of_every_type_are_kept_and_bad_ones_skipped(tmp_path):
    trips = "route_id,service_id,trip_id,block_id\nR1,WK,t1,b1\nR1,WK,t2,b1\nR2,WK,t9,\n"
    routes = BASE["routes.txt"] + "R2,T,2,Line 2,3\n"
    transfers = ("from_stop_id,to_stop_id,from_route_id,to_route_id,from_trip_id,to_trip_id,transfer_type,"
                 "min_transfer_time\n"
                 "A,A,,,,,,\n"            # 2: empty type is 0
                 "A,C,,,,,1,\n"           # 3: timed
                 "S,S,,,,,2,180\n"        # 4: a station: all its platforms
                 "C,C,,,,,3,\n"           # 5: no change at C
                 "C,C,,,t1,t2,4,\n"       # 6: in-seat
                 ",,,,t2,t1,5,\n"         # 7: no in-seat (stops are optional for 4 and 5)
                 "C,C,,,,,4,\n"           # 8: type 4 without trips
                 "S,S,,,t1,t2,4,\n"       # 9: a station for type 4
                 "C,Z,,,,,0,\n"           # 10: unknown stop
                 "C,C,R1,R9,,,0,\n"       # 11: unknown route
                 "C,C,,,t1,t7,5,\n"       # 12: unknown trip
                 "C,C,,,,,3,\n"           # 13: the same as line 5
                 "C,C,,,,,6,\n"           # 14: no such type
                 ",C,,,,,2,60\n"          # 15: type 2 needs both stops
                 "C,C,R2,,t1,,0,\n"       # 16: t1 is not on R2 (kept: the trip wins)
                 "C,A,,,,,2,\n"           # 17: type 2 without a time (kept: the default applies)
                 "E1,A,,,,,0,\n")         # 18: an entrance is no transfer stop
    feed = read_feed(write_feed(tmp_path, {"stops.txt": STATION_STOPS, "trips.txt": trips, "routes.txt": routes,
                                           "transfers.txt": transfers}))
    kept = [(r.line, r.from_stop, r.to_stop, r.from_route, r.from_trip, r.to_trip, r.type, r.min_s)
            for r in feed.transfer_rules]
    assert kept == [(2, "A", "A", "", "", "", 0, None), (3, "A", "C", "", "", "", 1, None),
                    (4, "S", "S", "", "", "", 2, 180), (5, "C", "C", "", "", "", 3, None),
                    (6, "C", "C", "", "t1", "t2", 4, None), (7, "", "", "", "t2", "t1", 5, None),
                    (16, "C", "C", "R2", "t1", "", 0, None), (17, "C", "A", "", "", "", 2, None)]
    assert [r.rank for r in feed.transfer_rules] == [6, 6, 6, 6, 1, 1, 3, 6]
    assert feed.transfers_s == {("S", "S"): 180}
    assert {t.id: t.block_id for t in feed.trips.values()} == {"t1": "b1", "t2": "b1", "t9": ""}
    skipped = [w for w in feed.warnings if w.startswith("transfers.txt")]
    assert skipped == [
        "transfers.txt:8: transfer_type 4 needs from_trip_id and to_trip_id; row skipped",
        "transfers.txt:9: transfer_type 4 may not name a station ('S'); row skipped",
        "transfers.txt:10: unknown to_stop_id 'Z'; row skipped",
        "transfers.txt:11: unknown to_route_id 'R9'; row skipped",
        "transfers.txt:12: unknown to_trip_id 't7'; row skipped",
        "transfers.txt:13: the same transfer as line 5; row skipped",
        "transfers.txt:14: row skipped (ValueError: transfer_type must be 0 to 5, not 6)",
        "transfers.txt:15: transfer_type 2 needs from_stop_id and to_stop_id; row skipped",
        "transfers.txt:16: from_trip_id 't1' is not on from_route_id 'R2'; the trip is used",
        "transfers.txt:17: transfer_type 2 without min_transfer_time; the default change time applies",
        "transfers.txt:18: stop 'E1' is neither a stop nor a station; row skipped",
    ]


def test_min_transfer_times_write_through_to_the_rules():
    from planner.sources.gtfs import Feed, TransferRule

    feed = Feed(transfer_rules=[TransferRule("X", "X", type=3)])
    feed.transfers_s[("A", "B")] = 60
    feed.transfers_s[("A", "B")] = 90
    assert feed.transfers_s == {("A", "B"): 90} and len(feed.transfer_rules) == 2
    del feed.transfers_s[("A", "B")]
    assert dict(feed.transfers_s) == {} and feed.transfer_rules == [TransferRule("X", "X", type=3)]


# --------------------------------------------------------------------- warnings survive a failure


def test_a_gtfs_error_carries_the_warnings_so_far(tmp_path):
    stops = BASE["stops.txt"].replace("Gamma", "Gàmma").encode("cp1252")
    stop_times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nt1,08:00:00,08:00:00,Z,1\n"
    with pytest.raises(GtfsError, match="no trip has usable stop times") as caught:
        read_feed(write_feed(tmp_path, {"stops.txt": stops, "stop_times.txt": stop_times}))
    assert caught.value.warnings == ("stops.txt: not UTF-8 as GTFS requires; read as cp1252",
                                     "stop_times.txt:2: row skipped (ValueError: unknown stop_id 'Z')")


def test_cli_route_prints_the_warnings_of_a_feed_it_cannot_use(runner, tmp_path):
    stops = BASE["stops.txt"].replace("Gamma", "Gàmma").encode("cp1252")
    folder = write_feed(tmp_path, {"stops.txt": stops, "stop_times.txt": "trip_id,stop_id,stop_sequence\n"})
    result = runner.invoke(main, ["route", "--gtfs", str(folder), "--from", "A", "--to", "C",
                                  "--date", "2024-02-13", "--depart", "07:00:00"])
    assert result.exit_code == 1
    assert "warning: stops.txt: not UTF-8 as GTFS requires; read as cp1252" in result.stderr
    assert result.stderr.index("warning: stops.txt") < result.stderr.index("no trip has usable stop times")


def test_the_server_logs_the_warnings_of_a_feed_it_cannot_use(data_dir, tmp_path, caplog):
    import logging

    from planner.domain.errors import DataError
    from planner.web import create_app

    stops = data_dir / "gtfs" / "stops.txt"
    stops.write_bytes(stops.read_bytes().replace(b"\n", b"\nbad,Bad,north,104.0\n", 1))
    (data_dir / "gtfs" / "stop_times.txt").write_text("trip_id,stop_id,stop_sequence\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING), pytest.raises(DataError, match="no trip has usable stop times"):
        create_app({"TESTING": True, "TILE_URL": "", "DATA_DIR": str(data_dir),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("stops.txt:2: row skipped") for w in logged), logged
