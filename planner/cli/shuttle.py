"""Shuttle planning from the shell: ``planner scenario list|export``, ``planner simulate``,
``planner sweep`` and ``planner worker`` (an RQ worker for sweeps).

Scenarios are the database's (the web app's): ``--database-url``, else ``PLANNER_DATABASE_URL`` /
``DATABASE_URL``, else SQLite in the instance folder. A bad option value stops the command with a
message naming the option (exit 2); a failed sweep exits 1.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from planner.cli.common import database_option, services_for, settings_for
from planner.composition import Services

MAX_REPLICATIONS = 50  # as the API: 50 replications of a holiday take about half a minute
MAX_SWEEP_VALUES = 10  # headways or fleets: at most 100 points in one sweep
POLL_S = 0.2


def _services(database_url: str | None) -> Services:
    return services_for(None, database_url)


def _scenario(services: Services, ident: str, param: str = "SCENARIO"):
    """The stored scenario ``ident``, or a usage error naming the argument and the scenarios there are."""
    found = services.scenarios.find(ident)
    if found is None:
        known = ", ".join(s.id for s in services.scenarios.all())
        raise click.BadParameter(f"no scenario {ident!r} (there are: {known})", param_hint=param)
    return found


def _date(text: str | None, option: str, default: dt.date) -> dt.date:
    if text is None:
        return default
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint=f"'{option}'") from None
    if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
        raise click.BadParameter(f"{text} is outside 2000-01-01..2099-12-31", param_hint=f"'{option}'")
    return day


def _today() -> dt.date:
    from planner.domain.model import TZ

    return dt.datetime.now(TZ).date()


def _numbers(text: str, option: str, low: int, high: int, unit: str) -> list[int]:
    """Comma-separated whole numbers within ``low..high``, at most MAX_SWEEP_VALUES, each once, in order given.

    Examples
    --------
    >>> _numbers("10, 15,20", "--headways", 1, 120, "minutes")
    [10, 15, 20]
    """
    values: list[int] = []
    for part in text.split(","):
        try:
            value = int(part.strip())
        except ValueError:
            raise click.BadParameter(f"{part.strip()!r} is not a whole number of {unit}",
                                     param_hint=f"'{option}'") from None
        if not low <= value <= high:
            raise click.BadParameter(f"{value} is outside {low}..{high} {unit}", param_hint=f"'{option}'")
        if value not in values:
            values.append(value)
    if len(values) > MAX_SWEEP_VALUES:
        raise click.BadParameter(f"at most {MAX_SWEEP_VALUES} values, got {len(values)}", param_hint=f"'{option}'")
    return values


class _Progress:
    """A progress bar on standard error (click's, on a terminal); elsewhere (a log, a pipe) a line
    ``label: done/total`` each time it moves, since a bar redrawn in place means nothing there."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr) if sys.stderr.isatty() else None

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def to(self, done: int) -> None:
        if done == self.done:
            return
        if self.bar is not None:
            self.bar.update(done - self.done)
        else:
            click.echo(f"{self.label}: {done}/{self.total}", err=True)
        self.done = done


# --- planner scenario ...


@click.group("scenario")
def scenario_group() -> None:
    """Shuttle scenarios: list them, export one as a GTFS feed."""


@scenario_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the scenarios as JSON.")
@database_option
def scenario_list(as_json: bool, database_url: str | None) -> None:
    """Every scenario: id, version, name, fleet, departures per day type (* = the selected one)."""
    from planner.simulation.daytypes import DAY_TYPES
    from planner.simulation.scenario import DIRECTIONS

    services = _services(database_url)
    selected = services.scenarios.selected_id()
    rows: list[dict[str, Any]] = []
    for stored in services.scenarios.all():
        s = stored.scenario
        rows.append({
            "id": s.id, "version": stored.version, "selected": s.id == selected, "name_zh": s.name_zh,
            "name_en": s.name_en, "stops": len(s.stops), "fleet_size": s.fleet_size,
            "capacity_passengers": s.capacity_passengers, "fare_cny": s.fare_cny,
            "departures": {day: {d: len(s.departures_s(day, d)) for d in DIRECTIONS} for day in DAY_TYPES},
            "updated_at": stored.updated_at.isoformat(timespec="seconds"), "updated_by": stored.updated_by,
        })
    if as_json:
        click.echo(json.dumps({"scenarios": rows}, ensure_ascii=False))
        return
    for row in rows:
        trips = " ".join(f"{day} {sum(n.values())}" for day, n in row["departures"].items())
        click.echo(f"{'*' if row['selected'] else ' '} {row['id']} v{row['version']}  {row['name_en']}  "
                   f"fleet {row['fleet_size']}, {row['capacity_passengers']} seats; trips: {trips}")


@scenario_group.command("export")
@click.argument("scenario")
@click.option("--gtfs", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The GTFS feed to write (a .zip).")
@click.option("--from", "first", default=None, help="First service date YYYY-MM-DD (default: today in Chengdu).")
@click.option("--to", "last", default=None, help="Last service date YYYY-MM-DD (default: a year after --from).")
@database_option
def scenario_export(scenario: str, out: Path, first: str | None, last: str | None, database_url: str | None) -> None:
    """Write SCENARIO's timetable as a GTFS feed (calendar by day type, holidays as exceptions)."""
    from planner.simulation.gtfs_export import scenario_to_gtfs

    start = _date(first, "--from", _today())
    end = _date(last, "--to", start + dt.timedelta(days=364))
    if end < start:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="'--to'")
    if (end - start).days > 366 * 3:  # a feed's calendar_dates lists holidays: three years is plenty
        raise click.BadParameter("at most three years after --from", param_hint="'--to'")
    stored = _scenario(_services(database_url), scenario)
    data = scenario_to_gtfs(stored.scenario, start, end)
    out.write_bytes(data)
    click.echo(f"wrote {out} ({len(data)} bytes): scenario {stored.id} version {stored.version}, {start} to {end}")


# --- planner simulate


@click.command("simulate")
@click.argument("scenario")
@click.option("--date", "day", default=None, help="The day YYYY-MM-DD (default: today in Chengdu); its day type "
              "(weekday, weekend, holiday) and calendar shows set the demand.")
@click.option("--replications", type=click.IntRange(1, MAX_REPLICATIONS), default=10, show_default=True,
              help="Simulated days; the 95% intervals come from them.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=1, show_default=True,
              help="Replication k draws from numpy's default_rng([seed, k]): the same seed, the same answer.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
@database_option
def simulate_command(scenario: str, day: str | None, replications: int, seed: int, as_json: bool,
                     database_url: str | None) -> None:
    """Simulate a day of SCENARIO: waiting, crowding, left behind, cost, minutes saved against transit."""
    from planner.composition.simulation import simulation_request
    from planner.simulation.simulate import simulate
    from planner.simulation.sweep import simulation_result_to_record

    when = _date(day, "--date", _today())
    services = _services(database_url)
    stored = _scenario(services, scenario)
    request = simulation_request(services.journeys, services.model.events_on, services.model.places,
                                 stored.scenario, when, replications, seed)
    with _Progress("replications", replications) as bar:
        result = simulate(request, progress=lambda done, total: bar.to(done))
    if as_json:
        record = simulation_result_to_record(result)
        click.echo(json.dumps({"scenario": stored.id, "version": stored.version, "date": when.isoformat(),
                               **record}, ensure_ascii=False))
        return
    click.echo(f"{stored.id} v{stored.version} on {when} ({result.day_type}), {result.replications} replications, "
               f"seed {result.seed}: mean [95% interval]")
    for name, estimate in result.metrics.items():
        click.echo(f"  {name:26s} {estimate.mean:12.1f}  [{estimate.low:.1f}, {estimate.high:.1f}]")


# --- planner sweep


def _wait(services: Services, sweep_id: str, total: int) -> Any:
    """Poll the sweep until it ends, a progress bar on standard error; its last status."""
    hinted = False
    started = time.monotonic()
    with _Progress("sweep points", total) as bar:
        while True:
            status = services.queue.status(sweep_id)
            bar.to(status.done)
            if status.state in ("finished", "failed"):
                return status
            if services.settings.redis_url and status.state == "queued" and not hinted \
                    and time.monotonic() - started > 5:
                click.echo("\nqueued on Redis: start workers with `planner worker`", err=True)
                hinted = True
            time.sleep(POLL_S)


@click.command("sweep")
@click.argument("scenario")
@click.option("--headways", required=True, help="Headways to try, minutes, comma-separated (e.g. 10,15,20).")
@click.option("--fleets", required=True, help="Fleet sizes to try, comma-separated (e.g. 3,4,5).")
@click.option("--date", "day", default=None, help="The day YYYY-MM-DD (default: today in Chengdu).")
@click.option("--replications", type=click.IntRange(1, MAX_REPLICATIONS), default=10, show_default=True,
              help="Simulated days per point.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=1, show_default=True, help="As for simulate.")
@click.option("--wait-p95-min", type=click.IntRange(1, 240), default=15, show_default=True,
              help="Target: the 95th-percentile wait at most this many minutes.")
@click.option("--left-behind", type=click.IntRange(0, 100_000), default=0, show_default=True,
              help="Target: at most this many passengers left behind at the end of the day.")
@click.option("--json", "as_json", is_flag=True, help="Print the sweep's result as JSON.")
@database_option
def sweep_command(scenario: str, headways: str, fleets: str, day: str | None, replications: int, seed: int,
                  wait_p95_min: int, left_behind: int, as_json: bool, database_url: str | None) -> None:
    """Simulate SCENARIO at every headway x fleet and name the cheapest plan that meets the targets.

    The points run on the job queue: RQ workers (`planner worker`) when PLANNER_REDIS_URL is set,
    else a local pool of PLANNER_JOB_WORKERS processes.
    """
    from planner.composition.simulation import simulation_request
    from planner.simulation.sweep import Targets, sweep_tasks

    headways_min = _numbers(headways, "--headways", 1, 120, "minutes")
    fleet_sizes = _numbers(fleets, "--fleets", 1, 200, "vehicles")
    when = _date(day, "--date", _today())
    services = _services(database_url)
    stored = _scenario(services, scenario)
    targets = Targets(wait_p95_s=wait_p95_min * 60, left_behind=left_behind)
    request = simulation_request(services.journeys, services.model.events_on, services.model.places,
                                 stored.scenario, when, replications, seed)
    tasks = sweep_tasks(request, [m * 60 for m in headways_min], fleet_sizes, targets)
    sweep_id = services.queue.submit_sweep(tasks, targets)
    status = _wait(services, sweep_id, len(tasks))
    if status.state == "failed":
        raise click.ClickException(f"sweep {sweep_id} failed: {status.error}")
    result = status.result
    if as_json:
        click.echo(json.dumps({"scenario": stored.id, "version": stored.version, "date": when.isoformat(),
                               "job": sweep_id, **result}, ensure_ascii=False))
        return
    click.echo(f"{stored.id} v{stored.version} on {when}, {replications} replications per point; targets: "
               f"95th-percentile wait <= {wait_p95_min} min, left behind <= {left_behind}")
    click.echo(f"  {'headway':>7s} {'fleet':>5s} {'needs':>5s} {'wait p95':>8s} {'left':>6s} {'cost CNY':>9s}  meets")
    for point in result["points"]:
        m = point["metrics"]
        click.echo(f"  {point['headway_s'] // 60:5d} m {point['fleet']:5d} {point['min_fleet']:5d} "
                   f"{m['wait_p95_s']['mean'] / 60:6.1f} m {m['left_behind']['mean']:6.1f} {point['cost_cny']:9.0f}  "
                   f"{'yes' if point['meets'] else 'no'}")
    best = result["best"]
    click.echo(f"best: every {best['headway_s'] // 60} min with {best['fleet']} vehicles" if best
               else "best: none of these meets the targets")


# --- planner worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--max-jobs", type=click.IntRange(1), default=None, help="Stop after this many points.")
def worker_command(burst: bool, max_jobs: int | None) -> None:
    """Run an RQ worker for sweeps on PLANNER_REDIS_URL (or REDIS_URL); start as many as there are CPUs to spare."""
    from planner.composition.jobs import run_worker

    url = settings_for().redis_url
    if not url:
        raise click.UsageError("no Redis: set PLANNER_REDIS_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0")
    run_worker(url, burst=burst, max_jobs=max_jobs)


COMMANDS = [scenario_group, simulate_command, sweep_command, worker_command]
