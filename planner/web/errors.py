"""Maps the core's domain errors to answers, once: JSON under /api, HTML elsewhere."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request

from planner.domain.errors import BadRequest, DataError, NotFound, in_lang
from planner.store import Conflict
from planner.web.i18n.core import current_lang, translate


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith((".json", ".geojson"))


def _answer(status: int, message: str, field: str | None = None):
    if _wants_json():
        body = {"error": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    return render_template("error.html", status=status, message=in_lang(message, current_lang()), field=field), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest):
        return _answer(400, exc.message, exc.field)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return _answer(404, str(exc))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict):
        """A save from a version that is no longer current: both versions, nothing overwritten."""
        if _wants_json():
            return jsonify({"error": str(exc), "current_version": exc.current.version,
                            "current": exc.current.record, "attempted": exc.attempted}), 409
        return render_template("staff/conflict.html", conflict=exc), 409

    @app.errorhandler(DataError)
    def invalid(exc: DataError):
        if _wants_json():
            return jsonify({"error": str(exc), "problems": [
                {"field": p.where, "message": p.message} for p in exc.problems]}), 422
        return _answer(422, "; ".join(map(str, exc.problems)), exc.problems[0].where if exc.problems else None)

    @app.errorhandler(404)
    def no_such_page(exc):
        return _answer(404, "no such page" if _wants_json() else translate("no_such_page"))
