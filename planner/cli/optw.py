"""``planner optw FILE``: solve one OPTW benchmark instance (registered in planner/cli.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from planner.domain.errors import DataError
from planner.itinerary.optw.solver import solve
from planner.itinerary.optw.format import check_tour, read_optw, to_problem


@click.command("optw")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", "time_limit_s", default=10.0, show_default=True, type=float,
              help="Seconds for the heuristic search.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the randomised search.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def optw_command(file: Path, time_limit_s: float, seed: int, as_json: bool) -> None:
    """Solve an OPTW benchmark FILE (Righini-Salani / Montemanni format), one tour.

    Travel times are Euclidean truncated to 1 decimal (2 for pr* files); the
    tour lists vertex ids in visit order, without the depot 0.
    """
    try:
        inst = read_optw(file)
    except DataError as exc:
        for p in exc.problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(1)
    sol = solve(to_problem(inst), time_limit_s=time_limit_s, seed=seed)
    tour = list(sol.tour)
    check = check_tour(inst, tour)
    if not check.feasible:  # never expected: the engine's schedule disagrees with the checker
        click.echo(f"error: internal check failed: {check.reason}", err=True)
        sys.exit(2)
    score = int(check.score) if float(check.score).is_integer() else check.score
    if as_json:
        click.echo(json.dumps({"score": score, "tour": tour, "optimal": sol.optimal,
                               "seconds": round(sol.seconds, 3)}))
    else:
        click.echo(f"{inst.name}: score {score} ({'optimal' if sol.optimal else 'best found'}) "
                   f"in {sol.seconds:.2f} s")
        click.echo("tour: " + " ".join(map(str, tour)))
