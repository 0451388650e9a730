"""Bad data is caught, each problem named with its file, line, record and field."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.domain.errors import DataError
from planner.sources.datafiles import load_model


def _break(data_dir: Path, name: str, old: str, new: str, count: int = 1) -> int:
    """Replace the first ``count`` occurrences of ``old``; return the line of the first."""
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}: the test's fixture text is out of date"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_model(data_dir)
    return [str(p) for p in info.value.problems]


def _place_block(data_dir: Path, place_id: str) -> str:
    text = (data_dir / "places.yaml").read_text(encoding="utf-8")
    match = re.search(rf"- id: {re.escape(place_id)}\n(?:(?!\n  - ).)*", text, re.S)
    assert match, place_id
    return match.group(0)


def test_bundled_data_is_valid(data_dir):
    load_model(data_dir)


def test_place_outside_chengdu_named_with_line(data_dir):
    block = _place_block(data_dir, "panda-museum")
    lat = re.search(r"lat: ([0-9.]+)", block).group(1)
    line = _break(data_dir, "places.yaml", block, block.replace(f"lat: {lat}", "lat: 39.9"))
    problems = _problems(data_dir)
    assert len(problems) == 1
    assert problems[0].startswith("places.yaml:")
    assert "(panda-museum).lat" in problems[0] and "outside Chengdu" in problems[0]
    reported = int(problems[0].split(":")[1].split()[0])
    assert line <= reported <= line + 2


def test_place_with_unknown_site_and_no_source(data_dir):
    block = _place_block(data_dir, "dj-chengdu-wall")
    broken = block.replace("site: dongjiao-memory", "site: nowhere")
    broken = re.sub(r"\n\s+(source|assumption):.*", "", broken)
    _break(data_dir, "places.yaml", block, broken)
    problems = _problems(data_dir)
    assert any("(dj-chengdu-wall).site" in p and "no site 'nowhere'" in p for p in problems)
    assert any("(dj-chengdu-wall)" in p and "needs a 'source' or an 'assumption'" in p for p in problems)


def test_bad_clock_time_in_hours(data_dir):
    _break(data_dir, "places.yaml", 'open: "07:30"', 'open: "7h30"')
    problems = _problems(data_dir)
    assert any(".hours[0].open" in p and "7h30" in p for p in problems)


def test_event_venue_missing_and_end_before_start(data_dir):
    text = (data_dir / "events.yaml").read_text(encoding="utf-8")
    venue = re.search(r"^ +venue: (\S+)", text, re.M).group(1)
    _break(data_dir, "events.yaml", f"venue: {venue}", "venue: no-such-hall")
    problems = _problems(data_dir)
    assert any(p.startswith("events.yaml:") and ".venue" in p and "no-such-hall" in p for p in problems)


def test_event_end_before_start(data_dir):
    text = (data_dir / "events.yaml").read_text(encoding="utf-8")
    start = re.search(r"^ +start: (\S+)", text, re.M).group(1)
    end = re.search(r"^ +end: (\S+)", text, re.M).group(1)
    _break(data_dir, "events.yaml", f"end: {end}", f"end: {start}")
    problems = _problems(data_dir)
    assert any(".end" in p and "after start" in p for p in problems)


def test_event_bad_rrule_and_naive_time(data_dir):
    text = (data_dir / "events.yaml").read_text(encoding="utf-8")
    rrule = re.search(r"^ +rrule: (.+)", text, re.M).group(1)
    _break(data_dir, "events.yaml", f"rrule: {rrule}", 'rrule: "FREQ=SOMETIMES"')
    start = re.search(r"^ +start: (\S+)", text, re.M).group(1)
    _break(data_dir, "events.yaml", f"start: {start}", "start: 2024-02-12T10:00:00")
    problems = _problems(data_dir)
    assert any(".rrule" in p and "RRULE" in p for p in problems)
    assert any(".start" in p and "no offset" in p for p in problems)


def test_shuttle_stop_unknown_place_and_bad_timetable(data_dir):
    text = (data_dir / "shuttle.yaml").read_text(encoding="utf-8")
    place = re.search(r"^ +place: (\S+)", text, re.M).group(1)
    _break(data_dir, "shuttle.yaml", f"place: {place}", "place: atlantis")
    headway = re.search(r"headway_min: [0-9.]+", text).group(0)
    _break(data_dir, "shuttle.yaml", headway, "headway_min: -5")
    problems = _problems(data_dir)
    assert any(p.startswith("shuttle.yaml:") and ".place" in p and "atlantis" in p for p in problems)
    assert any("timetable." in p and "headway_min" in p for p in problems)


def test_network_params_out_of_range(data_dir):
    text = (data_dir / "network.yaml").read_text(encoding="utf-8")
    speed = re.search(r"^walk_speed_m_s: \S+", text, re.M).group(0)
    _break(data_dir, "network.yaml", speed, "walk_speed_m_s: 40")
    problems = _problems(data_dir)
    assert any(p.startswith("network.yaml:") and "walk_speed_m_s" in p for p in problems)


def test_yaml_syntax_error_reports_line(data_dir):
    path = data_dir / "events.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "  - id: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(data_dir)
    assert len(problems) == 1 and re.match(r"events\.yaml:\d+: not valid YAML", problems[0])


def test_gtfs_missing_required_file(data_dir):
    (data_dir / "gtfs" / "stop_times.txt").unlink()
    problems = _problems(data_dir)
    assert any(p.startswith("gtfs") and "stop_times.txt" in p for p in problems)


def test_every_problem_reported_at_once(data_dir):
    _break(data_dir, "places.yaml", 'open: "07:30"', 'open: "late"')
    (data_dir / "network.yaml").write_text("walk_speed_m_s: fast\n", encoding="utf-8")
    problems = _problems(data_dir)
    files = {p.split(":")[0].split()[0] for p in problems}
    assert {"places.yaml", "network.yaml"} <= files


def test_gcj02_input_converted(data_dir, model):
    block = _place_block(data_dir, "panda-south-gate")
    place = model.places["panda-south-gate"]
    from planner.domain.geo import distance_m, wgs84_to_gcj02

    gcj_lat, gcj_lon = wgs84_to_gcj02(place.lat, place.lon)
    lat = re.search(r"lat: ([0-9.]+)", block).group(0)
    lon = re.search(r"lon: ([0-9.]+)", block).group(0)
    broken = block.replace(lat, f"lat: {gcj_lat:.7f}").replace(lon, f"lon: {gcj_lon:.7f}\n    crs: gcj02")
    _break(data_dir, "places.yaml", block, broken)
    converted = load_model(data_dir).places["panda-south-gate"]
    assert distance_m(converted.position, place.position) < 0.5
