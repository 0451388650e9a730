"""What the ``planner`` commands share: options, the services over the chosen data and database, problems."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from planner.composition import Services, Settings, build_services, configure_logging
from planner.domain.errors import BadRequest, DataError, PlannerError
from planner.messages import describe

lang_option = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
    help="Language of reasons and errors (the web pages' catalogue).")

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


def start_logging() -> None:
    """Log to standard error as the settings say (``warning: ...`` lines; WARNING and up unless
    ``PLANNER_LOG_LEVEL`` is set). Exits 2 when the settings themselves are invalid."""
    try:
        configure_logging(Settings(), cli=True)
    except ValidationError as exc:  # a PLANNER_* variable out of range
        problems = "; ".join(f"PLANNER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise click.UsageError(f"invalid setting: {problems}") from None


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


def error_text(exc: PlannerError, lang: str = "en") -> str:
    """A domain error in words from the message catalogue; a wrong parameter after its name.

    Examples
    --------
    >>> error_text(BadRequest("depart", "not_a_gtfs_time", value="six"))
    "depart: not a time HH:MM:SS: 'six'"
    """
    message = describe(exc, lang)
    return f"{exc.field}: {message}" if isinstance(exc, BadRequest) else message
