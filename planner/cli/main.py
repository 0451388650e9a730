"""The ``planner`` command group: data, routing, calendar and itinerary commands.

The web server's ``serve`` joins them in :mod:`planner.main`, so this layer needs no web code.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from planner.cli.common import data_dir_option, print_problems, settings_for, start_logging
from planner.domain.errors import DataError


@click.group()
def main() -> None:
    """Route planner for Dongjiao Memory and the Chengdu Panda Base."""
    start_logging()


@main.command("check-data")
@data_dir_option
def check_data(data_dir: Path | None) -> None:
    """Load and validate the data; print what was loaded or every problem."""
    from planner.composition.services import load_logged_model
    from planner.routing.network import build_graph, summary

    settings = settings_for(data_dir)
    folder = settings.data_dir
    started = time.perf_counter()
    try:
        model = load_logged_model(settings)  # the feed's warnings go to standard error
    except DataError as exc:
        print_problems(exc)
        sys.exit(1)
    graph = build_graph(model)
    elapsed = time.perf_counter() - started
    counts = summary(graph)
    click.echo(f"Data in {folder}: valid.")
    click.echo(f"  sites: {len(model.sites)}  places: {len(model.places)}  events: {len(model.events)}"
               f"  shuttle stops: {len(model.shuttle.stops)}")
    click.echo(f"  GTFS: {len(model.feed.stops)} stops, {len(model.feed.routes)} routes, "
               f"{len(model.feed.trips)} trips")
    click.echo("  graph nodes: " + ", ".join(f"{k} {v}" for k, v in counts["nodes"].items()))
    click.echo("  graph edges: " + ", ".join(f"{k} {v}" for k, v in counts["edges"].items()))
    click.echo(f"  loaded in {elapsed:.2f} s")


@main.command("build-gtfs")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: data/gtfs of the bundled data).")
@click.option("--transit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Service assumptions (default: data/transit.yaml).")
@click.option("--metro", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Metro lines and stations (default: data/metro/cd.js).")
def build_gtfs(out: Path | None, transit: Path | None, metro: Path | None) -> None:
    """Build the GTFS feed of the metro and the feeders from data/metro and data/transit.yaml."""
    from planner.sources import gtfs_build

    written = gtfs_build.write_feed(out or gtfs_build.DEFAULT_OUT, transit or gtfs_build.TRANSIT_YAML,
                                    metro or gtfs_build.METRO_JS)
    click.echo(f"wrote {len(written)} files to {out or gtfs_build.DEFAULT_OUT}")


def _register_routing() -> None:
    from planner.cli.routing import compare, route
    from planner.cli.optw import optw_command

    main.add_command(route)
    main.add_command(compare)
    main.add_command(optw_command)


_register_routing()


def _register_calendar() -> None:
    from planner.cli.calendar import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_register_calendar()


def _register_shuttle() -> None:
    from planner.cli.shuttle import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_register_shuttle()
