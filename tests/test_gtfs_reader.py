"""read_feed on feeds as found in the wild, and ``planner route --gtfs`` on top of it.

The reader reads what can be read and warns about the rest (naming file and
line); it raises GtfsError only when routing is impossible.
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

import planner.cli.routing
from planner.main import main
from planner.sources.gtfs import GtfsError, parse_gtfs_time, read_feed
from planner.routing import raptor
from planner.routing.timetable import WalkRules, build_timetable

GTFS = Path(__file__).resolve().parent / "fixtures" / "gtfs"  # copies of ../shared/benchmarks/gtfs
SAMPLE, CAIRNS = GTFS / "sample_gtfs.zip", GTFS / "cairns_gtfs.zip"
TUESDAY = dt.date(2024, 2, 13)

BASE = {
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
        if content is None:
            continue
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def arrival(feed, day: dt.date, origin: str, dest: str, depart_s: int, rules: WalkRules = WalkRules()):
    tt = build_timetable(feed, day, rules)
    found = raptor.earliest_arrival(tt, raptor.Endpoint(((tt.index[origin], 0, 0),), 0, 0),
                                    raptor.Endpoint(((tt.index[dest], 0, 0),), 0, 0), depart_s)
    return found[-1].arr_s if found else None


# --------------------------------------------------------------------- what works


def test_the_base_feed_routes(tmp_path):
    feed = read_feed(write_feed(tmp_path))
    assert feed.warnings == []
    assert arrival(feed, TUESDAY, "A", "C", 7 * 3600) == 8 * 3600 + 1200


def test_byte_order_mark_is_ignored(tmp_path):
    feed = read_feed(write_feed(tmp_path, {"stops.txt": b"\xef\xbb\xbf" + BASE["stops.txt"].encode()}))
    assert sorted(feed.stops) == ["A", "B", "C"] and feed.stops["A"].name == "Alpha"
    assert feed.warnings == []


def test_stops_in_gbk_are_decoded_with_a_warning(tmp_path):
    stops = ("stop_id,stop_name,stop_lat,stop_lon\nA,东郊记忆站,30.60,104.00\nB,熊猫大道站,30.62,104.00\n"
             "C,大熊猫基地南门,30.64,104.00\n")
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops.encode("gbk")}))
    assert [feed.stops[s].name for s in "ABC"] == ["东郊记忆站", "熊猫大道站", "大熊猫基地南门"]
    assert any(w.startswith("stops.txt: not UTF-8") for w in feed.warnings)


def test_a_single_gbk_name_is_not_read_as_korean(tmp_path):
    stops = "stop_id,stop_name,stop_lat,stop_lon\nA,东郊记忆站,30.60,104.00\nB,B,30.62,104.00\nC,C,30.64,104.00\n"
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops.encode("gbk")}))
    assert feed.stops["A"].name == "东郊记忆站"


def test_stops_in_latin1_are_decoded_with_a_warning(tmp_path):
    stops = ("stop_id,stop_name,stop_lat,stop_lon\nA,Estación Señorío,30.60,104.00\nB,Hôtel de Ville,30.62,104.00\n"
             "C,Zürich Straße,30.64,104.00\n")
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops.encode("latin-1")}))
    assert [feed.stops[s].name for s in "ABC"] == ["Estación Señorío", "Hôtel de Ville", "Zürich Straße"]
    assert any(w.startswith("stops.txt: not UTF-8") for w in feed.warnings)


def test_calendar_dates_without_calendar(tmp_path):
    dates = "service_id,date,exception_type\nWK,20240213,1\nWK,20240214,1\n"
    feed = read_feed(write_feed(tmp_path, {"calendar.txt": None, "calendar_dates.txt": dates}))
    assert feed.services_on(TUESDAY) == {"WK"} and feed.services_on(dt.date(2024, 2, 12)) == set()
    assert feed.date_range() == (TUESDAY, dt.date(2024, 2, 14))
    assert arrival(feed, TUESDAY, "A", "C", 7 * 3600) == 8 * 3600 + 1200
    assert arrival(feed, dt.date(2024, 2, 15), "A", "C", 7 * 3600) is None


def test_calendar_dates_remove_a_day(tmp_path):
    dates = "service_id,date,exception_type\nWK,20240213,2\n"
    feed = read_feed(write_feed(tmp_path, {"calendar_dates.txt": dates}))
    assert feed.services_on(TUESDAY) == set() and feed.services_on(dt.date(2024, 2, 14)) == {"WK"}
    assert arrival(feed, TUESDAY, "A", "C", 7 * 3600) == 86400 + 8 * 3600 + 1200  # Wednesday's


def test_optional_files_missing(tmp_path):
    feed = read_feed(write_feed(tmp_path, {"agency.txt": None}))
    assert feed.frequencies == {} and feed.transfers_s == {}
    assert any(w.startswith("agency.txt: missing") for w in feed.warnings)
    assert arrival(feed, TUESDAY, "A", "B", 7 * 3600) == 8 * 3600 + 600


def test_extra_columns_stray_spaces_and_case(tmp_path):
    stops = (" Stop_ID , stop_name ,stop_lat, stop_lon ,wheelchair_boarding,our_own_column\n"
             "  A , Alpha Station  , 30.60 ,104.00,1,x\nB,Beta,30.62,104.00,,\n C,Gamma , 30.64, 104.00 ,0,y\n")
    stop_times = ("trip_id, arrival_time ,departure_time,stop_id,stop_sequence,shape_dist_traveled,timepoint\n"
                  "t1, 8:00:00 ,8:00:00 , A ,1,0,1\nt1,08:10:00,08:10:00,B, 2 ,,\nt1,08:20:00,08:20:00,C,3,,\n")
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops, "stop_times.txt": stop_times}))
    assert sorted(feed.stops) == ["A", "B", "C"]
    assert feed.stops["A"].name == "Alpha Station" and feed.stops["C"].lat == 30.64
    assert [t.departure_s for t in feed.stop_times["t1"]] == [28800, 29400, 30000]
    assert any("spaces around column names" in w for w in feed.warnings)


def test_untimed_stops_are_interpolated(tmp_path):
    stop_times = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                  "t1,08:00:00,08:00:00,A,1\nt1,,,B,2\nt1,08:20:00,08:20:00,C,3\n")
    feed = read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times}))
    assert [t.arrival_s for t in feed.stop_times["t1"]] == [28800, 29400, 30000]  # B is halfway


def test_a_zip_with_everything_in_a_folder(tmp_path):
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in BASE.items():
            zf.writestr(f"my-feed-2024/{name}", content)
    feed = read_feed(path)
    assert sorted(feed.stops) == ["A", "B", "C"] and list(feed.stop_times) == ["t1"]


def test_the_real_feeds_read_cleanly():
    sample = read_feed(SAMPLE)
    assert (len(sample.stops), len(sample.trips), len(sample.frequencies["CITY1"])) == (9, 11, 5)
    assert sample.warnings == []
    cairns = read_feed(CAIRNS)
    assert (len(cairns.stops), len(cairns.stop_times)) == (416, 1339) and cairns.warnings == []
    assert cairns.timezone == "Australia/Brisbane"
    # a stop-time row without times (one of 65), between 18:28 and 18:32
    times = {t.stop_id: t.arrival_s for t in cairns.stop_times["CNS2014-CNS_MUL-Weekday-00-4165903"]}
    assert 66480 < times["750015"] < 66720


# --------------------------------------------------------------------- what is skipped, with a warning


def test_bad_rows_are_skipped_with_file_and_line(tmp_path):
    changes = {
        "stops.txt": BASE["stops.txt"] + "D,Delta,north,104.0\nE,Echo,30.7,\nF,Fox,30.66,104.00\n",
        "routes.txt": BASE["routes.txt"] + "R2,T,2,Line 2,bus\nR3,T,3,Line 3,3\n",
        "trips.txt": BASE["trips.txt"] + "R2,WK,t2\nR3,WK,t3\nR3,WK,t4\n",
        "stop_times.txt": BASE["stop_times.txt"]
        + "t3,09:00:00,09:00:00,C,1\nt3,9h10,9h10,B,2\nt3,09:20:00,09:20:00,F,3\nt3,09:30:00,09:30:00,Q,4\n"
        + "t4,10:00:00,10:00:00,C,1\nt4,10:10:00,10:10:00,F,2,\n",
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nt4,10:00:00,12:00:00,0\nt4,,12:00:00,600\n"
                           "t4,10:00:00,12:00:00,1800\n",
        "calendar_dates.txt": "service_id,date,exception_type\nWK,2024-02-17,1\n",
        "transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nC,C,2,two minutes\nB,B,2,120\n",
    }
    feed = read_feed(write_feed(tmp_path, changes))
    warnings = "\n".join(feed.warnings)
    for where in ("stops.txt:5:", "stops.txt:6:", "routes.txt:3:", "trips.txt:3:", "stop_times.txt:6:",
                  "stop_times.txt:8:", "frequencies.txt:2:", "frequencies.txt:3:", "calendar_dates.txt:2:",
                  "transfers.txt:2:"):
        assert where in warnings, where
    assert "not a time" in warnings and "unknown stop_id 'Q'" in warnings and "unknown route_id 'R2'" in warnings
    # what could be read was
    assert sorted(feed.stops) == ["A", "B", "C", "F"]
    assert [t.stop_id for t in feed.stop_times["t3"]] == ["C", "F"]
    assert [(f.start_s, f.headway_s) for f in feed.frequencies["t4"]] == [(36000, 1800)]
    assert feed.transfers_s == {("B", "B"): 120}
    assert arrival(feed, TUESDAY, "A", "F", 7 * 3600, WalkRules(max_walk_m=0)) == 9 * 3600 + 1200


def test_trips_going_back_in_time_are_skipped(tmp_path):
    stop_times = BASE["stop_times.txt"].replace("t1,08:20:00,08:20:00,C,3", "t1,07:20:00,07:20:00,C,3")
    trips = BASE["trips.txt"] + "R1,WK,t2\n"
    stop_times += "t2,09:00:00,09:00:00,A,1\nt2,09:10:00,09:10:00,C,2\n"
    feed = read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times, "trips.txt": trips}))
    assert list(feed.stop_times) == ["t2"]
    assert any("trip t1 goes back in time" in w for w in feed.warnings)


def test_stop_times_at_a_station_are_skipped(tmp_path):
    stops = BASE["stops.txt"] + "S,Station,30.62,104.00,1\n"
    stops = stops.replace("stop_lat,stop_lon\n", "stop_lat,stop_lon,location_type\n", 1)
    stop_times = BASE["stop_times.txt"].replace("t1,08:10:00,08:10:00,B,2", "t1,08:10:00,08:10:00,S,2")
    feed = read_feed(write_feed(tmp_path, {"stops.txt": stops, "stop_times.txt": stop_times}))
    assert [t.stop_id for t in feed.stop_times["t1"]] == ["A", "C"]
    assert any("stop_times.txt:3:" in w and "location_type 1" in w for w in feed.warnings)
    assert arrival(feed, TUESDAY, "A", "C", 0) == 8 * 3600 + 1200  # and the timetable builds


def test_parse_gtfs_time_rejects_malformed_times():
    assert parse_gtfs_time("25:10:00") == 90600 and parse_gtfs_time(" ") is None
    for bad in ("8h10", "08:10", "08:61:00", "-1:00:00", "08:10:00:00"):
        with pytest.raises(ValueError):
            parse_gtfs_time(bad)


# --------------------------------------------------------------------- what makes routing impossible


@pytest.mark.parametrize("missing", ["stop_times.txt", "stops.txt", "trips.txt", "routes.txt"])
def test_a_required_file_missing_is_a_gtfs_error(tmp_path, missing):
    with pytest.raises(GtfsError, match=f"cannot route without {missing}"):
        read_feed(write_feed(tmp_path, {missing: None}))


def test_no_calendar_at_all_is_a_gtfs_error(tmp_path):
    with pytest.raises(GtfsError, match="neither calendar.txt nor calendar_dates.txt"):
        read_feed(write_feed(tmp_path, {"calendar.txt": None}))


def test_no_usable_stop_time_is_a_gtfs_error(tmp_path):
    stop_times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nt1,08:00:00,08:00:00,Z,1\n"
    with pytest.raises(GtfsError, match="no trip has usable stop times"):
        read_feed(write_feed(tmp_path, {"stop_times.txt": stop_times}))


def test_not_a_feed_is_a_gtfs_error(tmp_path):
    with pytest.raises(GtfsError, match="no such GTFS"):
        read_feed(tmp_path / "nowhere")
    (tmp_path / "feed.zip").write_text("not a zip")
    with pytest.raises(GtfsError, match="not a zip file"):
        read_feed(tmp_path / "feed.zip")


# --------------------------------------------------------------------- the CLI


def route(runner, *args):
    """The result and its JSON answers: one per line with --queries, else one (indented)."""
    result = runner.invoke(main, ["route", *args])
    if "--queries" in args:
        return result, [json.loads(line) for line in result.stdout.splitlines()]
    return result, [json.loads(result.stdout)]


def test_cli_route_on_the_sample_feed(runner):
    result = runner.invoke(main, ["route", "--gtfs", str(SAMPLE), "--from", "STAGECOACH", "--to", "FUR_CREEK_RES",
                                  "--date", "2008-06-02", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    # shuttle 07:00 -> airport 07:20, AB1 08:00 -> Bullfrog 08:10, BFC1 08:20 -> Furnace Creek 09:20
    assert answer["arrival"] == "09:20:00" and answer["arrival_s"] == 33600
    rides = [leg for leg in answer["journeys"][0]["legs"] if leg["mode"] == "bus"]
    assert [(r["from"]["id"], r["to"]["id"]) for r in rides] == [
        ("STAGECOACH", "BEATTY_AIRPORT"), ("BEATTY_AIRPORT", "BULLFROG"), ("BULLFROG", "FUR_CREEK_RES")]


def test_cli_route_with_no_journey_says_why(runner):
    # No time limit: on a Monday the Amargosa Valley trips (weekends only) are Saturday's first, at 08:00
    # (this query had no journey while routing looked 4 hours ahead)
    result = runner.invoke(main, ["route", "--gtfs", str(SAMPLE), "--from", "BEATTY_AIRPORT", "--to", "AMV",
                                  "--date", "2008-06-02", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["journeys"][0]["departure"] == "2008-06-07T08:00:00-07:00"
    assert answer["arrival"] == "129:00:00"  # GTFS seconds of the query's day: 5 days and 9 hours
    result = runner.invoke(main, ["route", "--gtfs", str(SAMPLE), "--from", "BEATTY_AIRPORT", "--to", "AMV",
                                  "--date", "2011-06-01", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["code"] == "no_service_on_date" and "the feed covers 2007-01-01 to 2010-12-31" in answer["error"]


CHANGE_FEED = {
    # A -> B by line 1; C is 55 m from B; line 2 leaves C, line 3 leaves B itself but later
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,A,30.60,104.00\nB,B,30.62,104.00\n"
                 "C,C,30.6205,104.00\nD,D,30.66,104.00\n",
    "routes.txt": "route_id,route_short_name,route_long_name,route_type\nL1,1,,3\nL2,2,,3\nL3,3,,3\n",
    "trips.txt": "route_id,service_id,trip_id\nL1,WK,l1\nL2,WK,l2\nL3,WK,l3a\nL3,WK,l3b\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "l1,08:00:00,08:00:00,A,1\nl1,08:10:00,08:10:00,B,2\n"
                      "l2,08:15:00,08:15:00,C,1\nl2,08:30:00,08:30:00,D,2\n"
                      "l3a,08:40:00,08:40:00,B,1\nl3a,08:55:00,08:55:00,D,2\n"
                      "l3b,09:40:00,09:40:00,B,1\nl3b,09:55:00,09:55:00,D,2\n",
}


@pytest.mark.parametrize("extra,arrives,change_at", [
    ([], "08:30:00", None),  # walking 55 m from B to C
    (["--max-walk-m", "0"], "08:55:00", "B"),
    (["--max-walk-m", "0", "--min-transfer-s", "1800"], "08:55:00", "B"),
    (["--max-walk-m", "0", "--min-transfer-s", "1801"], "09:55:00", "B"),
])
def test_cli_max_walk_zero_changes_only_at_the_same_stop(runner, tmp_path, extra, arrives, change_at):
    feed = write_feed(tmp_path / "feed", CHANGE_FEED)
    result, answers = route(runner, "--gtfs", str(feed), "--from", "A", "--to", "D", "--date", "2024-02-13",
                            "--depart", "07:55:00", "--json", *extra)
    assert result.exit_code == 0, result.output
    answer = answers[0]
    assert answer["arrival"] == arrives
    legs = [leg for leg in answer["journeys"][0]["legs"] if leg["mode"] != "walk" or leg["distance_m"]]
    rides = [leg for leg in legs if leg["mode"] == "bus"]
    assert len(rides) == 2
    if change_at is None:
        assert [leg["mode"] for leg in legs] == ["bus", "walk", "bus"]
    else:
        assert [leg["mode"] for leg in legs] == ["bus", "bus"]
        assert rides[0]["to"]["id"] == rides[1]["from"]["id"] == change_at
        gap = dt.datetime.fromisoformat(rides[1]["departure"]) - dt.datetime.fromisoformat(rides[0]["arrival"])
        min_transfer = int(extra[extra.index("--min-transfer-s") + 1]) if "--min-transfer-s" in extra else 0
        assert gap.total_seconds() >= min_transfer


def test_cli_queries_file_one_json_line_each_after_one_load(runner, tmp_path, monkeypatch):
    loads = []

    def counting_read_feed(path):
        loads.append(path)
        return read_feed(path)

    monkeypatch.setattr(planner.cli.routing, "read_feed", counting_read_feed)
    queries = tmp_path / "queries.csv"
    queries.write_text("from,to,date,depart\n"
                       "STAGECOACH,BEATTY_AIRPORT,2008-06-02,06:00:00\n"
                       "STAGECOACH,FUR_CREEK_RES,2008-06-02,07:00:00\n"
                       "BEATTY_AIRPORT,AMV,2008-06-07,07:00:00\n"
                       "STAGECOACH,BEATTY_AIRPORT,2008-06-02,six\n"
                       "NOWHERE,BEATTY_AIRPORT,2008-06-02,06:00:00\n", encoding="utf-8")
    result, answers = route(runner, "--gtfs", str(SAMPLE), "--queries", str(queries), "--json")
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    assert len(result.stdout.splitlines()) == len(answers) == 5
    assert [a.get("arrival") for a in answers[:3]] == ["06:20:00", "09:20:00", "09:00:00"]
    assert [a["from"] for a in answers] == ["STAGECOACH", "STAGECOACH", "BEATTY_AIRPORT", "STAGECOACH", "NOWHERE"]
    assert "depart" in answers[3]["error"] and "NOWHERE" in answers[4]["error"]


def test_cli_warns_about_a_broken_feed_and_refuses_an_unusable_one(runner, tmp_path):
    broken = write_feed(tmp_path / "broken", {"stops.txt": BASE["stops.txt"] + "D,Delta,north,104.0\n"})
    result = runner.invoke(main, ["route", "--gtfs", str(broken), "--from", "A", "--to", "C",
                                  "--date", "2024-02-13", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 0, result.output
    assert "warning: stops.txt:5: row skipped" in result.stderr
    assert json.loads(result.stdout)["arrival"] == "08:20:00"
    unusable = write_feed(tmp_path / "unusable", {"stop_times.txt": None})
    result = runner.invoke(main, ["route", "--gtfs", str(unusable), "--from", "A", "--to", "C",
                                  "--date", "2024-02-13", "--depart", "07:00:00", "--json"])
    assert result.exit_code == 1 and "cannot route without stop_times.txt" in result.output

