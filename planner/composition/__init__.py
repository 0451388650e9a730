"""Composition: builds the model, planners and stores once, for both the web app and the CLI.

The only layer that knows every other core layer; ``planner.web`` and
``planner.cli`` build on it and on nothing below it but the domain's types.
"""
from planner.composition.services import Services, build_journey_planner, build_services, open_calendar
from planner.composition.logs import configure_logging, request_id
from planner.composition.settings import Settings

__all__ = ["Services", "Settings", "build_journey_planner", "build_services", "configure_logging", "open_calendar",
           "request_id"]
