"""Time to load all data and build the graph, and the graph's size.

Run: .venv/bin/python benchmarks/startup.py [--repeat N]
Target: under 1 s on a 2-core machine. Each repeat runs in a fresh process so
imports and caches count as they would at a real start.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/calendar.py (the
# name the calendar issue gives it) would stand in for the standard library's calendar.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import statistics
import subprocess
import sys

_CHILD = """
import json, time
t0 = time.perf_counter()
from planner.sources.datafiles import load_model
from planner.routing.network import build_graph, summary
from planner.domain.paths import bundled_data_dir
t1 = time.perf_counter()
model = load_model(bundled_data_dir())
t2 = time.perf_counter()
graph = build_graph(model)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "graph_s": t3 - t2, "total_s": t3 - t0,
                  "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                  "summary": summary(graph)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = [json.loads(subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(args.repeat)]
    for key in ("import_s", "load_s", "graph_s", "total_s"):
        values = [r[key] for r in runs]
        print(f"{key:9s} median {statistics.median(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms")
    last = runs[-1]
    print(f"graph: {last['nodes']} nodes, {last['edges']} edges")
    print(f"nodes by kind: {last['summary']['nodes']}")
    print(f"edges by mode: {last['summary']['edges']}")
    total = statistics.median(r["total_s"] for r in runs)
    print(f"target < 1000 ms: {'met' if total < 1 else 'NOT met'} ({total * 1000:.0f} ms median)")


if __name__ == "__main__":
    main()
