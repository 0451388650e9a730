"""What the ``planner`` commands share: options, the services over the chosen data and database, problems."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from planner.composition import Services, Settings, build_services
from planner.domain.errors import DataError

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder with places.yaml, events.yaml, ... (default: the bundled data).",
)
database_option = click.option(
    "--database-url", default=None,
    help="Database URL (default: PLANNER_DATABASE_URL, DATABASE_URL, else SQLite in the instance folder).")


def settings_for(data_dir: Path | None = None, database_url: str | None = None, **more: Any) -> Settings:
    """The environment's settings with the command's options on top."""
    overrides: dict[str, Any] = dict(more)
    if data_dir:
        overrides["data_dir"] = data_dir
    if database_url:
        overrides["database_url"] = database_url
    return Settings.from_overrides(overrides)


def services_for(data_dir: Path | None = None, database_url: str | None = None, *,
                 with_database: bool = True) -> Services:
    """The services the web app uses (model, calendar, accounts) over the chosen data and database.

    Exits 1, listing every problem, when the data fail validation.
    """
    try:
        return build_services(settings_for(data_dir, database_url), with_database=with_database)
    except DataError as exc:
        print_problems(exc)
        sys.exit(1)


def print_problems(exc: DataError) -> None:
    click.echo(f"{len(exc.problems)} problem(s) found:", err=True)
    for problem in exc.problems:
        click.echo(f"  {problem}", err=True)
