"""The loaded model and graph, built once per app and shared by the views."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from flask import Flask, current_app

from ..loading import load_model
from ..model import Model
from ..network import build_graph


@dataclass
class PlannerState:
    model: Model
    graph: nx.MultiDiGraph


def init_state(app: Flask) -> None:
    model = load_model(app.config["DATA_DIR"], app.config.get("GTFS_PATH"))
    app.extensions["planner"] = PlannerState(model=model, graph=build_graph(model))


def state() -> PlannerState:
    return current_app.extensions["planner"]
