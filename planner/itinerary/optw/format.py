"""The OPTW benchmark file format (Righini & Salani / Montemanni & Gambardella).

Conventions that the published optima assume: travel time is the Euclidean
distance TRUNCATED to 1 decimal (Solomon c/r/rc) or 2 decimals (Cordeau pr);
service starts at max(arrival, open) and no later than close; vertex 0 is start
and end and its close is the return deadline. To keep arithmetic exact the
engine works in integer time units of 10^-decimals.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from planner.domain.errors import DataError, Problem
from planner.itinerary.optw.model import Candidate, OptwProblem


@dataclass(frozen=True)
class OptwVertex:
    id: int
    x: float
    y: float
    service: float
    score: float
    open: float
    close: float


@dataclass(frozen=True)
class OptwInstance:
    """A parsed benchmark file; ``vertices[0]`` is the depot.

    ``decimals`` is the truncation precision of travel times (2 for ``pr*``
    files, else 1), derived from the file name.
    """

    name: str
    vertices: tuple[OptwVertex, ...]
    decimals: int

    @property
    def scale(self) -> int:
        return int(10 ** self.decimals)

    def travel_units(self, i: int, j: int) -> int:
        """Truncated Euclidean travel time in integer units of 10^-decimals."""
        a, b = self.vertices[i], self.vertices[j]
        # The small epsilon keeps e.g. 3.0000000001 * 10 from truncating below 30.
        return math.floor(math.hypot(a.x - b.x, a.y - b.y) * self.scale + 1e-9)

    def travel(self, i: int, j: int) -> float:
        return self.travel_units(i, j) / self.scale


def _units(value: float, scale: int) -> int:
    return round(value * scale)


def read_optw(path: str | Path) -> OptwInstance:
    """Read an OPTW benchmark file.

    Raises
    ------
    DataError
        naming the file and line of every malformed vertex line.

    Examples
    --------
    >>> import tempfile, os
    >>> text = "1 1 1 1\\n0 100\\n0 0 0 0 0 0 0 0 100\\n1 3 4 1 10 1 1 1 0 50\\n"
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write(text)
    >>> inst = read_optw(f.name); os.unlink(f.name)
    >>> inst.vertices[1].score, inst.travel(0, 1)
    (10.0, 5.0)
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError([Problem(str(path), f"cannot read: {exc.strerror}")]) from exc
    problems: list[Problem] = []
    vertices: list[OptwVertex] = []
    if len(lines) < 3:
        problems.append(Problem(f"{path}:{len(lines) + 1}", "expected 2 header lines and a depot line"))
    for lineno, line in enumerate(lines[2:], start=3):
        if not line.strip():
            continue
        try:
            vertices.append(_parse_vertex(line, expected_id=len(vertices)))
        except ValueError as exc:
            problems.append(Problem(f"{path}:{lineno}", str(exc)))
    if problems:
        raise DataError(problems)
    decimals = 2 if path.name.lower().startswith("pr") else 1
    return OptwInstance(path.stem, tuple(vertices), decimals)


def _parse_vertex(line: str, expected_id: int) -> OptwVertex:
    fields = line.split()
    if len(fields) < 9:
        raise ValueError(f"expected at least 9 fields (i x y d S f a ... O C), got {len(fields)}")
    try:
        nums = [float(f) for f in fields]
    except ValueError as exc:
        raise ValueError(f"not a number: {exc}") from None
    i, x, y, d, s, _f, a = nums[:7]
    if int(i) != expected_id:
        raise ValueError(f"vertex id {fields[0]}, expected {expected_id}")
    if a != int(a) or a < 0 or len(fields) != 7 + int(a) + 2:
        raise ValueError(f"a = {fields[6]} visit combinations need {7 + int(a) + 2} fields, "
                         f"got {len(fields)}")
    o, c = nums[-2], nums[-1]
    if c < o:
        raise ValueError(f"window closes ({c:g}) before it opens ({o:g})")
    if d < 0 or s < 0:
        raise ValueError("negative service duration or score")
    return OptwVertex(int(i), x, y, d, s, o, c)


def to_problem(inst: OptwInstance) -> OptwProblem[int]:
    """The engine problem for an instance: integer time units of 10^-decimals.

    Examples
    --------
    >>> v = (OptwVertex(0, 0, 0, 0, 0, 0, 100), OptwVertex(1, 3, 4, 1, 10, 0, 50))
    >>> p = to_problem(OptwInstance("t", v, 1))
    >>> p.travel_s(0, 1, 0), p.deadline_s
    (50, 1000)
    """
    k = inst.scale
    depot = inst.vertices[0]
    cands = tuple(Candidate(v.id, v.score, _units(v.service, k), ((_units(v.open, k), _units(v.close, k)),))
                  for v in inst.vertices[1:])
    def travel(i: int, j: int, depart: int) -> int:
        return inst.travel_units(i, j)

    return OptwProblem(cands, 0, _units(depot.open, k), 0, _units(depot.close, k), travel, time_dependent=False)


@dataclass(frozen=True)
class TourCheck:
    feasible: bool
    score: float
    reason: str = ""


def check_tour(inst: OptwInstance, tour: list[int]) -> TourCheck:
    """Recompute feasibility and score of ``tour`` (ids without the depot), independently.

    Uses decimal-free integer units and the truncation conventions, without the
    engine's code.

    Examples
    --------
    >>> v = (OptwVertex(0, 0, 0, 0, 0, 0, 100), OptwVertex(1, 3, 4, 1, 10, 0, 50))
    >>> check_tour(OptwInstance("t", v, 1), [1])
    TourCheck(feasible=True, score=10, reason='')
    >>> check_tour(OptwInstance("t", v, 1), [1, 1]).reason
    'vertex 1 visited twice'
    """
    k = inst.scale
    verts = inst.vertices
    if len(set(tour)) != len(tour):
        dup = next(v for v in tour if tour.count(v) > 1)
        return TourCheck(False, 0, f"vertex {dup} visited twice")
    bad = [v for v in tour if not (isinstance(v, int) and 0 < v < len(verts))]
    if bad:
        return TourCheck(False, 0, f"unknown vertex {bad[0]}")
    t, last = _units(verts[0].open, k), 0
    for v in tour:
        arrival = t + _units(verts[last].service, k) + inst.travel_units(last, v)
        if arrival > _units(verts[v].close, k):
            return TourCheck(False, 0, f"vertex {v}: arrival {arrival / k:g} after close {verts[v].close:g}")
        t, last = max(arrival, _units(verts[v].open, k)), v
    back = t + _units(verts[last].service, k) + inst.travel_units(last, 0)
    if back > _units(verts[0].close, k):
        return TourCheck(False, 0, f"return at {back / k:g} after deadline {verts[0].close:g}")
    return TourCheck(True, sum(verts[v].score for v in tour))
