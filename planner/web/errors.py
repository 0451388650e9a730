"""Every error mapped to an answer, once: one JSON shape under ``/api``, one HTML page elsewhere.

JSON (documented in the OpenAPI document as ``ErrorAnswer``)::

    {"error": {"code": "not_a_time", "message": "不是时间 ...", "field": "depart"}}

``code`` is for programs (the domain error's code, the pydantic fault's type,
or the HTTP error's name), ``message`` for people in the visitor's language,
``field`` the query parameter or JSON path at fault (or null). Several faults
add ``problems``; a conflict adds both versions (``current``, ``attempted``).

Statuses: a bad parameter 400 (a NUL byte in any field too), nothing of that
name 404, a stale edit or a key taken (two creates of one id at once) 409, a body too large 413, valid but impossible (no journey, data that fail their
checks) 422; more work than the server takes on now 503 with ``Retry-After``;
anything unforeseen 500, logged.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from planner.domain.errors import BadRequest, Busy, DataError, NotFound, PlannerError
from planner.messages import describe, fault
from planner.routing.journeys import NoJourney
from planner.store import Conflict, Taken
from planner.web.api_models import RequestInvalid
from planner.web.i18n.core import current_lang

log = logging.getLogger(__name__)

def words(code: str, lang: str, fallback: str = "", **values: Any) -> str:
    """The words of a fault ``code`` (pydantic's type, an HTTP error's name) in ``lang``, from the
    message catalogue (:func:`planner.messages.fault`); placeholders filled from ``values``.

    Examples
    --------
    >>> words("less_than_equal", "en", le=5000), words("missing", "zh")
    ('must be at most 5000', '必填')
    """
    return fault(code, lang, fallback, **values)


def wants_json() -> bool:
    """Whether this request is answered in JSON (the API, and anything named .json/.geojson)."""
    return request.path.startswith("/api/") or request.path.endswith((".json", ".geojson"))


def error_answer(status: int, code: str, message: str, field: str | None = None, **extra: Any) -> tuple[Response, int]:
    """The one JSON shape of every error (``extra`` joins ``error``: problems, versions ...)."""
    return jsonify({"error": {"code": code, "message": message, "field": field, **extra}}), status


def answer(status: int, code: str, message: str, field: str | None = None, **extra: Any) -> tuple[Response | str, int]:
    """The error as JSON under /api, as the error page elsewhere."""
    if wants_json():
        return error_answer(status, code, message, field, **extra)
    return render_template("error.html", status=status, message=message, field=field), status


def field_of(loc: tuple[Any, ...] | list[Any], json_body: bool) -> str | None:
    """A fault's place: a JSON path (``$.must[1]``) in a body, a parameter name (``must[1]``) in a query.

    Examples
    --------
    >>> field_of(("must", 1), True), field_of(("depart",), False), field_of((), True), field_of((), False)
    ('$.must[1]', 'depart', '$', None)
    """
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    if json_body:
        return "$" + path
    return path.lstrip(".") or None


def problems_of(faults: Sequence[Mapping[str, Any]], json_body: bool, lang: str) -> list[dict[str, Any]]:
    """Pydantic's faults as ``{"field", "code", "message"}``, in ``lang``; a fault beyond a budget
    adds the setting that states it and its value (``limit``, ``limit_value``)."""
    return [{"field": field_of(f.get("loc", ()), json_body), "code": f["type"],
             "message": words(f["type"], lang, f.get("msg", ""), **(f.get("ctx") or {})),
             **{key: (f.get("ctx") or {})[key] for key in ("limit", "limit_value") if key in (f.get("ctx") or {})}}
            for f in faults]


def _invalid(faults: Sequence[Mapping[str, Any]], json_body: bool, status: int = 400) -> tuple[Response | str, int]:
    problems = problems_of(faults, json_body, current_lang())
    first = problems[0]
    extra = {"problems": problems} if len(problems) > 1 else {}
    limits = {key: first[key] for key in ("limit", "limit_value") if key in first}
    return answer(status, first["code"], first["message"], first["field"], **limits, **extra)


def _described(exc: PlannerError) -> str:
    """A domain error in the visitor's language (its log line when the catalogue cannot say it)."""
    try:
        return describe(exc, current_lang())
    except Exception:  # noqa: BLE001 - an error page must not fail on its own words
        log.exception("no words for %r", exc)
        return str(exc)


def refuse_unstorable_text() -> None:
    """Refuse a request whose path, query or form holds a NUL byte: 400 naming the field.

    No field of the app means a NUL, and PostgreSQL cannot store one in text (psycopg refuses it): it is
    answered at the edge, the same on every database. (Invalid UTF-8, a lone surrogate's bytes, is
    decoded by werkzeug as U+FFFD and so reaches no view.) JSON bodies are checked by their models.
    """
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and "\x00" in value:
            raise BadRequest(name, "nul_character")
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            if "\x00" in name:
                raise BadRequest(name.replace("\x00", "\\0"), "nul_character")
            if "\x00" in value:
                raise BadRequest(name, "nul_character")


def init_errors(app: Flask) -> None:
    """Register the mapping of every error on ``app``."""
    app.before_request(refuse_unstorable_text)

    @app.errorhandler(RequestInvalid)
    def request_invalid(exc: RequestInvalid):
        return _invalid(exc.faults, exc.json_body, exc.status)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        """A model validated outside the request parsers: its places read as parameter names."""
        return _invalid(exc.errors(include_url=False), json_body=False)

    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest):
        return answer(400, getattr(exc, "code", "bad_request"), _described(exc), exc.field)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return answer(404, getattr(exc, "code", "not_found"), _described(exc), getattr(exc, "field", None))

    @app.errorhandler(NoJourney)
    def no_journey(exc: NoJourney):
        """Nothing goes between two points the request named (e.g. a day plan's start and end)."""
        return answer(422, getattr(exc, "code", "no_journey"), _described(exc), getattr(exc, "field", None))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict):
        """A save from a version that is no longer current: both versions, nothing overwritten."""
        if wants_json():
            return error_answer(409, getattr(exc, "code", "conflict"), _described(exc), None,
                                current_version=exc.current.version, current=exc.current.record,
                                attempted=exc.attempted)
        return render_template("staff/conflict.html", conflict=exc), 409

    @app.errorhandler(Taken)
    def taken(exc: Taken):
        """A key taken (by a write at the same moment, or before): 409, nothing written."""
        first = exc.problems[0].where if exc.problems else None
        return answer(409, exc.code, _described(exc), first,
                      **({"problems": [{"field": p.where, "message": p.message} for p in exc.problems]}
                         if wants_json() else {}))

    @app.errorhandler(DataError)
    def invalid(exc: DataError):
        first = exc.problems[0].where if exc.problems else None
        if wants_json():
            return error_answer(422, getattr(exc, "code", "invalid_data"), _described(exc), first, problems=[
                {"field": p.where, "message": p.message} for p in exc.problems])
        return answer(422, "invalid_data", "; ".join(map(str, exc.problems)), first)

    @app.errorhandler(Busy)
    def busy(exc: Busy):
        """More of this work than the server takes on now: 503, and when to ask again (RFC 9110 10.2.3)."""
        body, status = answer(503, exc.code, _described(exc), getattr(exc, "field", None),
                              limit=exc.params.get("limit"), limit_value=exc.params.get("limit_value"),
                              retry_after_s=exc.retry_after_s)
        response = body if isinstance(body, Response) else Response(body, mimetype="text/html")
        response.status_code = status
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.errorhandler(PlannerError)
    def planner_error(exc: PlannerError):
        """Any other error the core raises on purpose: the request cannot be done as asked."""
        log.warning("unmapped planner error: %r", exc)
        return answer(422, getattr(exc, "code", "planner_error"), _described(exc), getattr(exc, "field", None))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _http_answer(exc)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        """An unforeseen failure (Flask has logged it): the same shape, no details."""
        return _http_answer(exc)


def _http_answer(exc: HTTPException) -> Response | HTTPException:
    """A werkzeug HTTP error (404, 405, 413, bad JSON ...) in the one shape, keeping its headers (Allow)."""
    if exc.code is None or exc.code < 400:
        return exc  # redirects are answers, not errors
    code = "_".join((exc.name or "error").lower().replace("'", "").split())
    lang = current_lang()
    message = words(code, lang, exc.description or "")
    body, status = answer(exc.code, code, message)
    response = body if isinstance(body, Response) else Response(body, mimetype="text/html")
    response.status_code = status
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
