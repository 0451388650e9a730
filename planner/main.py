"""The ``planner`` command: the CLI's commands and the web server's ``serve``, joined.

The one module above both the web layer and the CLI (see the import-linter
contracts in pyproject.toml): neither imports the other.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.cli.common import data_dir_option, print_problems
from planner.cli.main import main
from planner.composition import Settings, configure_logging
from planner.domain.errors import DataError

__all__ = ["main"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@data_dir_option
def serve(host: str, port: int, data_dir: Path | None) -> None:
    """Start the web app."""
    from waitress import serve as waitress_serve

    from planner.web import create_app

    config: dict = {"DATA_DIR": str(data_dir)} if data_dir else {}
    settings = Settings.from_overrides(config)
    configure_logging(settings)  # before the app is built: the feed's warnings are logged while it loads
    if host in ("127.0.0.1", "localhost", "::1") and "session_cookie_secure" not in settings.model_fields_set:
        config["SESSION_COOKIE_SECURE"] = False  # plain http on this machine: cookies must travel without TLS
    try:
        app = create_app(config)
    except DataError as exc:
        print_problems(exc)
        sys.exit(1)
    database = app.extensions["planner"].database
    click.echo(f"Database: {database.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress_serve(app, host=host, port=port, threads=8)


main.add_command(serve)
