"""Exact OPTW by label-setting dynamic programming with branch and bound.

States are (visited set, last vertex). A label of a state is one way to reach
it: the departure from the last vertex and the value collected. With FIFO
travel times, waiting allowed and every service started as early as possible
(best, see :mod:`planner.itinerary.optw.core`), a label that leaves no later
and holds no less value than another dominates it: every extension of the
other is feasible from it too, with stays at least as long. When every stay
is fixed and scores simply add up, the value is the same for a whole state and
one label per state (the earliest) is enough. With joined windows (stays, so
values, vary with the time) a state keeps its Pareto front over (departure
down, value up); with values decaying by kind, "more value" is checked
visit by visit within the shared kinds (a higher total is not enough: the next
visit of a kind gains less after a better one), and as a sum over the rest.

A label is dropped when its value plus each still-open candidate's marginal
value given the label's visits (at full score) cannot beat the best tour known:
the tour's value is monotone and submodular in its set of visits, so this
bounds every completion. So does :meth:`Compiled.upper_bound`, which also counts
the time left (each visit earns at most its score per second of service, and the
stays fit before the deadline): on a day plan it prunes far more. What is left at
the end is optimal.
"""
from __future__ import annotations

import time
from collections.abc import Hashable

from planner.itinerary.optw.core import Compiled
from planner.itinerary.optw.model import V

#: (departure from the last vertex, value, last vertex, visited mask, parent label,
#:  value of each candidate (by index; None when values are fixed and add up),
#:  value collected outside the shared kinds)
Label = tuple[int, float, int, int, "Label | None", "tuple[float, ...] | None", float]


class Timeout(Exception):
    """The exact search ran past its time budget."""


def _kind_values(c: Compiled[V], lab: Label) -> list[list[float]]:
    """Values of the label's visits per shared kind, each sorted in descending order."""
    vals, mask = lab[5], lab[3]
    if vals is None or not c.kinds_matter:
        return [[] for _ in c.members]
    return [sorted((vals[x] for x in ms if (mask >> x) & 1), reverse=True) for ms in c.members]


def _upper_bound(c: Compiled[V], lab: Label, kind_values: list[list[float]]) -> float:
    """Value now plus each candidate not yet excluded by set, group or closing time, at its
    marginal value given the label's visits (submodularity: see the module's docstring).

    Valid for any travel function: arrival is never before departure, so a
    candidate whose last window closed before the departure is out of reach.
    """
    dep, value, _, mask = lab[0], lab[1], lab[2], lab[3]
    per_group: dict[Hashable, float] = {}
    extra = 0.0
    for j in range(c.n):
        if (mask >> j) & 1 or mask & c.group_mask[j] or c.close_max[j] < dep:
            continue
        k = c.kind[j]
        gain = c.score[j] if k < 0 else Compiled.gain(kind_values[k], c.score[j], c.decay)
        g = c.problem.candidates[j].group
        if g is None:
            extra += gain
        elif gain > per_group.get(g, -1.0):
            per_group[g] = gain
    return value + extra + sum(per_group.values())


def _dominates(c: Compiled[V], a: Label, b: Label) -> bool:
    """``a`` leaves no later than ``b`` and is worth at least as much whatever follows (same state)."""
    if a[0] > b[0] or a[1] < b[1]:
        return False
    va, vb = a[5], b[5]
    if va is None or vb is None or not c.kinds_matter:
        return True
    if a[6] < b[6]:
        return False
    mask = a[3]
    return all(va[x] >= vb[x] for ms in c.members for x in ms if (mask >> x) & 1 and c.join[x] is not None)


def _extend(c: Compiled[V], lab: Label, j: int, start_s: int, kind_values: list[list[float]]) -> Label:
    stay = c.stay(j, start_s)
    vals = lab[5]
    if vals is None:  # fixed values that add up
        return (start_s + stay, lab[1] + c.score[j], j, lab[3] | (1 << j), lab, None, 0.0)
    v = c.value(j, stay)
    k = c.kind[j]
    gain = v if k < 0 else Compiled.gain(kind_values[k], v, c.decay)
    new_vals = vals[:j] + (v,) + vals[j + 1:]
    return (start_s + stay, lab[1] + gain, j, lab[3] | (1 << j), lab, new_vals, lab[6] + (v if k < 0 else 0.0))


def _keep(c: Compiled[V], front: list[Label], lab: Label) -> bool:
    """Add ``lab`` to a state's Pareto front unless dominated; drop what it dominates."""
    if any(_dominates(c, old, lab) for old in front):
        return False
    front[:] = [old for old in front if not _dominates(c, lab, old)]
    front.append(lab)
    return True


def solve_exact(c: Compiled[V], lower_bound: float = -1.0,
                budget_s: float = float("inf")) -> tuple[float, list[int]] | None:
    """Optimal (value, route), or None if no feasible tour holds every must-visit.

    Parameters
    ----------
    c : Compiled
    lower_bound : float
        Value of a known feasible tour; labels that cannot beat it are pruned.
        A tour of exactly this value is then NOT returned, so pass the known
        value minus a small amount if the route itself is needed.
    budget_s : float
        Raises Timeout when exceeded.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> cands = (Candidate("a", 3, 0, ((0, 10),)), Candidate("b", 5, 0, ((0, 10),)))
    >>> p = OptwProblem(cands, "h", 0, "h", 15, lambda i, j, t: 6, time_dependent=False)
    >>> solve_exact(Compiled(p))
    (5.0, [1])
    """
    t_end = time.perf_counter() + budget_s
    n, end, dl = c.n, c.end, c.problem.deadline_s
    must_bits = sum(1 << m for m in c.must)
    best_score = lower_bound
    best: Label | None = None
    rich = c.variable or c.kinds_matter
    root: Label = (c.problem.start_s, 0.0, c.start, 0, None, (0.0,) * n if rich else None, 0.0)
    states: dict[tuple[int, int], list[Label]] = {(0, c.start): [root]}
    layer = [(0, c.start)]
    while layer:
        if time.perf_counter() > t_end:
            raise Timeout
        nxt: list[tuple[int, int]] = []
        for mask, last in layer:
            for lab in states[(mask, last)]:
                dep, sc = lab[0], lab[1]
                if (mask & must_bits) == must_bits and sc > best_score \
                        and c.arrive(last, end, dep) <= dl:
                    best_score, best = sc, lab
                kind_values = _kind_values(c, lab)
                if c.upper_bound(sc, dep, last, mask, kind_values) <= best_score or \
                        _upper_bound(c, lab, kind_values) <= best_score:
                    continue
                for j in range(n):
                    if (mask >> j) & 1 or mask & c.group_mask[j] or \
                            c.close_max[j] < dep + c.min_travel[last][j]:
                        continue  # cheap test first: spares calls to the travel callback
                    s = c.service_start(j, c.arrive(last, j, dep))
                    if s > dl:
                        continue
                    key = (mask | (1 << j), j)
                    front = states.get(key)
                    if front is None:
                        front = states[key] = []
                        nxt.append(key)
                    _keep(c, front, _extend(c, lab, j, s, kind_values))
        for key in layer:
            if key != (0, c.start):
                del states[key]  # labels keep their parents: the fronts of done layers can go
        layer = nxt
    if best is None:
        return None
    return best_score, _route(best)


def _route(label: Label) -> list[int]:
    route = []
    parent = label[4]
    while parent is not None:
        route.append(label[2])
        label, parent = parent, parent[4]
    return route[::-1]
