"""What each ``/api/*`` endpoint answers, as pydantic models: the OpenAPI document's response schemas.

The views build their JSON from the core's results as before; these models
only describe it (the API fuzzing test checks every answer against them), so
answering costs no second validation. Times are ISO 8601 with the +08:00
offset, durations integer seconds, distances metres, money yuan (CNY).
Objects may carry more keys than listed.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from planner.routing.compare import SERIES


class Problem(BaseModel):
    """One fault of a request or of data."""

    field: str | None = Field(description="The parameter, JSON path or data field at fault.")
    message: str
    code: str | None = None
    limit: str | None = Field(None, description="Beyond a budget: the setting that states it (x-limits).")
    limit_value: float | None = Field(None, description="That setting's value.")


class ErrorDetail(BaseModel):
    """What went wrong, in the visitor's language (``?lang=``)."""

    code: str = Field(description="Machine-readable, snake_case: e.g. missing, not_a_date, not_a_time, "
                      "not_found, no_journey, not_json, method_not_allowed, request_entity_too_large.")
    message: str = Field(description="For people, short, in the visitor's language.")
    field: str | None = Field(description="The query parameter (e.g. 'depart') or JSON path (e.g. '$.must[1]') "
                              "at fault; null when the request as a whole is.")
    problems: list[Problem] | None = Field(None, description="Every fault, when there are several.")
    limit: str | None = Field(None, description="Beyond a budget (413, 414, 429, 503 and some 400): the "
                              "setting that states it, as the operation's x-limits name it.")
    limit_value: float | str | None = Field(None, description="That setting's value (429: a rate such as "
                                            "'20 per 1 minute').")
    retry_after_s: int | None = Field(None, description="429 and 503: ask again after this many seconds (also "
                                      "the Retry-After header).")


class ErrorAnswer(BaseModel):
    """Every error of the API has this shape (4xx)."""

    error: ErrorDetail


# --- places, events, the network


class Hours(BaseModel):
    open: str
    close: str
    last_entry: str


class SiteInfo(BaseModel):
    id: str
    name: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    price_cny: float | None
    source: str | None
    assumption: str | None


class PlaceInfo(BaseModel):
    id: str
    kind: str = Field(description="gate, attraction, venue or spot.")
    site: str
    site_name: str
    name: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    hours_on_date: Hours | None = Field(description="Opening on the query's date (the site's hours where the "
                                       "place has none of its own). Null: closed that day, or outside the "
                                       "place's own dates (an exhibition hall after its exhibition).")
    date: str
    visit_min: int
    price_cny: float | None
    tags: list[str]
    source: str | None
    assumption: str | None
    amap_url: str


class PlacesAnswer(BaseModel):
    date: str
    sites: list[SiteInfo]
    places: list[PlaceInfo]


class Session(BaseModel):
    """One session of an event on the day."""

    id: str
    title: str
    title_zh: str
    title_en: str
    description: str
    venue: str
    venue_name: str
    site: str
    start: str
    end: str
    all_day: bool = Field(description="An all-day event (RFC 5545 DTSTART;VALUE=DATE): start and end are the "
                          "midnights of its days, to be shown as 'all day', not as times.")
    status: str = Field(description="scheduled, cancelled or sold_out.")
    price_cny: float | None
    capacity: int | None
    tags: list[str]
    source: str | None
    assumption: str | None


class EventsAnswer(BaseModel):
    date: str
    events: list[Session]


class Geometry(BaseModel):
    type: Literal["Point", "LineString"]
    coordinates: list[Any] = Field(description="[lon, lat] (RFC 7946 order), or a list of them.")


class FeatureProperties(BaseModel):
    layer: Literal["site", "place", "stop", "line", "shuttle", "shuttle_stop"]
    id: str
    name: str


class Feature(BaseModel):
    type: Literal["Feature"]
    geometry: Geometry
    properties: FeatureProperties


class FeatureCollection(BaseModel):
    """The whole model for maps (GeoJSON)."""

    type: Literal["FeatureCollection"]
    features: list[Feature]


# --- journeys


class EndPoint(BaseModel):
    id: str
    kind: str = Field(description="place, site, stop, station or coordinates.")
    name_zh: str
    name_en: str
    lat: float
    lon: float


class LegEnd(BaseModel):
    id: str
    name: str
    name_en: str


class Leg(BaseModel):
    mode: str = Field(description="walk, wait, metro, bus, shuttle, taxi ...")
    line: str | None
    route_id: str | None
    from_: LegEnd = Field(alias="from")
    to: LegEnd
    departure: str
    arrival: str
    duration_s: int
    distance_m: int | float
    fare_cny: float | None
    headway_s: int | None
    path: list[list[float]] = Field(description="[lat, lon] points.")
    stay_seated: bool = Field(False, description="A ride on the same vehicle as the leg before (an in-seat "
                              "transfer): not a change of vehicle.")


class ArrivalNote(BaseModel):
    """The destination (a place or site) is shut at the arrival: closed, not yet open, past last entry."""

    code: str = Field(description="closed_all_day, opens_later, last_entry_passed or closed_at_arrival.")
    message: str = Field(description="In the visitor's language, e.g. 'the Panda Base closed at 17:30'.")
    params: dict[str, Any] = Field(description="place (id), and clock times in seconds after the arrival "
                                   "date's midnight: opens_s, closes_s, last_entry_s, arrival_s, wait_s; "
                                   "next_date and next_opens_s when it opens within a week; season.")


class Journey(BaseModel):
    label: str = Field(description="fastest, fewest_transfers or taxi.")
    departure: str
    arrival: str
    duration_s: int
    transfers: int
    walk_s: int
    ride_s: int
    wait_s: int
    fare_cny: float | None
    legs: list[Leg]
    arrival_note: ArrivalNote | None = Field(None, description="When the destination is a place or site "
                                             "closed at the arrival, or opening later: why.")


class JourneysAnswer(BaseModel):
    from_: EndPoint = Field(alias="from")
    to: EndPoint
    date: str
    with_shuttle: bool
    depart: str | None = Field(None, description="Given when the request gave 'depart'.")
    arrive_by: str | None = Field(None, description="Given when the request gave 'arrive_by'.")
    journeys: list[Journey] = Field(description="Empty when nothing goes; 'reason' then says why.")
    reason: str | None
    taxi: Journey | None = Field(description="Null when already there (the same place, or within 25 m).")
    already_there: bool = Field(False, description="The two ends are one place: no journey to make.")


# --- the shuttle comparison

_MINUTE_KEYS = ("door_s", "origin_wait_s", "transfer_wait_s", "ride_s", "walk_s")
#: One departure minute: ``depart`` and, per series, its parts (null: no journey that minute).
_MINUTE_FIELDS: dict[str, Any] = {"depart": (str, ...)} | {  # the keys follow the core's series
    f"{series}_{key}": (int | None, ...) for series in SERIES for key in _MINUTE_KEYS}
ComparisonMinute = create_model("ComparisonMinute", **_MINUTE_FIELDS)


class SeriesSummary(BaseModel):
    minutes_with_journey: int
    median_s: float | None
    p10_s: float | None
    p90_s: float | None
    mean_wait_random_s: float | None
    mean_wait_timed_s: float | None
    mean_ride_s: float | None
    mean_walk_s: float | None


class ShuttleGain(BaseModel):
    """Every share and mean over one denominator: ``minutes_compared`` (a journey with and without the shuttle)."""

    minutes_in_window: int
    minutes_compared: int = Field(description="Departure minutes with a journey both with and without the shuttle.")
    minutes_faster: int = Field(description="Of minutes_compared, those where the shuttle arrives earlier.")
    share_of_minutes_faster: float | None = Field(description="minutes_faster / minutes_compared.")
    mean_saving_s: float | None = Field(description="Mean of transit minus shuttle door-to-door, over minutes_compared.")
    worst_saving_s: float | None
    best_saving_s: float | None
    minutes_only_shuttle: int = Field(description="Minutes with no journey today where the shuttle goes (not compared).")
    minutes_without_journey: int = Field(description="Minutes with no journey either way (not compared).")


class Direction(BaseModel):
    from_: EndPoint = Field(alias="from")
    to: EndPoint
    summaries: dict[str, SeriesSummary] = Field(description="Per series: transit, shuttle, taxi.")
    shuttle_vs_transit: ShuttleGain
    minutes: list[ComparisonMinute]  # type: ignore[valid-type]  # a model made by create_model above


class ComparisonAnswer(BaseModel):
    date: str
    window: list[str] = Field(min_length=2, max_length=2, description="[start, end] as HH:MM.")
    directions: list[Direction]


# --- day plans


class PlanStep(BaseModel):
    id: str
    kind: str = Field(description="place, event or meal.")
    name_zh: str
    name_en: str
    site: str | None
    lat: float
    lon: float
    depart: str
    arrive: str
    start: str
    end: str
    wait_s: int
    price_cny: float | None
    route: dict[str, Any] | None = Field(description="How to get there: legs, fare, times.")
    arrival_note: ArrivalNote | None = Field(None, description="The place not yet open (or shut) at the "
                                             "step's arrival, e.g. 'opens at 08:00 in winter: 27 min to wait'.")


class DayPlan(BaseModel):
    date: str
    shuttle: bool
    taxi: bool
    leave: str
    back: str
    score: float
    optimal: bool = Field(description="True when the search proved this the best day.")
    infeasible: list[str] = Field(description="What cannot be done, and why.")
    notes: list[str] = Field(description="What is true of the day without being a fault of the plan, e.g. "
                                         "no show at a site in the evening.")
    seconds: float
    candidates: int
    totals: dict[str, float | None]
    steps: list[PlanStep]
    home: dict[str, Any] | None


class NamedItem(BaseModel):
    id: str
    name_zh: str
    name_en: str


class ShuttleChanges(BaseModel):
    gained: list[NamedItem]
    lost: list[NamedItem]
    value: float
    ride_s: int
    wait_s: int
    walk_s: int
    back_s: int


class ItineraryAnswer(BaseModel):
    link: str = Field(description="The /itinerary page that shows the same plans.")
    plans: dict[str, DayPlan] = Field(description="'without' and/or 'with' the proposed shuttle.")
    shuttle_changes: ShuttleChanges | None = Field(description="Null unless both plans were made.")


# --- shuttle scenarios (issue 12)


class ScenarioSummary(BaseModel):
    id: str
    name: str
    name_zh: str
    name_en: str
    version: int
    selected: bool = Field(description="The shuttle the comparison, the day plans and /shuttle use.")
    updated_at: str
    updated_by: str
    fleet_size: int
    capacity_passengers: int
    stops: int
    length_m: int
    fare_cny: float
    trips: dict[str, int] = Field(description="Trips a day, both ways, by day type (weekday, weekend, holiday).")


class ScenarioList(BaseModel):
    selected: str
    scenarios: list[ScenarioSummary]


class ScheduledTripInfo(BaseModel):
    trip_id: str
    direction: str
    depart_s: int
    arrive_s: int
    depart: str
    arrive: str


class DayBlocks(BaseModel):
    min_fleet: int = Field(description="The fewest vehicles that run every trip (exact: minimum path cover).")
    fleet_size: int
    trips: int
    uncovered: ScheduledTripInfo | None = Field(description="With the scenario's fleet, the first trip no "
                                                "vehicle can run; null when every trip runs.")


class ScenarioAnswer(ScenarioSummary):
    record: dict[str, Any] = Field(description="Every field of the scenario, durations in seconds, distances "
                                   "in metres, money in CNY (the shape the store keeps).")
    blocks: dict[str, DayBlocks] = Field(description="By day type.")


class EstimateInfo(BaseModel):
    mean: float | None
    low: float | None = Field(description="95% confidence interval (Student t over the replications).")
    high: float | None
    n: int


class TripInfo(BaseModel):
    trip_id: str
    direction: str
    vehicle: int
    planned_depart_s: int
    depart_s: int
    arrive_s: int
    boarded: int
    max_load: int
    left_behind: int


class SimulationAnswer(BaseModel):
    scenario: str
    version: int
    date: str
    day_type: str
    replications: int
    seed: int
    metrics: dict[str, EstimateInfo] = Field(description="riders, wait_mean_s, wait_p95_s, left_behind, "
                                             "peak_load_factor, mean_load, headway_cv, vehicle_hours, vehicle_km, "
                                             "cost_cny, cost_per_passenger_cny, person_minutes_saved, trips_not_run.")
    trips: list[TripInfo] = Field(description="The first replication's trips.")


class JobAccepted(BaseModel):
    job: str
    status_url: str
    page: str
    points: int


class JobAnswer(BaseModel):
    id: str
    state: Literal["queued", "running", "finished", "failed"]
    done: int
    total: int
    result: dict[str, Any] | None = Field(description="When finished: every plan's metrics, the targets, and "
                                          "the best plan (cheapest meeting the targets, or null).")
    error: str | None
