"""Numbers for the shuttle's pages: timetables as people read them, chart geometry, and CSV.

The templates draw the SVG from these numbers (like :mod:`planner.web.presenters.charts`), so
nothing a planner typed reaches the markup except as escaped text. Every chart here has a CSV
function beside it that writes the numbers it was drawn from.

Inputs are the core's objects (:mod:`planner.simulation`): a scenario, a block plan, a
simulation result, a sweep result. Only their documented attributes are read.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from planner.domain.model import format_clock

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 30, 30, 34  # room for the axis words and the last tick
DIRECTION_COLORS = {"outbound": "#1864ab", "inbound": "#e8590c"}
VEHICLE_COLORS = ("#1864ab", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285", "#5c940d", "#a61e4d",
                  "#364fc7", "#d9480f")


def clock(seconds: float | int | None) -> str:
    """``HH:MM`` of seconds after midnight, ``–`` for none (after midnight: 24:10 ...).

    Examples
    --------
    >>> clock(27000), clock(None)
    ('07:30', '–')
    """
    return "–" if seconds is None else format_clock(int(seconds))


# --- timetables


def headway_runs(departures_s: Sequence[int]) -> list[dict[str, Any]]:
    """Departures as runs of one headway: ``first_s``, ``last_s``, ``headway_s`` (None: one bus), ``count``.

    A run grows while the gap stays the same; a departure that breaks it starts the next run.

    Examples
    --------
    >>> [(r["first_s"], r["last_s"], r["headway_s"], r["count"])
    ...  for r in headway_runs([25200, 26400, 27600, 28800, 30600, 32400, 40000])]
    [(25200, 28800, 1200, 4), (30600, 32400, 1800, 2), (40000, 40000, None, 1)]
    >>> [(r["first_s"], r["headway_s"], r["count"]) for r in headway_runs([0, 100, 300, 500])]
    [(0, None, 1), (100, 200, 3)]
    """
    times = sorted(set(departures_s))
    runs: list[dict[str, Any]] = []
    for t in times:
        last = runs[-1] if runs else None
        if last and last["headway_s"] is None and last["count"] == 1 and not _pairs_better(times, last["first_s"], t):
            last.update(last_s=t, headway_s=t - last["first_s"], count=2)
        elif last and last["headway_s"] is not None and t - last["last_s"] == last["headway_s"]:
            last.update(last_s=t, count=last["count"] + 1)
        else:
            runs.append({"first_s": t, "last_s": t, "headway_s": None, "count": 1})
    return runs


def _pairs_better(times: Sequence[int], first: int, t: int) -> bool:
    """Whether ``t`` should rather start a run with the two departures after it (their gaps equal,
    unlike its gap to ``first``): 0, 100, 300, 500 reads 0, then every 200 s from 100."""
    i = times.index(t)
    if i + 2 >= len(times):
        return False
    gap_next = times[i + 1] - t
    return gap_next != t - first and times[i + 2] - times[i + 1] == gap_next


def direction_timetable(scenario: Any, day_type: str, direction: str, lang: str) -> dict[str, Any]:
    """One direction of a day type: terminals, first and last departure, runs of headways, run times.

    ``run_times``: each hour with a departure, the mean and sd of the end-to-end run (seconds).
    """
    stops = list(scenario.stops) if direction == "outbound" else list(reversed(scenario.stops))
    departures = scenario.departures_s(day_type, direction)
    hours = sorted({d // 3600 for d in departures})
    return {
        "direction": direction,
        "from": _name(stops[0], lang), "to": _name(stops[-1], lang),
        "stops": [_name(s, lang) for s in stops],
        "departures": departures, "count": len(departures),
        "first_s": departures[0] if departures else None, "last_s": departures[-1] if departures else None,
        "runs": _runs(scenario, day_type, direction, departures),
        "run_times": [{"hour": h, "mean_s": scenario.run_time_s(h * 3600 + 1800),
                       "sd_s": scenario.run_time_sd_s(h * 3600 + 1800)} for h in hours],
    }


def _runs(scenario: Any, day_type: str, direction: str, departures: Sequence[int]) -> list[dict[str, Any]]:
    """The periods as the planner wrote them (each with its last real departure and count); an
    explicit list of departures (or a scenario without periods) read as runs of equal gaps."""
    service = getattr(scenario, "service", {}).get(day_type, {}).get(direction)
    if service is None or service.departures_s or not service.periods:
        return headway_runs(departures)
    runs = []
    for p in sorted(service.periods, key=lambda p: p.first_s):
        times = p.departures_s()
        if times:
            runs.append({"first_s": times[0], "last_s": times[-1], "count": len(times),
                         "headway_s": p.headway_s if len(times) > 1 else None})
    return runs


def _name(stop: Any, lang: str) -> str:
    return stop.name_en if lang == "en" else stop.name_zh


def timetable_view(scenario: Any, day_types: Iterable[str], lang: str) -> list[dict[str, Any]]:
    """Per day type, both directions; day types with the same timetable are merged into one entry.

    Examples
    --------
    (see tests/simulation/test_shuttle_page.py)
    """
    shown: list[dict[str, Any]] = []
    for day_type in day_types:
        directions = [direction_timetable(scenario, day_type, d, lang) for d in ("outbound", "inbound")]
        key = [d["departures"] for d in directions]
        for entry in shown:
            if entry["key"] == key:
                entry["day_types"].append(day_type)
                break
        else:
            shown.append({"day_types": [day_type], "directions": directions, "key": key})
    return shown


def timetable_csv(scenario: Any, day_types: Iterable[str]) -> str:
    """Every departure: day type, direction, departure, arrival (mean run time), from and to stop ids.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> s = NS(stops=(NS(id="a"), NS(id="b")), departures_s=lambda t, d: [25200] if d == "outbound" else [],
    ...        run_time_s=lambda t: 1800)
    >>> print(timetable_csv(s, ["weekday"]).strip())
    day_type,direction,depart,arrive,from_stop,to_stop
    weekday,outbound,07:00,07:30,a,b
    """
    out, writer = _writer(["day_type", "direction", "depart", "arrive", "from_stop", "to_stop"])
    for day_type in day_types:
        for direction in ("outbound", "inbound"):
            ends = (scenario.stops[0].id, scenario.stops[-1].id)
            if direction == "inbound":
                ends = ends[::-1]
            for depart in scenario.departures_s(day_type, direction):
                writer.writerow([day_type, direction, clock(depart), clock(depart + scenario.run_time_s(depart)), *ends])
    return out.getvalue()


# --- axes


def _nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2, 5 x 10^n) that cuts ``span`` into about ``target`` parts.

    Examples
    --------
    >>> _nice_step(100), _nice_step(7), _nice_step(0)
    (20.0, 2.0, 1.0)
    """
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _frame(x0: float, x1: float, y0: float, y1: float, width: int = WIDTH, height: int = HEIGHT):
    """Functions from data to SVG coordinates, and the plot's edges."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(value: float) -> float:
        return round(LEFT + (value - x0) / ((x1 - x0) or 1) * plot_w, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - (value - y0) / ((y1 - y0) or 1) * plot_h, 1)

    edges = {"width": width, "height": height, "left": LEFT, "right": width - RIGHT, "top": TOP,
             "bottom": height - BOTTOM}
    return x, y, edges


def _hour_ticks(x, start_s: int, end_s: int) -> list[tuple[float, str]]:
    every = 1 if end_s - start_s <= 8 * 3600 else 2
    first = -(-start_s // 3600)
    return [(x(h * 3600), f"{h:02d}:00") for h in range(first, end_s // 3600 + 1) if h % every == 0]


def _value_ticks(y, top: float, step: float, fmt: str = "{:g}") -> list[tuple[float, str]]:
    return [(y(v * step), fmt.format(v * step)) for v in range(0, int(top / step) + 1)]


# --- blocks


def blocks_chart(plan: Any, lang: str) -> dict[str, Any]:
    """A bar per trip on its vehicle's row (outbound blue, inbound orange), deadheads dashed grey."""
    trips = [t for b in plan.blocks for t in b.trips]
    if not trips:
        return {"empty": True}
    start_s = min(t.depart_s for t in trips) // 3600 * 3600
    end_s = -(-max([t.arrive_s for t in trips] + [d[2] for b in plan.blocks for d in b.deadheads]) // 3600) * 3600
    row_h = 34  # a row still 14 px high on a 390 px phone (the chart scales to ~0.45)
    height = TOP + BOTTOM + row_h * len(plan.blocks)
    x, _y, edges = _frame(start_s, end_s, 0, 1, height=height)
    rows = []
    for i, block in enumerate(plan.blocks):
        top = TOP + i * row_h + 3
        bars = [{"x": x(t.depart_s), "w": max(1.0, round(x(t.arrive_s) - x(t.depart_s), 1)), "y": top,
                 "h": row_h - 6, "color": DIRECTION_COLORS[t.direction], "direction": t.direction,
                 "label": f"{clock(t.depart_s)}–{clock(t.arrive_s)}", "trip_id": t.trip_id} for t in block.trips]
        empty = [{"x1": x(leave), "x2": x(arrive), "y": top + (row_h - 6) / 2, "label": f"{clock(leave)}–{clock(arrive)}"}
                 for _to, leave, arrive in block.deadheads]
        rows.append({"vehicle": block.vehicle, "y": top + (row_h - 6) / 2 + 5, "bars": bars, "deadheads": empty})
    return {**edges, "empty": False, "rows": rows, "x_ticks": _hour_ticks(x, start_s, end_s)}


def blocks_csv(plan: Any) -> str:
    """One row per trip or empty run: vehicle, kind (trip/deadhead), trip id, direction, leave, arrive."""
    out, writer = _writer(["vehicle", "kind", "trip_id", "direction", "from_stop", "to_stop", "depart", "arrive"])
    for block in plan.blocks:
        rows = [(t.depart_s, ["trip", t.trip_id, t.direction, t.from_stop, t.to_stop, clock(t.depart_s),
                              clock(t.arrive_s)]) for t in block.trips]
        rows += [(leave, ["deadhead", "", "", "", to_stop, clock(leave), clock(arrive)])
                 for to_stop, leave, arrive in block.deadheads]
        for _, row in sorted(rows, key=lambda r: r[0]):
            writer.writerow([block.vehicle, *row])
    return out.getvalue()


# --- a simulated day


def marey_chart(positions: Sequence[tuple[int, int, float]], length_m: float,
                stops: Sequence[tuple[str, float]]) -> dict[str, Any]:
    """Time-distance (Marey) diagram: one polyline per vehicle through its (time, distance) points.

    ``stops``: (name, distance from the first stop in metres) for the horizontal lines.

    Examples
    --------
    >>> c = marey_chart([(1, 25200, 0.0), (1, 27000, 10000.0), (2, 26400, 10000.0), (2, 28200, 0.0)],
    ...                 10000.0, [("A", 0.0), ("B", 10000.0)])
    >>> [line["vehicle"] for line in c["lines"]], c["lines"][0]["segments"][0].split()[0]
    ([1, 2], '56.0,266.0')
    """
    if not positions:
        return {"empty": True}
    start_s = min(p[1] for p in positions) // 3600 * 3600
    end_s = -(-max(p[1] for p in positions) // 3600) * 3600
    x, y, edges = _frame(start_s, end_s, 0, max(length_m, 1.0))
    by_vehicle: dict[int, list[tuple[int, float]]] = {}
    for vehicle, time_s, distance in positions:
        by_vehicle.setdefault(vehicle, []).append((time_s, distance))
    lines = []
    for i, (vehicle, points) in enumerate(sorted(by_vehicle.items())):
        points.sort()
        lines.append({"vehicle": vehicle, "color": VEHICLE_COLORS[i % len(VEHICLE_COLORS)],
                      "segments": [" ".join(f"{x(t)},{y(d)}" for t, d in points)]})
    return {**edges, "empty": False, "lines": lines, "x_ticks": _hour_ticks(x, start_s, end_s),
            "stops": [(y(d), name) for name, d in stops]}


def marey_csv(positions: Sequence[tuple[int, int, float]]) -> str:
    """vehicle, time (HH:MM:SS), seconds after midnight, distance from the first stop (m).

    Examples
    --------
    >>> print(marey_csv([(1, 25200, 0.0)]).strip())
    vehicle,time,time_s,distance_m
    1,07:00:00,25200,0.0
    """
    out, writer = _writer(["vehicle", "time", "time_s", "distance_m"])
    for vehicle, time_s, distance in sorted(positions):
        writer.writerow([vehicle, f"{format_clock(time_s)}:{time_s % 60:02d}", time_s, round(distance, 1)])
    return out.getvalue()


def load_chart(trips: Sequence[Any], capacity: int) -> dict[str, Any]:
    """A bar per trip at its departure: its highest load as a share of the capacity; riders left behind in red.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> c = load_chart([NS(trip_id="t", direction="outbound", planned_depart_s=25200, depart_s=25200,
    ...                    max_load=75, boarded=75, left_behind=5)], 75)
    >>> c["bars"][0]["share"], c["full_y"] == c["bars"][0]["y"]
    (1.0, True)
    """
    if not trips:
        return {"empty": True}
    ordered = sorted(trips, key=lambda t: (t.planned_depart_s, t.direction))
    start_s = min(t.planned_depart_s for t in ordered) // 3600 * 3600
    end_s = -(-(max(t.planned_depart_s for t in ordered) + 1) // 3600) * 3600
    top = max(1.0, max(t.max_load for t in ordered) / max(capacity, 1))
    top = math.ceil(top * 4) / 4
    x, y, edges = _frame(start_s, end_s, 0, top)
    bar_w = max(2.0, min(10.0, (edges["right"] - edges["left"]) / max(len(ordered), 1) * 0.8))
    bars = []
    for t in ordered:
        share = t.max_load / max(capacity, 1)
        offset = -bar_w / 2 if t.direction == "outbound" else bar_w / 2  # two directions at one time side by side
        bars.append({"x": round(x(t.planned_depart_s) + offset - bar_w / 2, 1), "w": round(bar_w, 1),
                     "y": y(share), "h": round(y(0) - y(share), 1), "share": round(share, 3),
                     "color": DIRECTION_COLORS[t.direction], "left_behind": t.left_behind,
                     "label": f"{clock(t.planned_depart_s)} {t.max_load}/{capacity}"})
    return {**edges, "empty": False, "bars": bars, "x_ticks": _hour_ticks(x, start_s, end_s),
            "y_ticks": [(y(v / 4), f"{v * 25}%") for v in range(0, int(top * 4) + 1)], "full_y": y(1.0)}


def load_csv(trips: Sequence[Any], capacity: int) -> str:
    """One row per trip: planned and actual departure, arrival, riders boarded, highest load, left behind."""
    out, writer = _writer(["trip_id", "direction", "vehicle", "planned_depart", "depart", "arrive", "boarded",
                           "max_load", "capacity", "load_factor", "left_behind"])
    for t in sorted(trips, key=lambda t: (t.planned_depart_s, t.direction)):
        writer.writerow([t.trip_id, t.direction, t.vehicle, clock(t.planned_depart_s), clock(t.depart_s),
                         clock(t.arrive_s), t.boarded, t.max_load, capacity, round(t.max_load / max(capacity, 1), 3),
                         t.left_behind])
    return out.getvalue()


def wait_bins(waits_s: Sequence[int], bin_s: int = 120) -> list[tuple[int, int, int]]:
    """(from_s, to_s, riders) bins of ``bin_s`` from 0 to the longest wait.

    Examples
    --------
    >>> wait_bins([0, 30, 130, 400], 120)
    [(0, 120, 2), (120, 240, 1), (240, 360, 0), (360, 480, 1)]
    """
    if not waits_s:
        return []
    counts = [0] * (max(waits_s) // bin_s + 1)
    for w in waits_s:
        counts[w // bin_s] += 1
    return [(i * bin_s, (i + 1) * bin_s, n) for i, n in enumerate(counts)]


def wait_histogram(waits_s: Sequence[int], bin_s: int = 120) -> dict[str, Any]:
    """Bars of riders by wait (minutes on the axis), and a mark at the 95th percentile."""
    bins = wait_bins(waits_s, bin_s)
    if not bins:
        return {"empty": True}
    top_n = max(n for _, _, n in bins)
    step = _nice_step(top_n)
    top = math.ceil(top_n / step) * step
    end = bins[-1][1]
    x, y, edges = _frame(0, end, 0, top)
    ordered = sorted(waits_s)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    minute_step = max(1, int(_nice_step(end / 60, 8)))
    return {**edges, "empty": False,
            "bars": [{"x": x(a), "w": max(0.5, round(x(b) - x(a) - 1, 1)), "y": y(n), "h": round(y(0) - y(n), 1),
                      "label": f"{a // 60}–{b // 60} min: {n}"} for a, b, n in bins],
            "x_ticks": [(x(m * 60), str(m)) for m in range(0, end // 60 + 1, minute_step)],
            "y_ticks": _value_ticks(y, top, step), "p95_x": x(p95), "p95_s": p95, "riders": len(waits_s)}


def waits_csv(waits_s: Sequence[int], bin_s: int = 120) -> str:
    """The histogram's bins: wait from and to (s), riders."""
    out, writer = _writer(["wait_from_s", "wait_to_s", "riders"])
    for row in wait_bins(waits_s, bin_s):
        writer.writerow(row)
    return out.getvalue()


# --- the sweep


def sweep_chart(result: Any) -> dict[str, Any]:
    """Cost per day (x) against the 95th-percentile wait (y, minutes): a dot per plan, filled when it
    meets the targets, the cheapest one that does ringed; the line joins the plans no other beats on both."""
    points = list(result.points)
    if not points:
        return {"empty": True}
    cost = [p.cost_cny for p in points]
    waits = [p.metrics["wait_p95_s"].mean / 60 for p in points]
    x_step = _nice_step(max(cost) - min(cost) or max(cost) or 1)
    x0, x1 = math.floor(min(cost) / x_step) * x_step, math.ceil(max(cost) / x_step) * x_step
    if x1 == x0:
        x0, x1 = x0 - x_step, x1 + x_step
    y_step = _nice_step(max(waits) or 1)
    y_top = max(math.ceil(max(waits) / y_step) * y_step, y_step)
    target_min = result.targets.wait_p95_s / 60
    y_top = max(y_top, math.ceil(target_min / y_step) * y_step)
    x, y, edges = _frame(x0, x1, 0, y_top)
    best = (result.best.headway_s, result.best.fleet) if result.best is not None else None
    dots: dict[tuple[float, float], dict[str, Any]] = {}
    for p, c, w in zip(points, cost, waits):
        # plans with the same cost and wait (a fleet larger than the timetable uses) share one dot
        dot = dots.setdefault((x(c), y(w)), {"x": x(c), "y": y(w), "meets": p.meets, "best": False, "plans": []})
        dot["plans"].append((p.headway_s, p.fleet))
        dot["best"] = dot["best"] or (p.headway_s, p.fleet) == best
    for dot in dots.values():
        by_headway: dict[int, list[int]] = {}
        for headway, fleet in dot["plans"]:
            by_headway.setdefault(headway, []).append(fleet)
        dot["label"] = "; ".join(f"{h // 60}′ × {', '.join(map(str, sorted(f)))}" for h, f in sorted(by_headway.items()))
    frontier = sorted(zip(cost, waits))
    best_wait, front = math.inf, []
    for c, w in frontier:
        if w < best_wait:
            front.append(f"{x(c)},{y(w)}")
            best_wait = w
    return {**edges, "empty": False, "dots": list(dots.values()), "frontier": " ".join(front), "target_y": y(target_min),
            "x_ticks": [(x(v), f"{v:g}") for v in _range(x0, x1, x_step)],
            "y_ticks": _value_ticks(y, y_top, y_step)}


def _range(start: float, stop: float, step: float) -> list[float]:
    n = int(round((stop - start) / step))
    return [round(start + i * step, 6) for i in range(n + 1)]


def sweep_csv(result: Any) -> str:
    """One row per plan: headway, fleet, the least fleet, cost, targets met, and each metric's mean and 95% CI."""
    names = sorted({name for p in result.points for name in p.metrics})
    header = ["headway_s", "fleet", "min_fleet", "cost_cny", "meets_targets", "best"]
    for name in names:
        header += [f"{name}_mean", f"{name}_low", f"{name}_high"]
    out, writer = _writer(header)
    best = (result.best.headway_s, result.best.fleet) if result.best else None
    for p in result.points:
        row: list[Any] = [p.headway_s, p.fleet, p.min_fleet, round(p.cost_cny, 2), int(p.meets),
                          int((p.headway_s, p.fleet) == best)]
        for name in names:
            e = p.metrics.get(name)
            row += [_round(e.mean), _round(e.low), _round(e.high)] if e is not None else ["", "", ""]
        writer.writerow(row)
    return out.getvalue()


def metrics_csv(metrics: dict[str, Any]) -> str:
    """Each metric of a simulation: mean, the 95% interval, replications.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> print(metrics_csv({"riders": NS(mean=10.0, low=9.0, high=11.0, n=3)}).strip())
    metric,mean,low,high,replications
    riders,10.0,9.0,11.0,3
    """
    out, writer = _writer(["metric", "mean", "low", "high", "replications"])
    for name, e in metrics.items():
        writer.writerow([name, _round(e.mean), _round(e.low), _round(e.high), e.n])
    return out.getvalue()


def _round(value: float | None) -> float | str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return round(float(value), 3)


def _writer(header: list[str]):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    return out, writer
