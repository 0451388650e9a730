"""One settings object for the whole planner: the web app, the CLI and the benchmarks.

Every field can be set by an environment variable ``PLANNER_<NAME>`` (upper case),
e.g. ``PLANNER_DATA_DIR``, ``PLANNER_DATABASE_URL``; ``DATABASE_URL`` is read too, as
hosting platforms set it. ``create_app(test_config)`` and the CLI override fields
by name. The README lists every setting.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from planner.domain.paths import bundled_data_dir, checkout_dir
from planner.itinerary.values import ValueModel


def default_instance_dir() -> Path:
    """Where the database and the session key live by default.

    ``instance/`` in a checkout (also with ``pip install -e .``), else
    ``<prefix>/var/planner.web-instance`` (the folder Flask chose before, so an
    existing installation keeps its database).
    """
    checkout = checkout_dir()
    if checkout is not None:
        return checkout / "instance"
    return Path(sys.prefix) / "var" / "planner.web-instance"


class Settings(BaseSettings):
    """The planner's settings, with their defaults.

    Examples
    --------
    >>> s = Settings.from_overrides({"TILE_URL": "", "timetable_cache_size": 2})
    >>> s.tile_url, s.timetable_cache_size
    ('', 2)
    """

    model_config = SettingsConfigDict(env_prefix="PLANNER_", extra="ignore", validate_default=True)

    # data
    data_dir: Path = Field(default_factory=bundled_data_dir)
    gtfs_path: Path | None = None  # default: data_dir/gtfs
    # database
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PLANNER_DATABASE_URL", "DATABASE_URL", "database_url"))
    database_auto_migrate: bool = True
    instance_dir: Path = Field(default_factory=default_instance_dir)
    # web
    secret_key: str | None = None  # default: kept in instance_dir/secret_key
    session_cookie_secure: bool = True
    behind_proxy: bool = False
    # the origin of absolute links (feeds, .ics, day-plan links), e.g. https://planner.example.org: set it
    # in production; unset, the Host header is trusted only on loopback (planner/web/base_url.py)
    base_url: str | None = None
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    max_upload_bytes: int = 16 * 1024 * 1024  # .ics uploads
    import_dir: Path | None = None  # .ics uploads between preview and import; default: instance_dir/imports
    # caches: entries each process keeps (least recently used go first); the sizes bound its memory
    # timetables of a date and walking rules, ~30 MB each: 12 hold six days with and without the shuttle
    # (visitors plan for today and the days ahead); with 4, five dates' journeys rebuilt a timetable
    # every few requests (0.5 s of CPU each, under the GIL: p95 326 ms -> 13 ms for /api/journeys
    # one at a time, seconds under load; benchmarks/load.py). A small server sets 4 (~250 MB less)
    timetable_cache_size: int = Field(default=12, ge=1, le=64)
    endpoint_cache_size: int = Field(default=4096, ge=1, le=1_000_000)  # stops around two ends, ~1.5 kB each
    profile_slice_cache_size: int = Field(default=20_000, ge=1, le=1_000_000)  # day-plan travel, ~1 kB each
    comparison_cache_size: int = Field(default=32, ge=1, le=1024)  # whole-day comparisons, ~2 MB each
    plan_cache_size: int = Field(default=256, ge=1, le=100_000)  # day plans by request and events, ~60 kB each
    feed_cache_size: int = Field(default=64, ge=1, le=10_000)  # iCalendar feeds as served
    event_cache_size: int = Field(default=10_000, ge=1, le=1_000_000)  # parsed event versions, ~5 kB each
    # the sessions of one series at most (the first ones): RFC 5545 sets no limit; planner/domain/recurrence.py
    # says why 1000 (a daily programme for close to three years; a billion-session rule stays cheap)
    max_sessions_per_series: int = Field(default=1000, ge=1, le=100_000)
    # .ics files of at least import_parallel_from VEVENTs are read by import_workers processes (0: one per
    # CPU, 1: none): parsing is most of an import's time (planner/store/ical.py, benchmarks/calendar.py)
    import_workers: int = Field(default=0, ge=0, le=64)
    import_parallel_from: int = Field(default=1000, ge=1)
    # day plans: the value model's weights (README, "Day plans"; planner/itinerary/values.py says why)
    value_attraction: float = Field(default=3.0, ge=0)  # a standing attraction's base value
    value_venue: float = Field(default=2.0, ge=0)
    value_spot: float = Field(default=1.0, ge=0)
    value_event: float = Field(default=5.0, ge=0)  # an event session's base value
    value_interest: float = Field(default=4.0, ge=0)  # added per tag matching an interest
    value_kind_decay: float = Field(default=0.7, gt=0, le=1)  # the k-th visit of a kind: decay**(k-1)
    value_window_stay_min: int = Field(default=30, ge=1, le=600)  # stay inside a joined window
    value_window_min_stay_min: int = Field(default=15, ge=1, le=600)  # shortest stay worth joining for
    value_rest_min: int = Field(default=20, ge=0, le=120)  # a relaxed pace's rest break (0: none)
    # day plans off the page-serving threads (issue 14): plan_workers processes compute them (0: one per
    # CPU); at most plan_queue_max wait beyond those running, more answer 503 with Retry-After; a visitor
    # waits plan_deadline_s at most; a request names at most plan_must_max places/events and
    # plan_interests_max interests (the OpenAPI document states each)
    plan_workers: int = Field(default=0, ge=0, le=64)
    plan_queue_max: int = Field(default=32, ge=1, le=10_000)
    plan_deadline_s: int = Field(default=10, ge=1, le=300)
    plan_must_max: int = Field(default=30, ge=1, le=200)
    plan_interests_max: int = Field(default=20, ge=1, le=200)
    # where plans run: processes (spawned, each loads the data once, ~0.3 GB with its timetables),
    # threads (in the app's process: tests), auto (threads under test, else processes): planner/composition/plan_pool.py
    plan_pool: Literal["auto", "processes", "threads"] = "auto"
    # every request's budget (issue 14 item 1; planner/web/budgets.py checks them, the OpenAPI document's
    # x-limits state each per operation). Beyond one: 4xx naming it, or 503 with Retry-After when busy.
    # a JSON body (a day plan's is under 2 KiB; the .ics uploads keep max_upload_bytes): 413 beyond
    max_json_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    # nesting of a JSON body (the deepest request, a sweep, nests 3): 400 beyond, before any parsing
    max_json_depth: int = Field(default=16, ge=4, le=200)
    # a query string (the longest form, a day plan naming 30 places, is about 4 KiB): 414 beyond
    max_query_bytes: int = Field(default=8192, ge=1024, le=1024 * 1024)
    # parameters of a query string, each repetition counted (the day-plan form sends at most ~60): 400 beyond
    max_query_params: int = Field(default=200, ge=20, le=100_000)
    # a comparison's window: a whole day (24 h x 2 directions cost ~1.5 s cold; 30 h 1.7 s): 400 beyond
    compare_window_max_min: int = Field(default=1440, ge=60, le=1800)
    # comparisons computed at once (answers not yet kept); one more answers 503 with Retry-After
    compare_builds_max: int = Field(default=2, ge=1, le=64)
    # distinct pieces of work journeys and comparisons wait for at once: a timetable not kept yet (0.1-0.3 s
    # per date, up to 1.5 s for a 5 km walk) or a comparison (~1 s); builds run one at a time, so 4 wait
    # ~1-6 s at most; a request for another one answers 503 with Retry-After
    journey_builds_max: int = Field(default=4, ge=1, le=64)
    # service days a journey request searches after its date (arrive-by: before it) when nothing goes in
    # the date's own timetable (the date and the next day, the shuttle of each): each further day makes the
    # timetable searched longer (2 days: ~0.1 s, 16 days: ~2 s CPU under the GIL); beyond, the answer names
    # the next departure near the origin from the feed's stop times (after_last_departure) or the limit
    journey_reach_days: int = Field(default=2, ge=1, le=14)
    # the longest walk a journey request may ask for (a 5 km walk's links build in ~2 s): 400 beyond
    journey_walk_max_m: int = Field(default=5000, ge=0, le=50_000)
    # a journey's max_walk_m and min_transfer_s are rounded to these steps: each distinct pair is a
    # timetable build (~30 MB, 0.5-2 s), so a stranger cycling values finds a few dozen, not thousands
    journey_walk_step_m: int = Field(default=100, ge=1, le=1000)
    journey_transfer_step_s: int = Field(default=60, ge=1, le=600)
    # the Retry-After of a 503 for comparisons and journeys: about one build
    busy_retry_after_s: int = Field(default=2, ge=1, le=300)
    # how long a journey or comparison waits for a place among journey_builds_max / compare_builds_max
    # before its 503: a burst of a few dates at a server's start waits its turn, a stream does not queue
    busy_wait_s: int = Field(default=2, ge=0, le=60)
    # sweeps (planner/jobs.py): RQ on this Redis when set (start `planner worker` processes beside the
    # server), else a local pool of job_workers processes (0: one per CPU)
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PLANNER_REDIS_URL", "REDIS_URL", "redis_url"))
    job_workers: int = Field(default=0, ge=0, le=64)
    # per-client request limits of the expensive endpoints (issue 14 item 3), in the `limits` notation
    # ("30/minute", "5/second;100/hour"), counted on redis_url when set (shared by every process), else
    # in each process; beyond them 429 with Retry-After. Sized so one visitor at a phone never meets them:
    # a day plan is up to plan_deadline_s of a CPU, so 20 a minute (one every 3 s, far more than a person
    # asks) keeps one client from holding the plan workers; journeys answer in ~50 ms, 120 a minute is two
    # a second; a comparison is ~1 s of routing a day, 30 a minute; an .ics import, a sweep or a simulation
    # is seconds to minutes of work, 10 a minute. Behind a proxy set behind_proxy, or every visitor is one client.
    rate_limits_enabled: bool = True
    rate_limit_plans: str = "20/minute"  # POST /api/itineraries, /itinerary(.ics) with a start
    rate_limit_journeys: str = "120/minute"  # /api/journeys, /journeys with a from or to
    rate_limit_compare: str = "30/minute"  # /api/compare, /compare with a from or to
    rate_limit_jobs: str = "10/minute"  # .ics import, sweeps, simulations (staff and planners)
    # logging
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("rate_limit_plans", "rate_limit_journeys", "rate_limit_compare", "rate_limit_jobs")
    @classmethod
    def _a_rate_limit(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '20/minute': {value!r}") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """The environment's settings with ``overrides`` (names in any case) on top; unknown names ignored."""
        known = {name: value for name, value in (overrides or {}).items() if name.lower() in cls.model_fields}
        return cls(**{name.lower(): value for name, value in known.items()})

    def value_model(self) -> ValueModel:
        """The day plans' value model with these weights.

        Examples
        --------
        >>> Settings.from_overrides({"value_kind_decay": 0.5}).value_model().kind_decay
        0.5
        """
        return ValueModel(
            base_value={"attraction": self.value_attraction, "venue": self.value_venue, "spot": self.value_spot,
                        "event": self.value_event},
            interest_value=self.value_interest, kind_decay=self.value_kind_decay,
            window_stay_s=self.value_window_stay_min * 60,
            window_min_stay_s=min(self.value_window_min_stay_min, self.value_window_stay_min) * 60,
            rest_s=self.value_rest_min * 60)

    @property
    def gtfs_dir(self) -> Path:
        return self.gtfs_path or self.data_dir / "gtfs"
