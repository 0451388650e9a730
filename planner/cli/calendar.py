"""The calendar's commands: accounts, the database's migrations, iCalendar import and export.

They use the database the web app uses: ``--database-url``, else
``PLANNER_DATABASE_URL`` / ``DATABASE_URL``, else SQLite in the instance folder.
"""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from planner.domain.errors import BadRequest, NotFound
from planner.cli.common import data_dir_option, database_option, error_text, services_for, settings_for
from planner.composition import Services
from planner.store import ROLES

def _state(data_dir: Path | None, database_url: str | None) -> Services:
    """The services (model, calendar, accounts) over the chosen data and database, migrated and seeded."""
    return services_for(data_dir, database_url)


def _new_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True,
              help="staff: events; planner: shuttle scenarios; admin: accounts (and everything).")
@database_option
def create_user(name: str, role: str, database_url: str | None) -> None:
    """Create an account NAME; prompts for its password (10 characters at least)."""
    accounts = _state(None, database_url).accounts
    try:
        accounts.create(name, _new_password(), role)
    except BadRequest as exc:
        raise click.ClickException(error_text(exc)) from None
    click.echo(f"Created {role} account {name!r}. Log in at /login.")


@click.command("set-password")
@click.argument("name")
@database_option
def set_password(name: str, database_url: str | None) -> None:
    """Give account NAME a new password (prompted); its open sessions end."""
    accounts = _state(None, database_url).accounts
    try:
        accounts.set_password(name, _new_password())
    except (BadRequest, NotFound) as exc:
        raise click.ClickException(error_text(exc)) from None
    click.echo(f"New password set for {name!r}.")


@click.group("db")
def db() -> None:
    """The database's schema (Alembic migrations); `planner serve` upgrades it on start too."""


def _engine(database_url: str | None):
    from planner.store import database_url as resolve
    from planner.store.db import make_engine

    settings = settings_for(database_url=database_url)  # the same database as the app's
    return make_engine(resolve(settings.database_url, settings.instance_dir))


@db.command("upgrade")
@click.argument("revision", default="head")
@database_option
def db_upgrade(revision: str, database_url: str | None) -> None:
    """Apply the migrations up to REVISION (default: all)."""
    from planner.store.db import upgrade

    _migrate(upgrade, revision, database_url)


@db.command("downgrade")
@click.argument("revision")
@database_option
def db_downgrade(revision: str, database_url: str | None) -> None:
    """Undo the migrations after REVISION ('base': all of them, dropping the tables)."""
    from planner.store.db import downgrade

    _migrate(downgrade, revision, database_url)


def _migrate(step, revision: str, database_url: str | None) -> None:
    from planner.store.db import current_revision

    engine = _engine(database_url)
    step(engine, revision)
    click.echo(f"{engine.url.render_as_string(hide_password=True)}: at revision {current_revision(engine)}")


@db.command("current")
@database_option
def db_current(database_url: str | None) -> None:
    """Print the database's revision and the newest one."""
    from planner.store.db import current_revision, head_revision

    engine = _engine(database_url)
    click.echo(f"{engine.url.render_as_string(hide_password=True)}: at revision {current_revision(engine)} "
               f"(newest: {head_revision()})")


@click.group("events")
def events() -> None:
    """The event calendar as iCalendar files."""


@events.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and report, save nothing.")
@click.option("--venue", default=None, help="Place id for events whose LOCATION names no place of the planner.")
@click.option("--user", default=None, help="Name recorded in the history (default: cli:<login name>).")
@data_dir_option
@database_option
def import_events(file: Path, dry_run: bool, venue: str | None, user: str | None, data_dir: Path | None,
                  database_url: str | None) -> None:
    """Import FILE.ics: new events are added, known UIDs updated; each rejected item is listed with
    its reasons (and the command exits 1)."""
    from planner.store.ical import import_calendar

    planner = _state(data_dir, database_url)
    if venue is not None and venue not in planner.model.places:
        raise click.BadParameter(f"no place {venue!r}", param_hint="--venue")
    report = import_calendar(planner.calendar, file.read_bytes(), filename=file.name,
                             user=user or f"cli:{getpass.getuser()}", dry_run=dry_run, default_venue=venue)
    plan = report.plan
    click.echo(report.summary())
    for candidate in plan.new:
        click.echo(f"  new: {candidate.event.id}  {candidate.event.start:%Y-%m-%d %H:%M}  {candidate.event.title_en}")
    for candidate, existing, diff in plan.changed:
        click.echo(f"  changed: {existing.id} ({', '.join(field for field, _, _ in diff)})")
    rejected = plan.rejected + report.conflicts
    for item in rejected:
        click.echo(f"  rejected: {item.item}: {'; '.join(item.reasons)}", err=True)
    if rejected:
        sys.exit(1)


@events.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--venue", default=None, help="Only this place's events.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of SUMMARY and DESCRIPTION (both languages ride along in X-PLANNER- properties).")
@data_dir_option
@database_option
def export_events(file: Path | None, venue: str | None, lang: str, data_dir: Path | None,
                  database_url: str | None) -> None:
    """Export every event (cancelled ones too) as iCalendar to FILE, or to standard output."""
    from planner.messages import calendar_name
    from planner.store.ical import export_calendar

    planner = _state(data_dir, database_url)
    stored = planner.calendar.all(venue)
    body = export_calendar(stored, planner.model.places, name=calendar_name(lang), lang=lang)
    if file is None:
        click.echo(body, nl=False)
    else:
        file.write_bytes(body)
        click.echo(f"{len(stored)} event(s) written to {file}")


@events.command("refresh-sessions")
@data_dir_option
@database_option
def refresh_sessions(data_dir: Path | None, database_url: str | None) -> None:
    """Rebuild the stored sessions of every event under the current settings (run it after changing
    PLANNER_MAX_SESSIONS_PER_SERIES, then restart the server: stored sessions are not rebuilt on start)."""
    from planner.domain.recurrence import max_sessions

    planner = _state(data_dir, database_url)
    count, series, rows = planner.calendar.refresh_sessions()
    click.echo(f"Rebuilt the sessions of {count} event(s), {series} of them series: {rows} session row(s) written "
               f"(at most {max_sessions()} sessions per series).")


COMMANDS = (create_user, set_password, db, events)
