"""Fixtures of the shuttle-planning tests: the proposal of data/shuttle.yaml as a scenario."""
from __future__ import annotations

import pytest

from planner.domain.paths import bundled_data_dir
from planner.simulation.scenario import Scenario, scenario_from_shuttle
from planner.sources.datafiles import load_model


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The proposal (``data/shuttle.yaml``) as a scenario."""
    return scenario_from_shuttle(load_model(bundled_data_dir()).shuttle)
