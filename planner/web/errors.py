"""Maps the core's domain errors to answers, once: JSON under /api, HTML elsewhere."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request

from ..errors import BadRequest, NotFound


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith((".json", ".geojson"))


def _answer(status: int, message: str, field: str | None = None):
    if _wants_json():
        body = {"error": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, field=field), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest):
        return _answer(400, exc.message, exc.field)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return _answer(404, str(exc))

    @app.errorhandler(404)
    def no_such_page(exc):
        return _answer(404, "no such page")
