"""The OPTW solver engine: pick exact or heuristic search, explain what cannot be done.

``solve`` is the entry point for the itinerary layer. Instances with at most
``exact_max_candidates`` candidates are solved exactly (label-setting DP with
bounds; ``optimal`` is then True); larger ones by restricted DP with widening
beams plus insertion, until the time limit.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from planner.domain.errors import Param, Reason
from planner.itinerary.optw.beam import beam_search
from planner.itinerary.optw.core import INF, Compiled
from planner.itinerary.optw.exact import Timeout, solve_exact
from planner.itinerary.optw.improve import insert_greedy, local_search
from planner.itinerary.optw.model import OptwProblem, OptwSolution, V

#: Beam widths tried in turn by the heuristic (each run about 3x the previous).
WIDTHS = (3, 10, 30, 100, 300, 1000, 3000)


def explain_must(c: Compiled[V], m: int) -> Reason | None:
    """Why candidate ``m`` cannot be in any tour, or None if a tour [m] alone is feasible.

    The reason's ``item`` is the candidate's id; times are seconds on the problem's clock,
    with exact departures (not the search's grid) and the actual stay. When the window
    closes before the earliest arrival, ``closes_s`` is the latest start allowed; for a
    joined window that has ended by then it is the window's end (``join_until_s``), and
    ``last_start_s`` gives the latest start allowed.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> villa = Candidate("villa", 8, 3600, ((7 * 3600, 10 * 3600 - 1200),), join_until_s=10 * 3600)
    >>> p = OptwProblem((villa,), "hotel", 9 * 3600, "hotel", 18 * 3600, lambda i, j, t: 4260)
    >>> reason = explain_must(Compiled(p), 0)
    >>> reason.code, reason.params["closes_s"], reason.params["earliest_arrival_s"]
    ('closes_before_arrival', 36000, 36660)
    """
    if c.schedule([m]) is not None:
        return None
    item, p = c.ids[m], c.problem
    travel = p.travel_s(p.start_id, item, p.start_s)
    if travel is None:
        return Reason("unreachable_from_start", {"item": item})
    arrival = p.start_s + int(travel)
    begin = c.service_start(m, arrival)
    if begin >= INF:
        until = c.join[m]
        params: dict[str, Param] = {"item": item, "closes_s": int(c.close_max[m]),
                                     "earliest_arrival_s": int(arrival)}
        if until is not None:
            params["last_start_s"] = int(c.close_max[m])
            if arrival > until:
                params["closes_s"] = int(until)
        return Reason("closes_before_arrival", params)
    leave = begin + c.stay(m, begin)
    back_travel = p.travel_s(item, p.end_id, leave)
    if back_travel is None:
        return Reason("end_unreachable_after", {"item": item, "leave_s": int(leave)})
    return Reason("back_after_deadline", {"item": item, "leave_s": int(leave), "back_s": int(leave + back_travel),
                                          "deadline_s": int(p.deadline_s)})


def _heuristic(c: Compiled[V], stop: Callable[[], bool], seed: int, max_width: int | None = None
               ) -> tuple[float, list[int]]:
    best: tuple[float, list[int]] = (-1.0, [])
    for k, width in enumerate(WIDTHS):
        if (k > 0 and stop()) or (max_width is not None and width > max_width):
            break
        # The first, narrow beam always completes, so that there is an answer at all.
        score, route = beam_search(c, width, seed=None if k < 4 else seed + k,
                                   deadline=stop if k > 0 else None)
        if score >= 0:
            route = local_search(c, route, deadline=stop)
            best = max(best, (c.route_score(route), route), key=lambda b: b[0])
    return best


def _search(c: Compiled[V], t_end: float, seed: int, exact_max: int, max_width: int | None = None
            ) -> tuple[float, list[int], bool]:
    """(score, route, proven optimal); score -1 when no tour holds every must-visit.

    ``t_end`` is the ``time.perf_counter()`` value by which to be done.
    """
    if c.n <= exact_max:
        score, route = beam_search(c, 10)
        route = insert_greedy(c, route) if score >= 0 else route
        score = c.route_score(route) if score >= 0 else -1.0
        try:
            better = solve_exact(c, lower_bound=score, budget_s=max(0.0, t_end - time.perf_counter()))
        except Timeout:
            return score, route, False
        return (*better, True) if better is not None else (score, route, True)
    # Stop a little early: freeing a large beam layer takes a few tenths of a second.
    stop = lambda: time.perf_counter() > t_end - 0.3  # noqa: E731
    return (*_heuristic(c, stop, seed, max_width), False)


def solve(problem: OptwProblem[V], time_limit_s: float = 10.0, seed: int = 0,
          exact_max_candidates: int = 15, max_width: int | None = None) -> OptwSolution[V]:
    """Best single tour for an OPTW problem.

    Parameters
    ----------
    problem : OptwProblem
    time_limit_s : float
        Budget for the heuristic (and the cap for the exact search).
    seed : int
        Seed for the randomised later beams; results are deterministic given it
        (up to where the time limit cuts the search).
    exact_max_candidates : int
        Up to this many candidates, search exactly and prove optimality.
    max_width : int, optional
        Widest beam the heuristic tries. With it the answer no longer depends
        on how fast the machine is (the time limit is then only a safety net):
        the same request gives the same plan, so a plan's link reproduces it.

    Returns
    -------
    OptwSolution
        Must-visit candidates that no tour can include are dropped from the
        must list and explained in ``infeasible``.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> cands = (Candidate("museum", 5, 3600, ((9 * 3600, 16 * 3600),)),
    ...          Candidate("pandas", 8, 7200, ((7 * 3600, 12 * 3600),), must_visit=True),
    ...          Candidate("show", 4, 1800, ((20 * 3600, 20 * 3600),), must_visit=True))
    >>> travel = lambda i, j, t: 1800 if t < 17 * 3600 else 2400
    >>> sol = solve(OptwProblem(cands, "hotel", 8 * 3600, "hotel", 19 * 3600, travel))
    >>> sol.tour, sol.score, sol.optimal
    (('museum', 'pandas'), 13.0, True)
    >>> [(r.code, r.params["back_s"]) for r in sol.infeasible]
    [('back_after_deadline', 76200)]
    """
    t0 = time.perf_counter()
    t_end = t0 + time_limit_s
    c = Compiled(problem)
    infeasible: list[Reason] = []
    score, route, optimal = _search(c, t_end, seed, exact_max_candidates, max_width)
    if score < 0:
        infeasible = _drop_impossible_musts(c, t_end, seed, exact_max_candidates)
        score, route, optimal = _search(c, t_end, seed, exact_max_candidates, max_width)
    if score < 0 and c.must:  # each remaining must-visit fits alone, but not all together
        infeasible.append(Reason("no_tour_with_all", {"items": tuple(c.ids[m] for m in c.must), "proven": optimal}))
        c.must = []
        score, route, optimal = _search(c, t_end, seed, exact_max_candidates, max_width)
    return _finish(problem, c, route, optimal, t0, infeasible)


def _drop_impossible_musts(c: Compiled[V], t_end: float, seed: int, exact_max: int) -> list[Reason]:
    """Explain and un-flag the must-visits that no tour can include on their own."""
    musts = c.must
    reasons: list[Reason] = []
    impossible: set[int] = set()
    for m in musts:
        c.must = [m]
        # A direct visit is the usual witness; without one, search for an indirect tour
        # (travel times need not satisfy the triangle inequality).
        if c.schedule([m]) is None and _search(c, t_end, seed, exact_max)[0] < 0:
            reasons.append(explain_must(c, m) or Reason("no_tour_found_with", {"item": c.ids[m]}))
            impossible.add(m)
    c.must = [m for m in musts if m not in impossible]
    return reasons


def _finish(problem: OptwProblem[V], c: Compiled[V], route: list[int], optimal: bool, t0: float,
            infeasible: list[Reason]) -> OptwSolution[V]:
    # Recompute the schedule with exact departures; by FIFO it can only be earlier.
    exact = Compiled(dataclasses.replace(problem, depart_resolution_s=1)) \
        if problem.time_dependent and problem.depart_resolution_s > 1 else c
    line = exact.timeline(route)
    if line is None:  # only possible for an empty route: the end is out of reach
        infeasible = [*infeasible, Reason("end_unreachable", {"deadline_s": int(problem.deadline_s)})]
        return OptwSolution((), (), None, 0, optimal, time.perf_counter() - t0,
                            tuple(infeasible), c.calls)
    starts, stays, end_s = line
    values = exact.stop_values(route, stays)
    proven = optimal and (exact is c)
    return OptwSolution(tuple(c.ids[j] for j in route), tuple(starts), end_s,
                        exact.set_value(route, stays), proven, time.perf_counter() - t0,
                        tuple(infeasible), c.calls + (exact.calls if exact is not c else 0),
                        tuple(stays), tuple(values))
