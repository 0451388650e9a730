"""What each ``/api/*`` endpoint accepts: pydantic models with bounds and descriptions.

The models parse query strings and JSON bodies for the API and for the pages
that share them (``/journeys``, ``/compare``, ``/itinerary``); the OpenAPI
document (:mod:`planner.web.openapi`) is generated from them, so the docs and
the checks cannot drift apart. A value outside a bound is refused here, before
the core computes anything: a stranger's request costs at most one bounded plan.

Query strings: an empty value counts as absent (the forms send empty boxes),
unknown parameters are ignored. JSON bodies: unknown fields are refused, so a
misspelt field is not silently dropped.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args, get_origin

from flask import current_app, has_app_context

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StrictBool,
                      ValidationError, ValidationInfo, WithJsonSchema, field_validator)
from pydantic_core import PydanticCustomError

from planner.composition import Settings
from planner.domain.model import format_clock, parse_clock
from werkzeug.exceptions import RequestEntityTooLarge

#: Dates the planner answers for: wide enough for any timetable, narrow enough that date
#: arithmetic (the day before, the day after) never leaves Python's calendar.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
#: The latest clock time: a service day runs past midnight (GTFS times like 25:10), not for days.
LATEST_S = 30 * 3600

#: The depth :func:`json_depth` gives a text nested past Python's own parser's limit (about 1000).
DEEPER_THAN_PARSED = 1_000_000

# [0-9], not \d: \d would also match other scripts' digits in Python, unlike JSON Schema.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CLOCK_PATTERN = r"^(([01]?[0-9]|2[0-9]):[0-5][0-9](:[0-5][0-9])?|30:00(:00)?)$"
TAG_PATTERN = r"^[a-z0-9_-]{1,40}$"


def to_date(value: object) -> dt.date:
    """A ``YYYY-MM-DD`` text as a date within :data:`DATE_MIN`..:data:`DATE_MAX`.

    Examples
    --------
    >>> to_date("2024-02-12")
    datetime.date(2024, 2, 12)
    >>> to_date("9999-12-31")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: the date must lie within 2000-01-01..2099-12-31
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and re.fullmatch(DATE_PATTERN, value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("not_a_date", "not a date YYYY-MM-DD") from None
    else:
        raise PydanticCustomError("not_a_date", "not a date YYYY-MM-DD")
    if not DATE_MIN <= day <= DATE_MAX:
        raise PydanticCustomError("date_out_of_range", "the date must lie within {first}..{last}",
                                  {"first": DATE_MIN.isoformat(), "last": DATE_MAX.isoformat()})
    return day


def to_seconds(value: object) -> int:
    """Seconds after midnight of an ``HH:MM`` or ``HH:MM:SS`` text, at most 30:00.

    Examples
    --------
    >>> to_seconds("08:10"), to_seconds("25:10:05")
    (29400, 90605)
    >>> to_seconds("1000:00")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: not a time HH:MM between 00:00 and 30:00
    """
    if not isinstance(value, str) or not re.fullmatch(CLOCK_PATTERN, value):
        raise PydanticCustomError("not_a_time", "not a time HH:MM between 00:00 and {latest}",
                                  {"latest": format_clock(LATEST_S)})
    return parse_clock(value)


def current_limit(name: str) -> int:
    """The value of the setting ``name`` that bounds a request: the current app's, else its default.

    Examples
    --------
    >>> current_limit("plan_must_max")  # outside an app: the default
    30
    """
    if has_app_context():
        services = current_app.extensions.get("planner")
        if services is not None:
            return int(getattr(services.settings, name))
    return int(Settings.model_fields[name].default)


def setting_ceiling(name: str) -> int:
    """The highest value the setting ``name`` may take (its own ``le``): a model's fixed bound, so that
    any value of the setting fits inside it and the setting, read per request, is the bound that acts.

    Examples
    --------
    >>> setting_ceiling("plan_must_max")
    200
    """
    return next(int(m.le) for m in Settings.model_fields[name].metadata if getattr(m, "le", None) is not None)


def rounded_to(value: float, step: int) -> int:
    """``value`` rounded to the nearest multiple of ``step`` (halves up).

    Examples
    --------
    >>> rounded_to(849, 100), rounded_to(850, 100), rounded_to(29, 60), rounded_to(1e-320, 100)
    (800, 900, 0, 0)
    """
    return int(math.floor(value / step + 0.5)) * step


def json_depth(data: bytes, stop_at: int | None = None) -> int:
    """How deep a JSON text nests (arrays and objects), counted no further than ``stop_at`` + 1.

    Python's own JSON parser (C, linear) reads it: a text nested past its recursion limit counts
    as deeper than any limit; a text that is not JSON counts 0 (the request's parser says what is wrong).

    Examples
    --------
    >>> json_depth(b'{"a": [1, {"b": "[[["}]}'), json_depth(b"[" * 100_000, stop_at=16) > 16, json_depth(b"[1,")
    (3, True, 0)
    """
    try:
        value = json.loads(data)
    except RecursionError:
        return DEEPER_THAN_PARSED
    except ValueError:  # not JSON (nor UTF-8): nothing nests
        return 0
    depth, level = 0, [value]
    while True:
        containers = [v for v in level if isinstance(v, (list, dict))]
        if not containers:
            return depth
        depth += 1
        if stop_at is not None and depth > stop_at:
            return depth
        level = [inner for c in containers for inner in (c.values() if isinstance(c, dict) else c)]


def whole_metres(value: float) -> int:
    """A distance rounded to the metre: no walk limit is finer, and 1e-320 m is 0 m.

    Examples
    --------
    >>> whole_metres(799.6), whole_metres(1e-320)
    (800, 0)
    """
    return round(value)


Day = Annotated[dt.date, PlainValidator(to_date), WithJsonSchema(
    {"type": "string", "format": "date", "pattern": DATE_PATTERN,
     "description": f"YYYY-MM-DD, {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"})]
Clock = Annotated[int, PlainValidator(to_seconds), WithJsonSchema(
    {"type": "string", "pattern": CLOCK_PATTERN,
     "description": "HH:MM or HH:MM:SS, 00:00 to 30:00 (past 24:00: after midnight of the service day)"})]
#: A place id, a site id, a GTFS stop id or WGS84 ``lat,lon``; the core says which it is.
Endpoint = Annotated[str, Field(min_length=1, max_length=100)]
#: Metres; bounded (``journey_walk_max_m``, at most the setting's own bound here) and rounded to
#: ``journey_walk_step_m`` because each distinct limit costs a timetable build (up to ~2 s at 5 km).
WalkLimit = Annotated[float, Field(ge=0, le=setting_ceiling("journey_walk_max_m"),
                                   allow_inf_nan=False), AfterValidator(whole_metres)]
Lang = Literal["zh", "en"]
Pace = Literal["relaxed", "normal", "brisk"]


def _clock_default(text: str, description: str) -> Any:
    """A clock field whose default is ``text`` (shown as text in the docs, held as seconds)."""
    return Field(default=parse_clock(text), description=f"{description} Default {text}.",
                 json_schema_extra={"default": text})


class Budgeted(BaseModel):
    """A request model whose bounds are settings (:class:`planner.composition.Settings`), read per request.

    ``LIMITS`` maps a field to the setting bounding it: a list's length (``too_long``), a number's
    value (``less_than_equal``); ``STEPS`` a number field to the setting of the step it is rounded to.
    A fault names the setting (``limit``) and its value (``limit_value``); the OpenAPI document
    (:mod:`planner.web.openapi`) states the same values as ``maxItems``/``maximum`` and ``x-limit``.
    """

    LIMITS: ClassVar[Mapping[str, str]] = {}
    STEPS: ClassVar[Mapping[str, str]] = {}

    @field_validator("*")
    @classmethod
    def _within_budget(cls, value: Any, info: ValidationInfo) -> Any:
        name = cls.LIMITS.get(info.field_name or "")
        if value is None or isinstance(value, bool):
            return value
        if name is not None:
            limit = current_limit(name)
            if isinstance(value, list) and len(value) > limit:
                raise PydanticCustomError("too_long", "at most {max_length} items", {
                    "field_type": "List", "max_length": limit, "actual_length": len(value),
                    "limit": name, "limit_value": limit})
            if isinstance(value, (int, float)) and value > limit:
                raise PydanticCustomError("less_than_equal", "must be at most {le}",
                                          {"le": limit, "limit": name, "limit_value": limit})
        step = cls.STEPS.get(info.field_name or "")
        if step is not None and isinstance(value, (int, float)):
            return rounded_to(value, current_limit(step))
        return value


class QueryModel(Budgeted):
    """Base of the query-string models: read-only, the interface language beside every query."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    lang: Lang | None = Field(None, description="Language of names and messages: zh (default) or en.")


class PlacesQuery(QueryModel):
    """``GET /api/places``."""

    date: Day | None = Field(None, description="Opening hours on this date. Default: today in Chengdu.",
                             examples=["2024-02-12"])


class EventsQuery(QueryModel):
    """``GET /api/events``."""

    date: Day = Field(description="The day whose event sessions are listed.", examples=["2024-02-12"])


class NetworkQuery(QueryModel):
    """``GET /api/network.geojson``."""

    date: Day | None = Field(None, description="Hang that day's events on their venues.", examples=["2024-02-12"])


class JourneyQuery(QueryModel):
    """``GET /api/journeys`` (and the ``/journeys`` page): from, to, when, how."""

    LIMITS = {"max_walk_m": "journey_walk_max_m"}
    STEPS = {"max_walk_m": "journey_walk_step_m", "min_transfer_s": "journey_transfer_step_s"}

    from_: Endpoint = Field(alias="from", description="Where the journey starts: a place id, site id, "
                            "GTFS stop id or WGS84 'lat,lon'.", examples=["dongjiao-memory", "30.6540,104.0790"])
    to: Endpoint = Field(description="Where it ends, as for 'from'.", examples=["panda-south-gate"])
    from_latlon: Endpoint | None = Field(None, description="Typed 'lat,lon' that takes the place of 'from' (the form's box).")
    to_latlon: Endpoint | None = Field(None, description="Typed 'lat,lon' that takes the place of 'to'.")
    date: Day | None = Field(None, description="Travel date. Default: today in Chengdu.", examples=["2024-02-12"])
    arrive_by: Clock | None = Field(None, description="Arrive by this time (instead of 'depart').")
    depart: Clock | None = Field(None, validate_default=True, examples=["08:10"],
                                 description="Leave at this time; required unless 'arrive_by' is given.")
    shuttle: bool = Field(False, description="Include the proposed shuttle (1/0, true/false, on/off, yes/no).")
    max_walk_m: WalkLimit | None = Field(
        None, description="Longest walk between stops, metres, rounded to the nearest "
        "journey_walk_step_m (x-limits). Default: the network's own.")
    min_transfer_s: int | None = Field(None, ge=0, le=3600, description="Least time to change vehicles, seconds, "
                                       "rounded to the nearest journey_transfer_step_s (x-limits).")

    @field_validator("depart")
    @classmethod
    def _a_time_is_given(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("arrive_by") is None:
            raise PydanticCustomError("missing", "required, as HH:MM (or give arrive_by)")
        return value

    @property
    def when_s(self) -> int:
        """The time asked for: ``arrive_by`` when given, else ``depart`` (one of them is, see above)."""
        if self.arrive_by is not None:
            return self.arrive_by
        assert self.depart is not None, "validated: depart is required without arrive_by"
        return self.depart

    @property
    def origin(self) -> str:
        """What the journey starts from: typed coordinates first."""
        return self.from_latlon or self.from_

    @property
    def destination(self) -> str:
        return self.to_latlon or self.to


class CompareQuery(QueryModel):
    """``GET /api/compare`` (and the ``/compare`` page): every departure minute of a window."""

    from_: Endpoint = Field("dongjiao-memory", alias="from", description="Origin (place, site, stop or 'lat,lon').")
    to: Endpoint = Field("panda-south-gate", description="Destination, as for 'from'.")
    date: Day | None = Field(None, description="Date compared. Default: today in Chengdu.", examples=["2024-02-12"])
    # Without start and end: the shuttle's service hours that day (first to last departure, either
    # direction), else the whole day 06:00-23:00 (planner.routing.compare.service_window).
    start: Clock | None = Field(None, description="First departure minute. Default: the shuttle's first departure "
                                "that day (either direction), or 06:00 when it does not run.")
    end: Clock | None = Field(None, description="Last departure minute, after 'start'. Default: the shuttle's last "
                              "departure that day, or 23:00 when it does not run.")
    format: Literal["json", "csv"] = Field("json", description="json (default) or csv (every minute, both directions).")

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start")
        if start is not None and value is not None and value <= start:
            raise PydanticCustomError("not_after_start", "must be after {start}", {"start": format_clock(start)})
        return value


SHUTTLE_CHOICES = ("compare", "with", "without")


def shuttle_choice(value: object) -> str:
    """Which plans: ``compare``, ``with`` or ``without`` (``true``/``false`` mean with/without).

    Examples
    --------
    >>> shuttle_choice(True), shuttle_choice("compare")
    ('with', 'compare')
    """
    if isinstance(value, bool):
        return "with" if value else "without"
    if isinstance(value, str) and value in SHUTTLE_CHOICES:
        return value
    raise PydanticCustomError("not_a_shuttle_choice", "expected compare, with or without (or true/false)")


# One validator rather than a union: a union's faults would name its branches, not the field.
ShuttleChoice = Annotated[str, PlainValidator(shuttle_choice), WithJsonSchema(
    {"anyOf": [{"type": "string", "enum": list(SHUTTLE_CHOICES)}, {"type": "boolean"}]})]


class ItineraryRequest(Budgeted):
    """``POST /api/itineraries`` (and the ``/itinerary`` form): what a day should hold."""

    LIMITS = {"interests": "plan_interests_max", "must": "plan_must_max"}

    # One example for the whole body, none per field: each valid plan costs about a second, and
    # per-field examples would have the API fuzzing combine them into dozens of plans.
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"date": "2024-02-12", "start": "30.6540,104.0790", "start_time": "08:00", "end_time": "22:00",
         "interests": ["pandas"], "must": ["hello-su-dongpo-2024", "dj-standup-comedy-2024"], "meal": True,
         "taxi": False, "pace": "normal", "shuttle": "compare"}]})

    date: Day | None = Field(None, description="The day. Default: today in Chengdu.")
    start: Endpoint = Field(description="Where the day starts: a place or site id, or a hotel as 'lat,lon'.")
    end: Endpoint | None = Field(None, description="Where it ends. Default: back to the start.")
    start_time: Clock = _clock_default("08:00", "Leave no earlier than.")
    end_time: Clock = _clock_default("22:00", "Back by; after start_time.")
    interests: list[Annotated[str, Field(pattern=TAG_PATTERN)]] = Field(
        default_factory=list, max_length=setting_ceiling("plan_interests_max"),
        description="Tags the visitor likes (pandas, music, ...); at most plan_interests_max (x-limits).")
    must: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=setting_ceiling("plan_must_max"),
        description="Place or event ids the day must include; at most plan_must_max (x-limits).")
    meal: StrictBool = Field(True, description="Keep time for lunch.")
    taxi: StrictBool = Field(False, description="Taxis allowed between places.")
    pace: Pace = Field("normal", description="How long visits take: relaxed, normal or brisk.")
    shuttle: ShuttleChoice = Field(
        "compare", description="Plans with the proposed shuttle, without it, or both ('compare'); "
        "true and false mean with and without.")

    @field_validator("end_time")
    @classmethod
    def _after_start(cls, value: int, info: ValidationInfo) -> int:
        start = info.data.get("start_time")
        if start is not None and value <= start:
            raise PydanticCustomError("not_after_start", "must be after {start}", {"start": format_clock(start)})
        return value

    @classmethod
    def from_form(cls, args: Any) -> ItineraryRequest:
        """The request the ``/itinerary`` form (a query string) describes.

        The form differs from the JSON body as forms do: flags are ``1``/``on``
        or absent (lunch is then off), lists repeat their name, and a typed
        ``start_latlon`` takes the place of the chosen place.
        """
        data: dict[str, Any] = {k: args.get(k) for k in ("date", "start", "end", "start_time", "end_time", "pace")
                                if args.get(k)}
        if args.get("start_latlon"):
            data["start"] = args.get("start_latlon")
        data["interests"] = [v for v in args.getlist("interests") if v]
        data["must"] = [v for v in args.getlist("must") if v]
        data["meal"], data["taxi"] = _form_flag(args, "meal"), _form_flag(args, "taxi")
        if args.get("shuttle"):
            data["shuttle"] = args.get("shuttle")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RequestInvalid(exc.errors(include_url=False), json_body=False) from None


def _form_flag(args: Any, name: str) -> bool:
    return (args.get(name) or "").lower() in ("1", "true", "yes", "on")


class RequestInvalid(ValueError):
    """The faults of a request as pydantic lists them (``type``, ``loc``, ``msg``, ``ctx``).

    ``json_body``: their places are read as JSON paths of the body (``$.must[1]``),
    else as query parameters (``must[1]``). ``status``: 400, or 413/414 for a request over
    a size its budget states (the fault's ``ctx`` then names the setting: ``limit``, ``limit_value``).
    """

    def __init__(self, faults: Sequence[Mapping[str, Any]], json_body: bool, status: int = 400):
        self.faults = faults
        self.json_body = json_body
        self.status = status
        super().__init__("; ".join(f"{'.'.join(map(str, f.get('loc', ())))}: {f.get('msg')}" for f in faults))


Query = TypeVar("Query", bound=QueryModel)
Body = TypeVar("Body", bound=BaseModel)


def parse_query(model: type[Query], args: Any) -> Query:
    """``model`` from a query string (a werkzeug ``MultiDict``): empty values absent, lists repeated.

    Raises
    ------
    RequestInvalid
        Naming each parameter at fault and why.
    """
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if _is_list(field.annotation):
            data[key] = [v for v in args.getlist(key) if v != ""]
        elif args.get(key, "") != "":
            data[key] = args.get(key)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestInvalid(exc.errors(include_url=False), json_body=False) from None


def over_budget(code: str, message: str, limit: str, field: tuple[Any, ...] = (), *, json_body: bool = False,
                status: int = 400) -> RequestInvalid:
    """The fault of a request beyond the budget the setting ``limit`` states (its value read now).

    Examples
    --------
    >>> over_budget("body_too_large", "the body is over {limit_value} bytes", "max_json_bytes", status=413).faults
    [{'type': 'body_too_large', 'loc': (), 'msg': 'the body is over 65536 bytes', 'ctx': {'limit': 'max_json_bytes', 'limit_value': 65536}}]
    """
    value = current_limit(limit)
    return RequestInvalid([{"type": code, "loc": field, "msg": message.format(limit_value=value),
                            "ctx": {"limit": limit, "limit_value": value}}], json_body=json_body, status=status)


def parse_json(model: type[Body], request: Any) -> Body:
    """``model`` from a request's JSON body, read no further than the setting ``max_json_bytes``
    and nesting no deeper than ``max_json_depth``.

    pydantic's own JSON parser reads it: invalid JSON is a fault of ``$``, not an error of the server.

    Raises
    ------
    RequestInvalid
        Naming each fault by its JSON path; for a body over ``max_json_bytes`` with status 413,
        naming the setting and its value (also for a body sent without a length).
    """
    if not request.is_json:
        raise RequestInvalid([{"type": "not_json", "loc": (), "msg": "expected a JSON object"}], json_body=True)
    # per request (Flask 3.1): the app's own MAX_CONTENT_LENGTH is max_upload_bytes, for .ics uploads
    request.max_content_length = current_limit("max_json_bytes")
    try:
        data = request.get_data(cache=True)  # over the limit, with or without a length
    except RequestEntityTooLarge:
        raise over_budget("body_too_large", "the body is over {limit_value} bytes", "max_json_bytes",
                          json_body=True, status=413) from None
    depth_max = current_limit("max_json_depth")
    if json_depth(data, stop_at=depth_max) > depth_max:
        raise over_budget("json_too_deep", "the JSON nests deeper than {limit_value} levels", "max_json_depth",
                          json_body=True)
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise RequestInvalid(exc.errors(include_url=False), json_body=True) from None


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or any(get_origin(a) is list for a in get_args(annotation))


# --- shuttle scenarios (issue 12): one simulated day, a sweep

#: Replications of one simulated day at most: each is a whole day of buses and riders
#: (benchmarks/simulation.py: 30 in under 20 s), so 50 bounds one request to about half a minute.
REPLICATIONS_MAX = 50
#: Headways and fleets of a sweep at most, each: 7 x 7 = 49 plans.
SWEEP_GRID_MAX = 7
#: Replications per plan of a sweep at most: 49 plans x 20 = 980 simulated days on the queue.
SWEEP_REPLICATIONS_MAX = 20
SEED_MAX = 2**31 - 1


class ScenariosQuery(QueryModel):
    """``GET /api/scenarios`` and ``GET /api/scenarios/{id}``: names in the language asked for."""


class ScenarioSimulateRequest(BaseModel):
    """``POST /api/scenarios/{id}/simulate``: which day, how many replications, which seed."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"date": "2024-02-12", "replications": 2, "seed": 1}]})

    date: Day | None = Field(None, description="The day simulated (its day type, and the calendar's shows "
                             "of that day). Default: today in Chengdu.")
    replications: int = Field(10, ge=1, le=REPLICATIONS_MAX, description="Independent runs of the day; the "
                              f"metrics' 95% intervals come from them. 1 to {REPLICATIONS_MAX}.")
    seed: int = Field(1, ge=0, le=SEED_MAX, description="Run k uses the random stream (seed, k): the same "
                      "request gives the same answer.")


class SweepTargets(BaseModel):
    """What a plan must meet to be chosen."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    wait_p95_s: int = Field(900, ge=60, le=14400, description="95th-percentile wait at most, seconds.")
    left_behind: int = Field(0, ge=0, le=100000, description="Riders still waiting after the last bus, at most.")


class ScenarioSweepRequest(BaseModel):
    """``POST /api/scenarios/{id}/sweep``: every headway with every fleet size, simulated on the job queue."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"examples": [
        {"date": "2024-02-12", "headways_min": [15, 20, 30], "fleets": [3, 4, 5], "replications": 3,
         "targets": {"wait_p95_s": 900, "left_behind": 0}}]})

    date: Day | None = Field(None, description="The day simulated. Default: today in Chengdu.")
    headways_min: list[Annotated[int, Field(ge=1, le=120)]] = Field(
        min_length=1, max_length=SWEEP_GRID_MAX, description="Headways tried, minutes (every period's "
        f"headway replaced); 1 to {SWEEP_GRID_MAX} values.")
    fleets: list[Annotated[int, Field(ge=1, le=200)]] = Field(
        min_length=1, max_length=SWEEP_GRID_MAX, description=f"Fleet sizes tried; 1 to {SWEEP_GRID_MAX} values.")
    replications: int = Field(5, ge=1, le=SWEEP_REPLICATIONS_MAX,
                              description=f"Runs per plan, 1 to {SWEEP_REPLICATIONS_MAX}.")
    seed: int = Field(1, ge=0, le=SEED_MAX)
    targets: SweepTargets = Field(default_factory=lambda: SweepTargets.model_validate({}))
