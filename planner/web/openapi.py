"""The OpenAPI 3.1 document of ``/api/*``, made from the views' declared models, and its docs page.

A view declares what it takes and answers with :func:`documented`; the
document is assembled from those declarations and the models' own JSON
Schemas (pydantic), served at ``/api/openapi.json`` and rendered at
``/api/docs`` by Swagger UI, vendored under ``static/vendor/swagger-ui``
(no CDN: the docs work offline).

Why pydantic alone and these few lines rather than spectree or flask-openapi3:
pydantic (well kept, already a dependency) does the parsing and writes every
schema; what is left is laying them out as paths, ~100 lines. flask-openapi3
replaces Flask's app and blueprint classes (the app factory and every view
would move to it); spectree reads a body that is not JSON as ``{}`` (so "not
JSON" became "start: missing"), answers validation errors in its own shape,
validates every answer again at run time (the network GeoJSON on each call),
and loads its docs pages from a CDN. The error shape, the JSON paths of
faults, the forms that share the parsing and an offline page needed each of
those bent; here they are plain.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Callable, TypeVar

from flask import Blueprint, Flask, current_app, jsonify, render_template
from pydantic import BaseModel

from planner.composition import Settings
from planner.web.api_models import Budgeted
from planner.web.api_responses import ErrorAnswer
from planner.web.budgets import Budget, budgets_of

OPENAPI_VERSION = "3.1.0"
REF = "#/components/schemas/{model}"
ERROR_STATUS = {
    400: "A parameter or the body is wrong: 'field' names it (a query parameter, or a JSON path like $.must[1]).",
    401: "Not logged in (a write: log in at /login first).",
    403: "Logged in without the role this needs.",
    404: "No such thing.",
    413: "The body is over max_json_bytes (x-limits): 'limit' and 'limit_value' name it.",
    414: "The query string is over max_query_bytes (x-limits): 'limit' and 'limit_value' name it.",
    422: "Well formed but cannot be done (e.g. no journey between the day's start and end).",
    429: "This client asked more of this kind of work than its rate limit (x-limits, rate_limit_*): "
         "ask again after Retry-After seconds.",
    503: "Busy: more of this work than the server takes on now ('limit' names the setting reached); "
         "ask again after Retry-After seconds.",
}
#: What every answer of the API shares: the error shape, told once in the document's description.
DESCRIPTION = """\
Journeys, the shuttle comparison, day plans, places, events and the network of the
Dongjiao Memory · Panda Base route planner.

Every error answers `{"error": {"code": ..., "message": ..., "field": ...}}`: `code` is
snake_case for programs, `message` short words for people in the language of `?lang=`
(zh or en), `field` the query parameter or JSON path at fault (or null). Several faults at
once are listed in `error.problems`. Bad parameters answer 400, unknown things 404, a body
over {max_json_bytes} bytes 413, a query string over {max_query_bytes} bytes 414, a request that is
valid but cannot be done 422, more work than the server takes on now 503 with `Retry-After`.

Every operation states its budget in `x-limits`: each limit's setting (`name`, an environment
variable `PLANNER_<NAME>` of the server), its `value` on this server, what it `applies_to` and the
`status` beyond it. An answer beyond a limit names it: `error.limit` and `error.limit_value`.
"""

#: Headings of the docs page, by blueprint.
TAGS = {"api": "places, events and the network", "journeys": "journeys and the shuttle comparison",
        "itineraries": "day plans", "scenarios": "shuttle scenarios: simulation and sweeps"}

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    """What one API view takes and answers, for the document."""

    answer: type[BaseModel]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    media: tuple[str, ...] = ("application/json",)
    errors: tuple[int, ...] = (400,)
    extra_media: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: int = 200


def documented(answer: type[BaseModel], *, query: type[BaseModel] | None = None,
               body: type[BaseModel] | None = None, media: tuple[str, ...] = ("application/json",),
               errors: tuple[int, ...] = (400,), extra_media: dict[str, dict[str, Any]] | None = None,
               status: int = 200) -> Callable[[View], View]:
    """Declare an API view's models; its docstring gives the summary (first line) and description.

    Parameters
    ----------
    answer
        The model of a 200 answer.
    query, body
        The models the view parses its query string and JSON body with.
    media
        The 200 answer's media type(s), the first described by ``answer``.
    errors
        The error statuses it may answer, each with :class:`ErrorAnswer`.
    extra_media
        More 200 media types with their own schemas (e.g. ``text/csv``).
    status
        The status of a success (202 for work accepted onto the job queue).
    """
    def mark(view: View) -> View:
        # a mark on the view itself, read by build_document (mypy types no attributes on functions)
        view.openapi = Operation(answer, query, body, media, errors, dict(extra_media or {}), status)  # type: ignore[attr-defined]  # see above
        return view

    return mark


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every documented view of ``app``, its limits those of ``app``'s settings."""
    settings: Settings = app.extensions["planner"].settings
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operation = getattr(app.view_functions.get(rule.endpoint), "openapi", None)
        if operation is None:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            entry = _operation(rule.endpoint, view, operation, schemas, settings)
            if rule.arguments:  # /api/scenarios/<scenario_id>: OpenAPI's {scenario_id}, a path parameter
                entry["parameters"] = [{"name": name, "in": "path", "required": True,
                                        "schema": {"type": "string", "minLength": 1, "maxLength": 100}}
                                       for name in sorted(rule.arguments)] + entry.get("parameters", [])
            paths.setdefault(_openapi_path(rule.rule), {})[method.lower()] = entry
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Dongjiao Memory · Panda Base planner API", "version": _version(),
                 "description": DESCRIPTION.replace("{max_json_bytes}", str(settings.max_json_bytes))
                 .replace("{max_query_bytes}", str(settings.max_query_bytes))},
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def _openapi_path(flask_rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``<scenario_id>`` (or ``<string:scenario_id>``) as ``{scenario_id}``.

    Examples
    --------
    >>> _openapi_path("/api/scenarios/<scenario_id>/simulate"), _openapi_path("/api/jobs/<string:job_id>")
    ('/api/scenarios/{scenario_id}/simulate', '/api/jobs/{job_id}')
    """
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", flask_rule)


def _version() -> str:
    try:
        return version("dongjiao-panda-planner")
    except PackageNotFoundError:  # a checkout that was never installed
        return "0"


def _operation(endpoint: str, view: Callable[..., Any], operation: Operation, schemas: dict[str, Any],
               settings: Settings) -> dict[str, Any]:
    summary, _, description = (inspect.getdoc(view) or endpoint).partition("\n\n")
    ok = {media: {"schema": _ref(operation.answer, schemas)} for media in operation.media}
    ok.update(operation.extra_media)
    budgets = budgets_of(endpoint, operation.query, operation.body)
    statuses = sorted(set(operation.errors) | {b.status for b in budgets if b.status is not None})
    answer: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"), "summary": " ".join(summary.split()),
        "tags": [TAGS.get(endpoint.split(".")[0], endpoint.split(".")[0])],
        "responses": {str(operation.status): {"description": "OK" if operation.status == 200 else "Accepted",
                                              "content": ok}} | {
            str(status): _error_response(status, schemas) for status in statuses},
        "x-limits": [stated(budget, settings) for budget in budgets],
    }
    if description.strip():
        answer["description"] = description.strip()
    if operation.query is not None:
        answer["parameters"] = query_parameters(operation.query, schemas, settings)
    if operation.body is not None:
        answer["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _ref(operation.body, schemas)}}}
        _limit_body(operation.body, schemas, settings)
    return answer


def stated(budget: Budget, settings: Settings) -> dict[str, Any]:
    """A budget as ``x-limits`` lists it: the setting's ``name`` and its ``value`` in ``settings``."""
    out: dict[str, Any] = {"name": budget.setting, "value": getattr(settings, budget.setting),
                           "applies_to": budget.applies_to, "what": budget.what}
    if budget.status is not None:
        out["status"] = budget.status
    return out


def _error_response(status: int, schemas: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": ERROR_STATUS[status],
                                "content": {"application/json": {"schema": _ref(ErrorAnswer, schemas)}}}
    if status in (429, 503):
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before asking again.",
                                               "schema": {"type": "integer", "minimum": 1}}}
    return response


def _bound(prop: dict[str, Any], setting: str, settings: Settings) -> None:
    """``prop`` (a property's or parameter's schema) bounded by the value of ``setting``."""
    prop["maxItems" if prop.get("type") == "array" else "maximum"] = getattr(settings, setting)


def _limit_body(model: type[BaseModel], schemas: dict[str, Any], settings: Settings) -> None:
    """The body's schema bounded by the settings its model names (``Budgeted.LIMITS``)."""
    if not issubclass(model, Budgeted):
        return
    properties = schemas[model.__name__]["properties"]
    for field_name, setting in model.LIMITS.items():
        prop = properties[model.model_fields[field_name].alias or field_name]
        _bound(prop, setting, settings)
        prop["x-limit"] = setting


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    """A reference to ``model``'s schema, which (with the models it uses) joins ``schemas``."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def query_parameters(model: type[BaseModel], schemas: dict[str, Any], settings: Settings | None = None
                     ) -> list[dict[str, Any]]:
    """``model``'s fields as OpenAPI query parameters, bounded by ``settings`` where the model says so.

    A query value is text or absent, never null: the ``null`` branch pydantic
    gives optional fields is dropped, and so is their ``null`` default.
    """
    limits = {model.model_fields[f].alias or f: s for f, s in model.LIMITS.items()} if (
        settings is not None and issubclass(model, Budgeted)) else {}
    schema = model.model_json_schema(by_alias=True, ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _not_null(prop)
        prop.pop("title", None)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)  # ?must=a&must=b
        parameter["schema"] = prop
        if name in limits and settings is not None:
            _bound(prop, limits[name], settings)
            parameter["x-limit"] = limits[name]
        parameters.append(parameter)
    return parameters


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """``prop`` without the ``null`` alternative (and default) of an optional field."""
    prop = dict(prop)
    branches = prop.get("anyOf")
    if branches and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        del prop["anyOf"]
        if prop.get("default", 0) is None:
            del prop["default"]
        if len(rest) == 1:
            prop = {**rest[0], **prop}  # the field's own words win over its type's
        else:
            prop["anyOf"] = rest
    return prop


bp = Blueprint("docs", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi():
    """This document."""
    # the app itself, not the proxy, is the key of its extensions (current_app is typed as a Flask app)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy's method
    if "openapi" not in app.extensions:  # fixed once the views are registered: made once per app
        app.extensions["openapi"] = build_document(app)
    return jsonify(app.extensions["openapi"])


@bp.get("/docs")
def docs():
    """The document rendered by Swagger UI, from this server's own files."""
    return render_template("api_docs.html")
