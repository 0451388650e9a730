"""One settings object for the whole planner: the web app, the CLI and the benchmarks.

Every field can be set by an environment variable ``PLANNER_<NAME>`` (upper case),
e.g. ``PLANNER_DATA_DIR``, ``PLANNER_DATABASE_URL``; ``DATABASE_URL`` is read too, as
hosting platforms set it. ``create_app(test_config)`` and the CLI override fields
by name. The README lists every setting.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Mapping

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from planner.domain.paths import bundled_data_dir, checkout_dir


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
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    max_upload_bytes: int = 16 * 1024 * 1024  # .ics uploads
    # caches: entries each process keeps (least recently used go first)
    timetable_cache_size: int = Field(default=4, ge=1, le=64)  # date timetables, ~30 MB each
    comparison_cache_size: int = Field(default=32, ge=1, le=1024)
    travel_profile_cache_size: int = Field(default=8, ge=1, le=64)  # dates of day-plan travel profiles
    # logging
    log_level: str = "INFO"

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """The environment's settings with ``overrides`` (names in any case) on top; unknown names ignored."""
        known = {name: value for name, value in (overrides or {}).items() if name.lower() in cls.model_fields}
        return cls(**{name.lower(): value for name, value in known.items()})

    @property
    def gtfs_dir(self) -> Path:
        return self.gtfs_path or self.data_dir / "gtfs"
