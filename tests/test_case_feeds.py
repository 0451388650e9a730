"""The five case feeds (tests/fixtures/cases/gtfs, copies of ../shared/cases/gtfs) and the station cases,
through ``planner route --json`` exactly as a user runs it, against the right answers in their READMEs.

Each feed is a kind of fault journey planners have shipped: a trip past midnight on a day without
service of its own (01), staying seated through a block / in-seat transfer (02), a stop where no change
of vehicle is possible (03), a byte-order mark with a wrong encoding (05), arrive-by far before the
deadline (07); then a parent station named as the origin (tests/fixtures/cases/station).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner.main import main

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
GTFS = CASES / "gtfs"
STATION = CASES / "station"
NOT_UTF8 = re.compile(r"^warning: .*stops\.txt.*not UTF-8", re.MULTILINE)


@dataclass
class Routed:
    exit_code: int
    answer: dict
    stderr: str

    @property
    def fastest(self) -> dict:
        assert "error" not in self.answer, self.answer
        assert self.answer["journeys"], self.answer
        return self.answer["journeys"][0]


def route(runner, folder: Path, *args: str) -> Routed:
    result = runner.invoke(main, ["route", "--gtfs", str(folder), *args, "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        raise AssertionError(f"not one JSON answer (exit {result.exit_code}):\n{result.output}") from None
    return Routed(result.exit_code, answer, result.stderr)


def rides(journey: dict) -> list[tuple[str, str, str, str, str]]:
    """The journey's vehicle legs as (route id, from stop, to stop, departure, arrival)."""
    return [(leg["route_id"], leg["from"]["id"], leg["to"]["id"], leg["departure"], leg["arrival"])
            for leg in journey["legs"] if leg["mode"] not in ("walk", "wait")]


@dataclass(frozen=True)
class Case:
    folder: Path
    args: tuple[str, ...]
    departure: str  # ISO date-time of the fastest journey's first departure
    arrival: str
    rides: tuple[tuple[str, str, str, str, str], ...]  # as rides() gives them
    transfers: int
    arrival_s: int | None = None  # the answer's GTFS seconds of the query date, when it says
    names: dict[str, str] = field(default_factory=dict)  # stop id -> name as decoded


def t(clock: str, day: str = "2024-02-12") -> str:
    return f"{day}T{clock}:00+08:00"


CASE_LIST = {
    "01-past-midnight": Case(
        GTFS / "01-past-midnight",
        ("--from", "A", "--to", "C", "--date", "2024-02-18", "--depart", "00:10:00"),
        t("00:30", "2024-02-18"), t("01:00", "2024-02-18"),
        (("N1", "A", "C", t("00:30", "2024-02-18"), t("01:00", "2024-02-18")),), 0, arrival_s=3600),
    "02-block-stay-seated": Case(
        GTFS / "02-block-stay-seated",
        ("--from", "A", "--to", "E", "--date", "2024-02-12", "--depart", "11:55:00", "--max-walk-m", "0"),
        t("12:01"), t("12:30"),
        (("BLUE", "A", "C", t("12:01"), t("12:15")), ("RED", "C", "E", t("12:18"), t("12:30"))), 0,
        arrival_s=12 * 3600 + 1800),
    "03-transfer-type-3": Case(
        GTFS / "03-transfer-type-3",
        ("--from", "A", "--to", "D", "--date", "2024-02-12", "--depart", "07:55:00", "--max-walk-m", "0"),
        t("08:05"), t("09:00"), (("R3", "A", "D", t("08:05"), t("09:00")),), 0, arrival_s=9 * 3600),
    "05-bom-plus-bad-byte": Case(
        GTFS / "05-bom-plus-bad-byte",
        ("--from", "A", "--to", "B", "--date", "2024-02-12", "--depart", "07:55:00"),
        t("08:00"), t("08:10"), (("I1", "A", "B", t("08:00"), t("08:10")),), 0, arrival_s=8 * 3600 + 600,
        names={"A": "Gare Centrale", "B": "Cathédrale"}),
    "07-arrive-by-11:01": Case(
        GTFS / "07-arrive-by-window",
        ("--from", "A", "--to", "C", "--date", "2024-02-12", "--arrive-by", "11:01:00"),
        t("07:00"), t("07:40"), (("E1", "A", "C", t("07:00"), t("07:40")),), 0),
    "07-arrive-by-23:59": Case(
        GTFS / "07-arrive-by-window",
        ("--from", "A", "--to", "C", "--date", "2024-02-12", "--arrive-by", "23:59:00"),
        t("07:00"), t("07:40"), (("E1", "A", "C", t("07:00"), t("07:40")),), 0),
    "station-one-platform": Case(
        STATION / "03-platform-of-a-station",
        ("--from", "STA", "--to", "D", "--date", "2024-02-12", "--depart", "07:55:00", "--max-walk-m", "0"),
        t("08:05"), t("09:00"), (("R3", "A", "D", t("08:05"), t("09:00")),), 0, arrival_s=9 * 3600),
    "station-two-platforms": Case(
        STATION / "03-two-platforms",
        ("--from", "STA", "--to", "D", "--date", "2024-02-12", "--depart", "07:55:00", "--max-walk-m", "0"),
        t("08:05"), t("09:00"), (("R3", "A2", "D", t("08:05"), t("09:00")),), 0, arrival_s=9 * 3600),
}


@pytest.mark.parametrize("name", list(CASE_LIST))
def test_case_feed_answers_right(name, runner, root_logging):
    case = CASE_LIST[name]
    routed = route(runner, case.folder, *case.args)
    assert routed.exit_code == 0, (routed.answer, routed.stderr)
    fastest = routed.fastest
    assert (fastest["departure"], fastest["arrival"]) == (case.departure, case.arrival)
    assert rides(fastest) == list(case.rides)
    assert fastest["transfers"] == case.transfers
    if case.arrival_s is not None:
        assert routed.answer["arrival_s"] == case.arrival_s
    for stop_id, stop_name in case.names.items():
        assert stop_name in {leg[end]["name"] for leg in fastest["legs"] for end in ("from", "to")
                             if leg[end]["id"] == stop_id}


def run_case(runner, name: str) -> Routed:
    return route(runner, CASE_LIST[name].folder, *CASE_LIST[name].args)


def test_02_stays_seated_at_c(runner, root_logging):
    """One vehicle from A to E: blue1 runs on as red1 (block K1, transfers.txt type 4 outranking
    the stop-wide 5-minute change at C), so no change at C and never the later red2."""
    routed = run_case(runner, "02-block-stay-seated")
    journeys = routed.answer["journeys"]
    assert len(journeys) == 1, journeys  # the fastest is also the one with fewest transfers
    legs = [leg for leg in journeys[0]["legs"] if leg["mode"] not in ("walk", "wait")]
    assert [leg.get("stay_seated", False) for leg in legs] == [False, True]
    assert all(not leg["departure"].endswith("12:48:00+08:00") for leg in legs)


def test_03_never_changes_vehicle_at_x(runner, root_logging):
    routed = run_case(runner, "03-transfer-type-3")
    assert [[ride[0] for ride in rides(j)] for j in routed.answer["journeys"]] == [["R3"]]
    # leaving after every trip has gone: tomorrow's route 3, never tomorrow's r1 08:00 -> X -> r2 -> D 08:25
    late = route(runner, GTFS / "03-transfer-type-3", "--from", "A", "--to", "D", "--date", "2024-02-12",
                 "--depart", "08:06:00", "--max-walk-m", "0")
    assert late.exit_code == 0, late.answer
    assert [[ride[0] for ride in rides(j)] for j in late.answer["journeys"]] == [["R3"]]
    assert (late.fastest["departure"], late.fastest["arrival"]) == (t("08:05", "2024-02-13"), t("09:00", "2024-02-13"))


@pytest.mark.parametrize("args", [
    ("--from", "A", "--to", "B", "--date", "2024-02-12", "--depart", "07:55:00"),
    ("--from", "B", "--to", "A", "--date", "2024-02-12", "--depart", "07:55:00", "--max-walk-m", "0"),  # fails
])
def test_05_warns_that_stops_txt_is_not_utf8_even_when_the_query_fails(args, runner, root_logging):
    routed = route(runner, GTFS / "05-bom-plus-bad-byte", *args)
    assert NOT_UTF8.search(routed.stderr), routed.stderr
    if args[1] == "B":
        assert routed.exit_code == 1 and "error" in routed.answer and "journeys" not in routed.answer
    else:
        assert routed.exit_code == 0 and routed.fastest["arrival"] == t("08:10")


@pytest.mark.parametrize("folder", ["03-platform-of-a-station", "03-two-platforms"])
def test_a_parent_station_answers_as_its_platforms(folder, runner, root_logging):
    """--from STA with no walking: every platform of the station is an origin at no cost."""
    common = ("--to", "D", "--date", "2024-02-12", "--depart", "07:55:00", "--max-walk-m", "0")
    station = route(runner, STATION / folder, "--from", "STA", *common)
    assert station.exit_code == 0, station.answer
    if folder == "03-platform-of-a-station":
        platform = route(runner, STATION / folder, "--from", "A", *common)
        assert platform.exit_code == 0, platform.answer
        assert station.answer["journeys"] == platform.answer["journeys"]
    else:
        one = route(runner, STATION / folder, "--from", "A", *common)  # route 1 then no change at X
        assert one.exit_code == 1 and "error" in one.answer
        two = route(runner, STATION / folder, "--from", "A2", *common)
        assert station.answer["journeys"] == two.answer["journeys"]
