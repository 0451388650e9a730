"""Internal, index-based form of an OPTW problem shared by all solvers.

Candidates are numbered 0..n-1; the start vertex is ``n`` and the end vertex
``n + 1``. Times are integers; ``INF`` stands for "impossible" so that solvers
can compare instead of branching on None.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Generic

from planner.itinerary.optw.model import Candidate, OptwProblem, V

INF = 1 << 60


def _units_or_inf(t: int | None) -> int:
    return INF if t is None else int(t)


class Compiled(Generic[V]):
    """Index arrays plus a memoised travel oracle for one problem.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> p = OptwProblem((Candidate("a", 1, 60, ((0, 600),)),), "h", 0, "h", 3600,
    ...                 lambda i, j, t: 300, time_dependent=False)
    >>> c = Compiled(p)
    >>> c.arrive(c.start, 0, 0), c.service_start(0, 300)
    (300, 300)
    """

    def __init__(self, problem: OptwProblem[V], exact: bool = False) -> None:
        self.problem = problem
        cands = problem.candidates
        self.n = n = len(cands)
        self.start, self.end = n, n + 1
        self.ids: list[V] = [c.id for c in cands] + [problem.start_id, problem.end_id]
        self.score: list[float] = [c.score for c in cands] + [0, 0]
        self.service = [int(c.service_s) for c in cands] + [0, 0]
        self.windows: list[tuple[tuple[int, int], ...]] = [tuple(sorted(c.windows)) for c in cands]
        self.windows += [((problem.start_s, problem.start_s),), ((-INF, problem.deadline_s),)]
        self.close_max = [max(c for _, c in w) for w in self.windows]  # windows may overlap
        self.single = [len(w) == 1 for w in self.windows]
        self.must = [i for i, c in enumerate(cands) if c.must_visit]
        self.group_mask = self._group_masks(cands)
        self.calls = 0
        self._memo: dict[tuple[int, int, int], int] = {}  # (i, j, departure) -> travel
        self._rows: dict[tuple[int, int], list[int]] = {}  # (i, departure) -> travel to every vertex
        self._resolution_s = 1 if exact else max(1, int(problem.depart_resolution_s))
        self.static = not problem.time_dependent
        self.matrix = self._static_matrix() if self.static else None
        self.min_travel = self.matrix or self._min_matrix()

    def _group_masks(self, cands: Sequence[Candidate[V]]) -> list[int]:
        """Bit mask of the OTHER members of each candidate's group (0 if none)."""
        by_group: dict[Hashable, int] = {}
        for i, c in enumerate(cands):
            if c.group is not None:
                by_group[c.group] = by_group.get(c.group, 0) | (1 << i)
        return [(by_group[c.group] & ~(1 << i)) if c.group is not None else 0
                for i, c in enumerate(cands)] + [0, 0]

    def _call(self, i: int, j: int, depart_s: int) -> int:
        self.calls += 1
        t = self.problem.travel_s(self.ids[i], self.ids[j], depart_s)
        return INF if t is None else int(t)

    def _static_matrix(self) -> list[list[int]]:
        # Static travel: every pair once, up front; the solvers then index a list.
        m = self.n + 2
        return [[0 if i == j else self._call(i, j, self.problem.start_s) for j in range(m)]
                for i in range(m)]

    def _min_matrix(self) -> list[list[int]]:
        lb = self.problem.min_travel_s
        m = self.n + 2
        if lb is None:
            return [[0] * m for _ in range(m)]
        return [[0 if i == j else int(lb(self.ids[i], self.ids[j])) for j in range(m)]
                for i in range(m)]

    def arrive(self, i: int, j: int, depart_s: int) -> int:
        """Arrival time at ``j`` leaving ``i`` at ``depart_s`` (INF if unreachable)."""
        if depart_s >= INF:
            return INF
        if self.matrix is not None:  # static travel
            return depart_s + self.matrix[i][j]
        r = self._resolution_s
        dep = -(-depart_s // r) * r  # round up: waiting at the origin keeps plans feasible
        travel_row = self.problem.travel_row_s
        if travel_row is not None:
            t = self._row(travel_row, i, dep)[j]
        else:
            key = (i, j, dep)
            known = self._memo.get(key)
            if known is None:
                known = self._memo[key] = 0 if i == j else self._call(i, j, dep)
            t = known
        return dep + t if t < INF else INF

    def _row(self, travel_row: Callable[[V, int], Mapping[V, int | None]], i: int,
             dep: int) -> list[int]:
        """Travel times from ``i`` to every vertex index, one callback per (i, dep)."""
        row = self._rows.get((i, dep))
        if row is None:
            self.calls += 1
            got = travel_row(self.ids[i], dep)
            row = [0 if j == i else _units_or_inf(got.get(self.ids[j]))
                   for j in range(self.n + 2)]
            self._rows[(i, dep)] = row
        return row

    def service_start(self, j: int, arrival_s: int) -> int:
        """Earliest start of service at ``j`` for an arrival (INF if every window closed)."""
        if self.single[j]:
            o, c = self.windows[j][0]
            if arrival_s > c:
                return INF
            return o if arrival_s < o else arrival_s
        for o, c in self.windows[j]:  # few windows, sorted by opening: scan
            if arrival_s <= c:
                return o if arrival_s < o else arrival_s
        return INF

    def schedule(self, route: list[int]) -> tuple[list[int], int] | None:
        """Service starts along ``route`` and the arrival at the end, or None if infeasible."""
        t = self.problem.start_s
        last, starts = self.start, []
        for j in route:
            t = self.service_start(j, self.arrive(last, j, t + self.service[last]))
            if t >= INF:
                return None
            starts.append(t)
            last = j
        end_s = self.arrive(last, self.end, t + self.service[last])
        return (starts, end_s) if end_s <= self.problem.deadline_s else None

    def route_score(self, route: list[int]) -> float:
        return sum(self.score[j] for j in route)
