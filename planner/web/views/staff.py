"""The staff calendar: week and month views, create, edit, duplicate, cancel, history, import, export.

Every view needs the ``staff`` role (admins too). Edits carry the version they
were made from; a stale one raises :class:`planner.store.Conflict`, which
:mod:`planner.web.errors` answers with a page showing both versions.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from pathlib import Path

from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request, url_for)
from flask_login import current_user
from werkzeug.utils import secure_filename

from planner.domain.errors import BadRequest, DataError, Problem
from planner.domain.model import TZ
from planner.domain.validation import YEARS, Invalid, aware_datetime
from planner.store import Conflict, Taken
from planner.store.ical import apply_import, export_calendar, plan_import, read_calendar
from planner.store.merge import Merge, merge_records
from planner.store.records import FIELDS, event_to_record
from planner.store.series_edits import cancel_session, move_session, split_series
from planner.web.views.auth import requires
from planner.web.presenters.event_forms import (FORM_FIELDS, chosen_form, form_from_record, local_input, local_iso,
                                                 record_from_form)
from planner.messages import calendar_name, joined, word
from planner.web.i18n.core import _, current_lang
from planner.web.links import query_of, url_with_query
from planner.web.api_models import DATE_MAX, DATE_MIN
from planner.web.params import parse_date, today
from planner.web.state import settings, state
from planner.web.downloads import disposition

bp = Blueprint("staff", __name__, url_prefix="/staff")
PER_DAY_IN_MONTH = 4
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), TZ)


def _venue_arg() -> str | None:
    venue = request.args.get("venue") or None
    if venue is not None and venue not in state().model.places:
        raise BadRequest("venue", "unknown_venue", value=venue)
    return venue


def _sessions_by_day(start: dt.date, end: dt.date, venue: str | None) -> dict[dt.date, list[dict]]:
    """The sessions from ``start`` to ``end`` (exclusive), listed on each day they touch."""
    lang, places = current_lang(), state().model.places
    days: dict[dt.date, list[dict]] = {}
    for event, occ in state().calendar.occurrences_between(_midnight(start), _midnight(end), venue):
        place = places.get(event.venue_id)
        item = {"id": event.id, "title": event.title(lang), "status": event.status,
                "time": _("All day") if event.all_day else f"{occ.start:%H:%M}–{occ.end:%H:%M}", "start": occ.start,
                "venue": place.name(lang) if place else event.venue_id}
        day = max(occ.start.date(), start)
        while day < end and _midnight(day) < occ.end:
            days.setdefault(day, []).append(item)
            day += dt.timedelta(days=1)
    return days


@bp.get("/")
@requires("staff")
def index():
    return redirect(url_with_query(".week", query_of(request.args)))


@bp.get("/week")
@requires("staff")
def week():
    day = parse_date(request.args.get("date"), default=today())
    venue = _venue_arg()
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    return render_template("staff/week.html", days=days, venue=venue, today=today(),
                           sessions=_sessions_by_day(monday, monday + dt.timedelta(days=7), venue),
                           previous=monday - dt.timedelta(days=7), next=monday + dt.timedelta(days=7),
                           venues=_venue_choices())


@bp.get("/month")
@requires("staff")
def month():
    first = _parse_month(request.args.get("month"))
    venue = _venue_arg()
    following = (first + dt.timedelta(days=32)).replace(day=1)
    grid_start = first - dt.timedelta(days=first.weekday())
    grid_end = following + dt.timedelta(days=(7 - following.weekday()) % 7)
    weeks = [[grid_start + dt.timedelta(days=w * 7 + d) for d in range(7)]
             for w in range((grid_end - grid_start).days // 7)]
    return render_template("staff/month.html", first=first, weeks=weeks, venue=venue, today=today(),
                           sessions=_sessions_by_day(grid_start, grid_end, venue), per_day=PER_DAY_IN_MONTH,
                           previous=(first - dt.timedelta(days=1)).replace(day=1), next=following,
                           venues=_venue_choices())


def _parse_month(value: str | None) -> dt.date:
    if not value:
        return today().replace(day=1)
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise BadRequest("month", "not_a_month", value=value) from None
    if not DATE_MIN <= first <= DATE_MAX:  # the pages' dates (9999-12's grid runs past the last date: was 500)
        raise BadRequest("month", "out_of_bounds", value=value, low=f"{DATE_MIN:%Y-%m}", high=f"{DATE_MAX:%Y-%m}")
    return first


SESSIONS_SHOWN = 12


@bp.get("/events/<event_id>")
@requires("staff")
def event(event_id: str):
    stored = state().calendar.get(event_id)
    first = parse_date(request.args.get("from"), default=today())
    since = _midnight(first)
    upcoming = stored.event.occurrences_between(since, since + dt.timedelta(days=366))[:SESSIONS_SHOWN]
    sessions = [{"occ": occ, "id": _recurrence_id(occ).isoformat(),
                 "moved": _recurrence_id(occ) != occ.start,
                 "status": getattr(occ, "status", None) or stored.event.status,
                 "start": local_input(occ.start), "end": local_input(occ.end)} for occ in upcoming]
    return render_template("staff/event.html", stored=stored, upcoming=upcoming, sessions=sessions,
                           first=first, history=list(reversed(state().calendar.history(event_id))),
                           place=state().model.places.get(stored.event.venue_id))


# --- one session of a series, and "this and following"


def _recurrence_id(occ) -> dt.datetime:
    """A session's original start (its own start before overrides existed)."""
    return getattr(occ, "recurrence_id", None) or occ.start


def _session(event, value: str | None):
    """The session of a recurring ``event`` that was to start at ``value`` (ISO), or BadRequest."""
    if not event.rrule and not getattr(event, "rdates", ()):
        raise BadRequest("session", "not_a_series")
    try:
        wanted = dt.datetime.fromisoformat(value or "")
    except ValueError:
        raise BadRequest("session", "no_such_session", value=value) from None
    if wanted.tzinfo is None or not YEARS[0] <= wanted.year <= YEARS[1]:  # no session at the calendar's ends
        raise BadRequest("session", "no_such_session", value=value)
    around = event.occurrences_between(wanted - dt.timedelta(days=8), wanted + dt.timedelta(days=8))
    for occ in around:
        if _recurrence_id(occ) == wanted:
            return occ
    raise BadRequest("session", "no_such_session", value=value)


def _times(form) -> tuple[dt.datetime, dt.datetime]:
    """A session's new start and end from a form (Chengdu local time unless an offset is typed)."""
    values = {}
    for name in ("start", "end"):
        try:
            values[name] = aware_datetime(local_iso(form.get(name, "")) or "")
        except (ValueError, Invalid) as exc:
            raise DataError([Problem(name, f"expected a date and time: {exc}")]) from None
    if values["end"] <= values["start"]:
        raise BadRequest("end", "must_be_after_start")
    return values["start"], values["end"]


def _opened(event_id: str, version: int) -> dict:
    """The record of the version the staff member's page showed (the current one, or from the history)."""
    stored = state().calendar.get(event_id)
    if stored.version == version:
        return stored.record
    for entry in state().calendar.history(event_id):
        if entry.version == version:
            return {**entry.record, "id": event_id}
    raise BadRequest("version", "missing_version")


def _series_change(event_id: str, change, note: str):
    """Apply ``change(record, event, occ)`` to the version the page showed and save it (merging when
    someone saved meanwhile): the session's override or exception, through the versioned store."""
    expected = _version(request.form.get("version"))
    record = _opened(event_id, expected)
    event = state().calendar.validate(record)
    occ = _session(event, request.form.get("session"))
    return _save_or_merge(event_id, change(record, occ), expected,
                          note=note.format(when=f"{_recurrence_id(occ).astimezone(TZ):%Y-%m-%d %H:%M}"),
                          sessions_from=min(occ.start, _recurrence_id(occ)).astimezone(TZ).date())


@bp.post("/events/<event_id>/sessions/cancel")
@requires("staff")
def cancel_one_session(event_id: str):
    return _series_change(event_id, lambda record, occ: cancel_session(record, _recurrence_id(occ)),
                          "cancelled the session of {when}")


@bp.post("/events/<event_id>/sessions/move")
@requires("staff")
def move_one_session(event_id: str):
    start, end = _times(request.form)
    if "overrides" not in FIELDS:
        raise BadRequest("session", "not_a_series")
    return _series_change(event_id, lambda record, occ: move_session(record, _recurrence_id(occ), start, end),
                          f"moved the session of {{when}} to {start.astimezone(TZ):%Y-%m-%d %H:%M}–"
                          f"{end.astimezone(TZ):%H:%M}")


@bp.post("/events/<event_id>/sessions/split")
@requires("staff")
def split_from_session(event_id: str):
    """"This and following": the series ends before the session; a new event continues from it with
    the new times (both saved as versions: the original's history names the new event)."""
    calendar = state().calendar
    start, end = _times(request.form)
    expected = _version(request.form.get("version"))
    stored = calendar.get(event_id)
    if stored.version != expected:  # a split is not merged: show both versions
        raise Conflict(stored, stored.record, expected, _opened(event_id, expected))
    occ = _session(stored.event, request.form.get("session"))
    rid = _recurrence_id(occ)
    if rid == stored.event.start:  # the first session: this and following is the whole series
        record = {**stored.record, "start": start.isoformat(), "end": end.isoformat()}
        return _save_or_merge(event_id, record, expected, note="this and following: the whole series")
    from dateutil.rrule import rrulestr

    before = len(rrulestr(stored.event.rrule, dtstart=stored.event.start).between(
        stored.event.start, rid, inc=True)) - 1 if stored.event.rrule else 0
    new_id = _free_id(f"{event_id}-from-{rid.astimezone(TZ):%Y%m%d}")
    original, continuation = split_series(stored.record, rid, start, end, new_id, before)
    # one transaction: if the new event cannot be written, the series is not cut either
    _cut, saved = calendar.split(event_id, original, expected, continuation, current_user.name, at=rid)
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(_event_page(saved.id, start.astimezone(TZ).date()))


def _free_id(base: str) -> str:
    calendar, candidate, n = state().calendar, base, 2
    while calendar.find(candidate) is not None:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@bp.route("/events/new", methods=["GET", "POST"])
@requires("staff")
def new_event():
    calendar = state().calendar
    if request.method == "GET":
        day = parse_date(request.args.get("date"), default=today())
        values = form_from_record({"start": f"{day}T19:30:00+08:00", "end": f"{day}T21:00:00+08:00",
                                   "status": "scheduled", "venue": request.args.get("venue", ""),
                                   "source": f"event staff ({current_user.name})"})
        return _form(None, values)
    record = record_from_form(request.form)
    try:
        event = calendar.validate({**record, "id": record.get("id") or "new-event"})
    except DataError as exc:
        return _form(None, request.form, errors=exc.problems), 422
    warnings = calendar.warnings(event)
    if warnings and not request.form.get("confirm"):
        return _form(None, request.form, warnings=warnings)
    try:
        saved = calendar.create(record, current_user.name)
    except DataError as exc:  # a Taken id (another request created it, perhaps at the same moment): 409
        return _form(None, request.form, errors=exc.problems), 409 if isinstance(exc, Taken) else 422
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(url_for(".event", event_id=saved.id))


@bp.route("/events/<event_id>/edit", methods=["GET", "POST"])
@requires("staff")
def edit_event(event_id: str):
    calendar = state().calendar
    stored = calendar.get(event_id)
    if request.method == "GET":
        return _form(stored, {**form_from_record(stored.record), "version": str(stored.version)})
    form, chosen = chosen_form(request.form)  # a conflict page's choices, when it comes from one
    record = {**record_from_form(form), **chosen, "id": event_id}
    expected = _version(request.form.get("version"))
    try:
        event = calendar.validate(record)
    except DataError as exc:
        return _form(stored, request.form, errors=exc.problems), 422
    known = set(calendar.warnings(stored.event))
    warnings = [w for w in calendar.warnings(event) if w not in known]
    if warnings and not request.form.get("confirm"):
        return _form(stored, request.form, warnings=warnings)
    return _save_or_merge(event_id, record, expected)


def _save_or_merge(event_id: str, record: dict, expected: int, action: str = "update", note: str | None = None,
                   sessions_from: dt.date | None = None):
    """Save ``record`` over version ``expected``; when someone saved since, merge field by field.

    Fields only one side changed merge and are saved at once (a flash names
    them); where both changed a field the conflict page shows both values with
    a choice per field, and nothing is saved until the editor chooses.
    """
    calendar = state().calendar
    try:
        saved = calendar.update(event_id, record, expected, current_user.name, action=action, note=note)
    except Conflict as exc:
        base, theirs = exc.base, exc.current.record
        mine = _canonical({**(base or theirs), **record})
        merge = merge_records(base, theirs, mine)
        if not merge.clean:
            return _conflict_page(exc, merge)
        try:
            saved = calendar.update(event_id, merge.record, exc.current.version, current_user.name, action=action,
                                    note=f"merged with version {exc.current.version} by {exc.current.updated_by}")
        except DataError as problems:
            return _conflict_page(exc, merge, problems=problems.problems)
        except Conflict as again:  # a third save in between: choose against that one
            return _conflict_page(again, merge_records(base, again.current.record, mine))
        fields = lambda names: joined(map(word_of_field, names), current_lang()) or "—"  # noqa: E731
        flash(_("Saved (version %(v)s), merged with the changes %(user)s saved meanwhile: theirs kept for "
                "%(theirs)s; yours for %(mine)s.", v=saved.version, user=exc.current.updated_by,
                theirs=fields(merge.theirs), mine=fields(merge.mine)), "ok")
        return redirect(_event_page(event_id, sessions_from))
    flash(_("Saved (version %(v)s).", v=saved.version) if saved.version != expected
          else _("Nothing changed."), "ok")
    return redirect(_event_page(event_id, sessions_from))


def _event_page(event_id: str, sessions_from: dt.date | None = None) -> str:
    """The staff event page, its sessions listed from ``sessions_from`` (today when None)."""
    page = url_for(".event", event_id=event_id)
    return f"{page}?from={sessions_from}#sessions" if sessions_from else page


def _canonical(record: dict) -> dict:
    """The record as the store would keep it (its RRULE's spelling, times as saved); as given when invalid."""
    try:
        return event_to_record(state().calendar.validate(record))
    except DataError:
        return record


def word_of_field(name: str) -> str:
    return word("field", name, current_lang())


def _conflict_page(exc: Conflict, merge: Merge, problems=None):
    """Both versions, field by field: what merged without asking, and a choice for each clash."""
    current = exc.current
    merged_form = form_from_record(merge.record)
    clashes = []
    for clash in merge.clashes:
        in_form = clash.field in FORM_FIELDS

        def encode(value, name: str = clash.field, in_form: bool = in_form) -> str:
            return form_from_record({name: value})[name] if in_form else json.dumps(value, ensure_ascii=False)

        clashes.append({"field": clash.field, "label": word_of_field(clash.field), "base": clash.base,
                        "theirs": clash.theirs, "mine": clash.mine, "in_form": in_form,
                        "theirs_value": encode(clash.theirs), "mine_value": encode(clash.mine)})
    return render_template("staff/conflict.html", conflict=exc, merge=merge, clashes=clashes,
                           merged_form={k: v for k, v in merged_form.items() if k != "id"},
                           merged_mine=joined(map(word_of_field, merge.mine), current_lang()),
                           merged_theirs=joined(map(word_of_field, merge.theirs), current_lang()),
                           sep=joined(["", ""], current_lang()),
                           problems=problems or [], current=current), 409


@bp.post("/events/<event_id>/cancel")
@requires("staff")
def cancel_event(event_id: str):
    saved = state().calendar.cancel(event_id, _version(request.form.get("version")), current_user.name)
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(url_for(".event", event_id=event_id))


@bp.post("/events/<event_id>/duplicate")
@requires("staff")
def duplicate_event(event_id: str):
    copy = state().calendar.duplicate(event_id, current_user.name)
    flash(_("Saved (version %(v)s).", v=copy.version), "ok")
    return redirect(url_for(".edit_event", event_id=copy.id))


@bp.post("/events/<event_id>/restore")
@requires("staff")
def restore_event(event_id: str):
    saved = state().calendar.restore(event_id, _version(request.form.get("restore")),
                                     _version(request.form.get("version")), current_user.name)
    flash(_("Saved (version %(v)s).", v=saved.version), "ok")
    return redirect(url_for(".event", event_id=event_id))


def _version(value: str | None) -> int:
    # a version is a row's integer column: 19 digits would overflow it (SQLite raised OverflowError)
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequest("version", "missing_version")
    return int(value)


def _venue_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Places grouped by site, for the venue select and filter."""
    model, lang = state().model, current_lang()
    return [(site.name(lang), sorted(((p.id, p.name(lang)) for p in model.places_of(site.id)),
                                     key=lambda pair: pair[1]))
            for site in model.sites.values()]


def _form(stored, values, errors=None, warnings=None):
    by_field: dict[str, list[str]] = {}
    for problem in errors or []:
        by_field.setdefault(problem.where, []).append(problem.message)
    return render_template("staff/form.html", stored=stored, values=values, errors=by_field,
                           warnings=warnings or [], venues=_venue_choices())


# --- iCalendar in and out


@bp.route("/import", methods=["GET", "POST"])
@requires("staff")
def import_ics():
    if request.method == "GET":
        return render_template("staff/import.html", venues=_venue_choices(), plan=None, report=None)
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if upload is None or not data:
        raise BadRequest("file", "no_file")
    filename = secure_filename(upload.filename or "") or "calendar.ics"
    default_venue = request.form.get("default_venue") or None
    calendar = state().calendar
    plan = plan_import(calendar, read_calendar(data, calendar.places, filename=filename,
                                               default_venue=default_venue))
    token = _keep_upload(data, {"filename": filename, "default_venue": default_venue,
                                "expected": {existing.id: existing.version for _, existing, _ in plan.changed}})
    return render_template("staff/import.html", venues=_venue_choices(), plan=plan, report=None, token=token,
                           filename=filename)


@bp.post("/import/<token>")
@requires("staff")
def apply_ics(token: str):
    kept = _load_upload(token)
    if kept is None:
        raise BadRequest("token", "import_expired")
    data, meta = kept
    calendar = state().calendar
    plan = plan_import(calendar, read_calendar(data, calendar.places, filename=meta["filename"],
                                               default_venue=meta["default_venue"]))
    report = apply_import(calendar, plan, current_user.name, note=f"imported from {meta['filename']}",
                          expected_versions=meta["expected"])
    _drop_upload(token)
    # the report's plan: planned again when the same file was imported at the same moment (then unchanged)
    return render_template("staff/import.html", venues=_venue_choices(), plan=report.plan, report=report,
                           filename=meta["filename"])


@bp.get("/export.ics")
@requires("staff")
def export_ics():
    body = export_calendar(state().calendar.all(), state().model.places, name=calendar_name(current_lang()),
                           lang=current_lang(),
                           event_url=lambda event_id: url_for("events.detail", event_id=event_id, _external=True))
    stamp = dt.datetime.now(TZ).strftime("%Y%m%d-%H%M")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": disposition(f"events-{stamp}.ics")})


def _imports_dir() -> Path:
    folder = settings().import_dir or Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_upload(data: bytes, meta: dict) -> str:
    """Keep an uploaded file between its preview and its import (a day at most)."""
    folder = _imports_dir()
    for old in folder.glob("*.ics"):
        if old.stat().st_mtime < time.time() - 86400:
            _drop_upload(old.stem)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.ics").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _load_upload(token: str) -> tuple[bytes, dict] | None:
    if not _TOKEN.match(token):
        return None
    folder = _imports_dir()
    try:
        return ((folder / f"{token}.ics").read_bytes(),
                json.loads((folder / f"{token}.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def _drop_upload(token: str) -> None:
    for suffix in (".ics", ".json"):
        (_imports_dir() / f"{token}{suffix}").unlink(missing_ok=True)
