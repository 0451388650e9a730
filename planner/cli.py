"""The ``planner`` command."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from .errors import DataError
from .paths import bundled_data_dir

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder with places.yaml, events.yaml, ... (default: the bundled data).",
)


@click.group()
def main() -> None:
    """Route planner for Dongjiao Memory and the Chengdu Panda Base."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@data_dir_option
def serve(host: str, port: int, data_dir: Path | None) -> None:
    """Start the web app."""
    from waitress import serve as waitress_serve

    from .web import create_app

    config = {"DATA_DIR": str(data_dir)} if data_dir else {}
    if host in ("127.0.0.1", "localhost", "::1") and "PLANNER_SESSION_COOKIE_SECURE" not in os.environ:
        config["SESSION_COOKIE_SECURE"] = False  # plain http on this machine: cookies must travel without TLS
    try:
        app = create_app(config)
    except DataError as exc:
        _print_problems(exc)
        sys.exit(1)
    click.echo(f"Database: {app.extensions['planner_db'].engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress_serve(app, host=host, port=port, threads=8)


@main.command("check-data")
@data_dir_option
def check_data(data_dir: Path | None) -> None:
    """Load and validate the data; print what was loaded or every problem."""
    from .loading import load_model
    from .network import build_graph, summary

    folder = data_dir or bundled_data_dir()
    started = time.perf_counter()
    try:
        model = load_model(folder)
    except DataError as exc:
        _print_problems(exc)
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
    for warning in model.feed.warnings:
        click.echo(f"  warning: {warning}")
    click.echo(f"  loaded in {elapsed:.2f} s")


def _register_routing() -> None:
    from .cli_routing import compare, route
    from .itinerary.cli import optw_command

    main.add_command(route)
    main.add_command(compare)
    main.add_command(optw_command)


_register_routing()


def _register_calendar() -> None:
    from .cli_calendar import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_register_calendar()


def _print_problems(exc: DataError) -> None:
    click.echo(f"{len(exc.problems)} problem(s) found:", err=True)
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
