"""The OPTW engine: exact search against brute force, the benchmark format, the
checker, the heuristic on a real instance, must-visit explanations and the CLI."""
from __future__ import annotations

import dataclasses
import itertools
import json
import math
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.errors import DataError, Reason
from planner.itinerary import Candidate, OptwProblem, check_tour, read_optw, solve, to_problem
from planner.itinerary.optw import solver as solver_module
from planner.itinerary.optw.core import Compiled
from planner.cli.optw import optw_command
from planner.messages import describe_reason

BENCH = Path(__file__).resolve().parent / "fixtures" / "optw"  # copies of ../shared/benchmarks/optw
HORIZON_S = 600


def _random_problem(seed: int, n: int, resolution_s: int = 1) -> OptwProblem:
    """Small instance with time-dependent FIFO travel, lost connections, several
    windows, fixed-start events, groups and must-visits."""
    rng = random.Random(seed)
    pts = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n + 1)]
    cands = []
    for k in range(1, n + 1):
        opens = sorted(rng.sample(range(0, HORIZON_S - 100, 10), rng.choice([1, 1, 2])))
        windows = tuple((o, o + rng.choice([0, 20, 60, 200])) for o in opens)
        cands.append(Candidate(k, rng.randint(1, 20), rng.choice([0, 10, 30]), windows,
                               group=rng.choice([None, None, "g1", "g2"]),
                               must_visit=rng.random() < 0.15))

    def travel_s(i, j, depart_s):
        base = int(math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]))
        if (i + j) % 5 == 0 and depart_s > HORIZON_S // 2:
            return None  # the last connection has left
        # Rush hour until t=250: slower, but arrival never earlier for a later start (FIFO).
        return base + max(0, min(40, 250 - depart_s))

    return OptwProblem(tuple(cands), 0, 0, 0, HORIZON_S, travel_s,
                       depart_resolution_s=resolution_s)


def _schedule(p: OptwProblem, tour) -> int | None:
    """Independent simulation: the arrival back at the end, or None if infeasible."""
    by_id = {c.id: c for c in p.candidates}
    t, last, service = p.start_s, p.start_id, 0
    for v in tour:
        travel = p.travel_s(last, v, t + service)
        if travel is None:
            return None
        arrival = t + service + travel
        starts = [max(arrival, o) for o, c in by_id[v].windows if arrival <= c]
        if not starts:
            return None
        t, last, service = min(starts), v, by_id[v].service_s
    travel = p.travel_s(last, p.end_id, t + service)
    if travel is None or t + service + travel > p.deadline_s:
        return None
    return t + service + travel


def _allowed(p: OptwProblem, tour) -> bool:
    by_id = {c.id: c for c in p.candidates}
    groups = [by_id[v].group for v in tour if by_id[v].group is not None]
    musts = {c.id for c in p.candidates if c.must_visit}
    return len(groups) == len(set(groups)) and musts <= set(tour)


def _brute_force(p: OptwProblem) -> float | None:
    ids = [c.id for c in p.candidates]
    score = {c.id: c.score for c in p.candidates}
    best = None
    for k in range(len(ids) + 1):
        for tour in itertools.permutations(ids, k):
            if _allowed(p, tour) and _schedule(p, tour) is not None:
                s = sum(score[v] for v in tour)
                best = s if best is None or s > best else best
    return best


def _with_musts(p: OptwProblem, musts) -> OptwProblem:
    cands = tuple(Candidate(c.id, c.score, c.service_s, c.windows, c.group, c.id in musts)
                  for c in p.candidates)
    return OptwProblem(cands, 0, 0, 0, HORIZON_S, p.travel_s)


def _reference(p: OptwProblem) -> tuple[OptwProblem, float]:
    """The problem the solver should end up solving, and its optimum by brute force.

    Must-visits that no tour can hold are relaxed; if the others still cannot all
    fit together, every must-visit is relaxed."""
    best = _brute_force(p)
    if best is not None:
        return p, best
    musts = {c.id for c in p.candidates if c.must_visit}
    possible = {m for m in musts if _brute_force(_with_musts(p, {m})) is not None}
    for keep in (possible, set()):
        best = _brute_force(_with_musts(p, keep))
        if best is not None:
            return _with_musts(p, keep), best
    raise AssertionError("the empty tour is always feasible here")


@pytest.mark.parametrize("seed", range(80))
def test_exact_matches_brute_force(seed):
    p = _random_problem(seed, n=random.Random(seed).randint(1, 7))
    sol = solve(p)
    ref, best = _reference(p)
    assert bool(sol.infeasible) == (ref is not p)
    assert sol.optimal
    assert sol.score == best
    assert _allowed(ref, sol.tour)
    end_s = _schedule(ref, sol.tour)
    assert end_s is not None and end_s == sol.end_s
    assert sol.score == sum(c.score for c in p.candidates if c.id in sol.tour)


@pytest.mark.parametrize("seed", range(20))
def test_heuristic_feasible_and_never_above_optimum(seed):
    p = _random_problem(seed + 1000, n=7)
    sol = solve(p, time_limit_s=0.5, exact_max_candidates=0)
    assert not sol.optimal
    best = _brute_force(p)
    if best is not None:
        assert _allowed(p, sol.tour) and _schedule(p, sol.tour) is not None
        assert sol.score <= best


def test_coarse_departures_stay_feasible_and_save_calls():
    exact = solve(_random_problem(7, n=10))
    coarse_p = _random_problem(7, n=10, resolution_s=30)
    coarse = solve(coarse_p)
    assert _schedule(coarse_p, coarse.tour) == coarse.end_s  # exact final schedule
    assert coarse.travel_calls < exact.travel_calls
    assert coarse.score <= exact.score
    assert not coarse.optimal  # proven only for the rounded travel times


def _clock_problem(close_s: int) -> OptwProblem:
    hour = 3600
    cands = (Candidate("Panda Base", 10, 2 * hour, ((8 * hour, close_s),), must_visit=True),
             Candidate("Dongjiao Memory", 5, hour, ((10 * hour, 20 * hour),)))
    return OptwProblem(cands, "hotel", 17 * hour, "hotel", 23 * hour,
                       lambda i, j, t: 52 * 60, time_dependent=False)


def test_unreachable_must_visit_is_explained():
    sol = solve(_clock_problem(close_s=17 * 3600 + 30 * 60))
    assert sol.infeasible == (Reason("closes_before_arrival", {"item": "Panda Base", "closes_s": 17 * 3600 + 30 * 60,
                                                               "earliest_arrival_s": 17 * 3600 + 52 * 60}),)
    assert describe_reason(sol.infeasible[0], "en") == "Panda Base closes at 17:30; the earliest arrival is 17:52"
    assert sol.tour == ("Dongjiao Memory",) and sol.optimal


def test_reachable_must_visit_is_included():
    sol = solve(_clock_problem(close_s=18 * 3600))
    assert sol.infeasible == () and sol.tour[0] == "Panda Base"
    assert sol.start_times_s[0] == 17 * 3600 + 52 * 60


def test_fixed_start_event_and_group_alternatives():
    sessions = [Candidate.fixed(f"show {h}h", 8, h * 3600, h * 3600 + 1800, group="show")
                for h in (10, 14, 16)]
    p = OptwProblem(tuple(sessions), "hotel", 9 * 3600, "hotel", 18 * 3600,
                    lambda i, j, t: 1200, time_dependent=False)
    sol = solve(p)
    assert len(sol.tour) == 1 and sol.score == 8
    assert sol.start_times_s == (10 * 3600,)


# --- the benchmark format -------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD = "1 1 2 1\n0 100\n0 0 0 0 0 0 0 0 100\n1 3 4 1 10 1 1 1 0 50\n2 0 1.05 0 7 1 1 1 20 30\n"


def test_read_optw_and_truncated_travel(tmp_path):
    inst = read_optw(_write(tmp_path, "c999.txt", GOOD))
    assert [v.score for v in inst.vertices] == [0, 10, 7]
    assert inst.vertices[2].open == 20 and inst.vertices[2].close == 30
    assert inst.travel(0, 2) == 1.0  # 1.05 truncated to 1 decimal, not rounded to 1.1
    assert read_optw(_write(tmp_path, "pr99.txt", GOOD)).travel(0, 2) == 1.05


@pytest.mark.parametrize("line, message", [
    ("1 3 4 1 10 1 1 1", "expected at least 9 fields (i x y d S f a ... O C), got 8"),
    ("1 3 x 1 10 1 1 1 0 50", "not a number"),
    ("5 3 4 1 10 1 1 1 0 50", "vertex id 5, expected 1"),
    ("1 3 4 1 10 1 2 1 0 50", "a = 2 visit combinations need 11 fields"),
    ("1 3 4 1 10 1 1 1 60 50", "window closes (50) before it opens (60)"),
])
def test_read_optw_names_file_and_line(tmp_path, line, message):
    path = _write(tmp_path, "bad.txt", "1 1 1 1\n0 100\n0 0 0 0 0 0 0 0 100\n" + line + "\n")
    with pytest.raises(DataError) as err:
        read_optw(path)
    (problem,) = err.value.problems
    assert problem.where == f"{path}:4"
    assert message in problem.message


def test_check_tour(tmp_path):
    inst = read_optw(_write(tmp_path, "c999.txt", GOOD))
    # 0 -> 2: 1.05 truncated to 1.0, wait to 20; -> 1: 4.207 -> 4.2, start 24.2, service 1;
    # -> 0: 5.0, back at 30.2.
    assert check_tour(inst, [2, 1]).feasible and check_tour(inst, [2, 1]).score == 17
    assert check_tour(inst, [1, 2]).feasible  # 1 at 5, leave 6, reach 2 at 10.2, wait to 20
    assert check_tour(inst, [1, 1]).reason == "vertex 1 visited twice"
    assert check_tour(inst, [3]).reason == "unknown vertex 3"
    tight = read_optw(_write(tmp_path, "c998.txt", GOOD.replace("0 0 0 0 0 0 0 0 100",
                                                                  "0 0 0 0 0 0 0 0 30")))
    assert check_tour(tight, [2, 1]).reason == "return at 30.2 after deadline 30"
    early = read_optw(_write(tmp_path, "c997.txt", GOOD.replace("20 30", "0 0.5")))
    assert check_tour(early, [2]).reason == "vertex 2: arrival 1 after close 0.5"


def test_heuristic_on_real_instance_is_checked_and_close():
    inst = read_optw(BENCH / "pr01.txt")
    # a fixed beam width decides, not the clock (the limit is a safety net far away), so the
    # answer is the same on any machine and under any load
    sol = solve(to_problem(inst), time_limit_s=600.0, max_width=10)
    check = check_tour(inst, list(sol.tour))
    assert check.feasible, check.reason
    assert check.score == sol.score
    assert check.score >= 0.97 * 308  # proven optimum 308 (OPTIMA.tsv)


def test_cli_json(tmp_path):
    result = CliRunner().invoke(optw_command, [str(BENCH / "r101.txt"), "--time-limit", "1",
                                               "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"score", "tour", "optimal", "seconds"}
    inst = read_optw(BENCH / "r101.txt")
    assert check_tour(inst, out["tour"]).score == out["score"] >= 190


def test_cli_reports_bad_file(tmp_path):
    path = _write(tmp_path, "bad.txt", "1 1 1 1\n0 100\n0 0 0 0 0 0 0 0 100\n1 2 3\n")
    result = CliRunner().invoke(optw_command, [str(path)])
    assert result.exit_code == 1
    assert f"{path}:4" in result.output


class _Clock:
    """A stand-in for the ``time`` module whose clock moves ``step_s`` at every reading, so the
    time limit is checked by what the solver does, not by how fast this machine is."""

    def __init__(self, step_s: float) -> None:
        self.now, self.step_s = 0.0, step_s

    def perf_counter(self) -> float:
        self.now += self.step_s
        return self.now


def test_time_limit_is_respected(monkeypatch):
    """The heuristic reads the clock between beams and stops at the limit with a feasible tour."""
    inst = read_optw(BENCH / "c105.txt")
    widths: list[int] = []
    beam = solver_module.beam_search

    def recorded(c, width, *args, **kwargs):
        widths.append(width)
        return beam(c, width, *args, **kwargs)

    monkeypatch.setattr(solver_module, "beam_search", recorded)
    monkeypatch.setattr(solver_module, "time", _Clock(0.0))  # the clock never moves: every width
    solve(to_problem(inst), time_limit_s=1.0, max_width=30)
    assert widths == [3, 10, 30]
    widths.clear()
    ticking = _Clock(0.4)  # every reading 0.4 s later: the limit passes after a few readings
    monkeypatch.setattr(solver_module, "time", ticking)
    limited = solve(to_problem(inst), time_limit_s=1.0, max_width=30)
    assert check_tour(inst, list(limited.tour)).feasible
    assert widths and widths[0] == 3 and len(widths) < 3  # the first beam always; not all of them
    assert limited.seconds <= 1.0 + 3 * ticking.step_s  # the reading after the limit stops it


def test_end_out_of_reach_gives_empty_tour_and_reason():
    p = OptwProblem((Candidate("a", 1, 10, ((0, 100),)),), "hotel", 0, "station", 50,
                    lambda i, j, t: 60, time_dependent=False)
    sol = solve(p)
    assert sol.tour == () and sol.end_s is None
    assert sol.infeasible == (Reason("end_unreachable", {"deadline_s": 50}),)
    assert describe_reason(sol.infeasible[0], "en") == "the end cannot be reached from the start by the deadline"


@pytest.mark.parametrize("seed", range(20))
def test_row_callback_gives_the_same_optimum_with_fewer_calls(seed):
    p = _random_problem(seed + 500, n=9)
    ids = [p.start_id] + [c.id for c in p.candidates]
    rows = dataclasses.replace(p, travel_row_s=lambda i, t: {j: p.travel_s(i, j, t) for j in ids})
    by_pair, by_row = solve(p), solve(rows)
    assert (by_row.score, by_row.optimal) == (by_pair.score, True)
    assert by_row.travel_calls <= by_pair.travel_calls
    if by_pair.travel_calls > 50:
        assert by_row.travel_calls < by_pair.travel_calls / 2


# --- diminishing value by kind and joined windows ---------------------------------------------

def _timeline(p: OptwProblem, tour):
    """Independent simulation with joined windows: (starts, stays, end) or None if infeasible."""
    by_id = {c.id: c for c in p.candidates}
    t, last, leave = p.start_s, p.start_id, p.start_s
    starts, stays = [], []
    for v in tour:
        travel = p.travel_s(last, v, leave)
        if travel is None:
            return None
        arrival = leave + travel
        options = [max(arrival, o) for o, c in by_id[v].windows if arrival <= c]
        if not options:
            return None
        t = min(options)
        until = by_id[v].join_until_s
        stay = by_id[v].service_s if until is None else max(0, min(by_id[v].service_s, until - t))
        starts.append(t)
        stays.append(stay)
        last, leave = v, t + stay
    travel = p.travel_s(last, p.end_id, leave)
    if travel is None or leave + travel > p.deadline_s:
        return None
    return starts, stays, leave + travel


def _tour_value(p: OptwProblem, tour, stays) -> float:
    """Per kind: pro-rata values sorted high to low, weighted 1, d, d^2, ...; kinds add up."""
    by_id = {c.id: c for c in p.candidates}
    by_kind: dict = {}
    for v, stay in zip(tour, stays):
        c = by_id[v]
        value = c.score * stay / c.service_s if c.join_until_s is not None and c.service_s else c.score
        by_kind.setdefault(c.kind if c.kind is not None else ("alone", v), []).append(value)
    return sum(x * p.kind_decay ** r for values in by_kind.values()
               for r, x in enumerate(sorted(values, reverse=True)))


def _brute_force_valued(p: OptwProblem) -> float | None:
    best = None
    ids = [c.id for c in p.candidates]
    for k in range(len(ids) + 1):
        for tour in itertools.permutations(ids, k):
            if not _allowed(p, tour):
                continue
            line = _timeline(p, tour)
            if line is not None:
                value = _tour_value(p, tour, line[1])
                best = value if best is None or value > best else best
    return best


def _valued_problem(seed: int, n: int, decay: float) -> OptwProblem:
    """Like _random_problem, with kinds, joined windows and a decay."""
    base = _random_problem(seed, n)
    rng = random.Random(seed * 7 + 1)
    cands = []
    for c in base.candidates:
        kind = rng.choice([None, "pandas", "pandas", "art"])
        until = None
        if rng.random() < 0.5:  # a joined window: start until `until - min_stay`
            service = rng.choice([20, 40, 60])
            opens = c.windows[0][0]
            until = opens + rng.choice([30, 60, 120])
            min_stay = rng.choice([0, 10, 20])
            c = dataclasses.replace(c, service_s=service, windows=((opens, max(opens, until - min_stay)),))
        cands.append(dataclasses.replace(c, kind=kind, join_until_s=until, must_visit=False))
    return dataclasses.replace(base, candidates=tuple(cands), kind_decay=decay)


@given(st.integers(0, 10_000), st.integers(1, 6), st.sampled_from([1.0, 0.7, 0.5, 0.0]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_exact_with_decay_and_joined_windows_matches_brute_force(seed, n, decay):
    p = _valued_problem(seed, n, decay)
    sol = solve(p)
    best = _brute_force_valued(p)
    assert sol.optimal and not sol.infeasible
    assert sol.score == pytest.approx(best)
    line = _timeline(p, sol.tour)
    assert line is not None and _allowed(p, sol.tour)
    starts, stays, end_s = line
    assert (sol.start_times_s, sol.service_s, sol.end_s) == (tuple(starts), tuple(stays), end_s)
    assert sum(sol.values) == pytest.approx(sol.score) == pytest.approx(_tour_value(p, sol.tour, stays))


@given(st.integers(0, 10_000), st.integers(1, 5), st.sampled_from([1.0, 0.7, 0.0]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_upper_bound_of_a_partial_tour_is_never_below_a_completion(seed, n, decay):
    """Compiled.upper_bound (time, groups, decay by kind, pro-rata stays) at every prefix of every
    feasible tour is at least that tour's value: the exact search may prune by it."""
    p = _valued_problem(seed, n, decay)
    long = tuple(dataclasses.replace(cand, service_s=cand.service_s * 5) for cand in p.candidates)
    p = dataclasses.replace(p, candidates=long)  # stays long enough for the time left to bind
    c = Compiled(p, exact=True)
    for k in range(n + 1):
        for route in itertools.permutations(range(n), k):
            if not _allowed(p, [c.ids[j] for j in route]) or (line := c.timeline(route)) is None:
                continue
            starts, stays, _ = line
            value = c.set_value(route, stays)
            for cut in range(k + 1):
                prefix = route[:cut]
                kinds = [sorted((c.value(j, stay) for j, stay in zip(prefix, stays) if c.kind[j] == kk),
                                reverse=True) for kk in range(len(c.members))]
                dep = starts[cut - 1] + stays[cut - 1] if cut else p.start_s
                last = prefix[-1] if cut else c.start
                bound = c.upper_bound(c.set_value(prefix, stays[:cut]), dep, last,
                                      sum(1 << j for j in prefix), kinds)
                assert bound >= value - 1e-9, (route, cut, bound, value)


@given(st.integers(0, 10_000), st.sampled_from([1.0, 0.5]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_heuristic_with_decay_and_joined_windows_is_feasible_and_its_value_true(seed, decay):
    p = _valued_problem(seed, 7, decay)
    sol = solve(p, exact_max_candidates=0)
    line = _timeline(p, sol.tour)
    assert line is not None and _allowed(p, sol.tour)
    assert sol.score == pytest.approx(_tour_value(p, sol.tour, line[1]))
    assert sol.score <= _brute_force_valued(p) + 1e-9


def test_fifth_of_a_kind_is_worth_less():
    """Five enclosures worth 8 and a museum worth 5, time for five: with decay 0.5 the museum
    beats the third enclosure (5 > 8 * 0.25), without decay it does not."""
    cands = tuple(Candidate(f"villa-{k}", 8, 600, ((0, 10_000),), kind="pandas") for k in range(5))
    cands += (Candidate("museum", 5, 600, ((0, 10_000),), kind="museum"),)
    p = OptwProblem(cands, "gate", 0, "gate", 5 * 700 + 100, lambda i, j, t: 100, time_dependent=False)
    plain = solve(p)
    assert "museum" not in plain.tour and plain.score == 40
    decayed = solve(dataclasses.replace(p, kind_decay=0.5))
    assert "museum" in decayed.tour and len(decayed.tour) == 5
    assert decayed.score == pytest.approx(8 + 4 + 2 + 1 + 5)
    assert sorted(decayed.values, reverse=True) == pytest.approx([8, 5, 4, 2, 1])


def test_joined_window_starts_on_arrival_and_earns_pro_rata():
    """The pandas' morning activity 08:00-10:00, an hour's watch, at least 20 minutes: reached at
    09:40 it is joined at once, for 20 minutes and a third of its score."""
    hour = 3600
    pandas = Candidate("villa", 9, hour, ((8 * hour, 10 * hour - 1200),), join_until_s=10 * hour)
    p = OptwProblem((pandas,), "hotel", 9 * hour, "hotel", 12 * hour, lambda i, j, t: 2400,
                    time_dependent=False)
    sol = solve(p)
    assert sol.tour == ("villa",) and sol.start_times_s == (9 * hour + 2400,)
    assert sol.service_s == (1200,) and sol.values == (3.0,) and sol.score == 3.0
    assert sol.end_s == 10 * hour + 2400  # left at the window's end


def test_joined_window_that_ends_before_arrival_is_explained_with_real_times():
    hour = 3600
    pandas = Candidate("villa", 9, hour, ((8 * hour, 10 * hour - 1200),), join_until_s=10 * hour,
                       must_visit=True)
    p = OptwProblem((pandas,), "hotel", 9 * hour + 1800, "hotel", 18 * hour,
                    lambda i, j, t: 2460 + (t % 60))  # time-dependent, off the minute grid
    sol = solve(dataclasses.replace(p, depart_resolution_s=60))
    (reason,) = sol.infeasible
    assert reason.code == "closes_before_arrival"
    assert reason.params == {"item": "villa", "closes_s": 10 * hour, "earliest_arrival_s": 9 * hour + 1800 + 2460,
                             "last_start_s": 10 * hour - 1200}


@pytest.mark.parametrize("name", ["r101", "c101", "rc101"])
def test_more_candidates_never_give_a_worse_tour(name):
    """Nested candidate sets (the first 40, 60, 80 vertices of a benchmark): a fixed beam width, then
    local search (insert, swap) until no move improves; each superset scores at least as much."""
    p = to_problem(read_optw(BENCH / f"{name}.txt"))
    scores = []
    for k in (40, 60, 80):
        sol = solve(dataclasses.replace(p, candidates=p.candidates[:k]), time_limit_s=60, max_width=10)
        assert not sol.optimal
        scores.append(sol.score)
    assert scores == sorted(scores), scores


def test_fixed_width_gives_the_same_tour_every_time():
    p = to_problem(read_optw(BENCH / "rc101.txt"))
    first, second = (solve(p, time_limit_s=60, max_width=10) for _ in range(2))
    assert (first.tour, first.score) == (second.tour, second.score)
