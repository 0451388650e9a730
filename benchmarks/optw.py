"""The OPTW engine on the benchmark instances, against the proven optima.

Run: .venv/bin/python benchmarks/optw.py [--time-limit S] [--seed N] [--only NAME ...]
Targets (2-core machine, 10 s per instance): average gap <= 1 %, optimum reached
on at least 6 of the 8 instances. Every tour is verified with the independent
checker before its score counts.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.itinerary import check_tour, read_optw, solve, to_problem  # noqa: E402

# the shared benchmark folder beside the checkout, else the copies the tests use
DEFAULT_DIR = next(d for d in (ROOT.parent / "shared" / "benchmarks" / "optw", ROOT / "tests" / "fixtures" / "optw")
                   if d.is_dir())


def read_optima(folder: Path) -> dict[str, float]:
    rows = (folder / "OPTIMA.tsv").read_text().split("\n")[1:]
    return {name: float(value) for name, value in (r.split("\t") for r in rows if r.strip())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance (10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--only", nargs="*", default=None, help="instance names to run")
    args = ap.parse_args(argv)
    optima = read_optima(args.dir)
    gaps, reached, all_ok = [], 0, True
    print(f"{'instance':<9}{'score':>7}{'optimum':>9}{'gap %':>8}{'seconds':>9}  feasible")
    for name in sorted(optima):
        if args.only and name not in args.only:
            continue
        inst = read_optw(args.dir / f"{name}.txt")
        sol = solve(to_problem(inst), time_limit_s=args.time_limit, seed=args.seed)
        check = check_tour(inst, list(sol.tour))
        score = check.score if check.feasible else 0.0
        gap = 100.0 * (optima[name] - score) / optima[name]
        gaps.append(gap)
        reached += score >= optima[name]
        all_ok &= check.feasible and check.score == sol.score
        print(f"{name:<9}{score:>7g}{optima[name]:>9g}{gap:>8.2f}{sol.seconds:>9.2f}  "
              f"{'yes' if check.feasible else 'NO: ' + check.reason}")
    print(f"average gap {sum(gaps) / len(gaps):.2f} %; optimum reached on {reached} of {len(gaps)}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
