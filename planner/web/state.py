"""The services (model, planners, stores) of the current app, built once by the composition."""
from __future__ import annotations

from flask import current_app

from planner.composition import Services, Settings


def state() -> Services:
    return current_app.extensions["planner"]


def settings() -> Settings:
    return current_app.extensions["planner"].settings
