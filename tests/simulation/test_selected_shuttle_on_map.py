"""The home map shows the selected scenario's shuttle, the one the comparison and the day plans route:
the shuttle panel names it and /api/network.geojson draws its path and stops; selecting the proposal
again brings the proposal back."""
from __future__ import annotations

import copy
import re

import pytest

from planner.simulation.scenario import PROPOSAL_ID, scenario_to_record

# a scenario whose stop by the Panda Base moved to the west gate's side, with a path of its own
MOVED = {"id": "west-gate", "name_en": "West Gate Express", "name_zh": "西门快线",
         "stop": {"id": "shuttle-panda-west", "name_en": "Panda Base West Gate", "name_zh": "大熊猫基地西门",
                  "lat": 30.7381, "lon": 104.1392},
         "path": [[30.6713, 104.1243], [30.7050, 104.1300], [30.7381, 104.1392]]}


@pytest.fixture
def app(tmp_path):
    from planner.web import create_app

    made = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'planner.db'}",
                       "IMPORT_DIR": str(tmp_path / "imports")})
    yield made
    made.extensions["planner"].close()


def moved_record(proposal) -> dict:
    record = copy.deepcopy(scenario_to_record(proposal))
    record.update(id=MOVED["id"], name_en=MOVED["name_en"], name_zh=MOVED["name_zh"],
                  path=[list(point) for point in MOVED["path"]])
    record["stops"][1] = {**record["stops"][1], **MOVED["stop"], "place_id": None}
    return record


def shuttle_panel(client, lang: str) -> str:
    html = client.get(f"/?date=2024-02-12&lang={lang}").get_data(as_text=True)
    return re.search(r'<section class="panel" id="shuttle">(.*?)</section>', html, re.S).group(1)


def drawn(client, lang: str) -> tuple[list, list]:
    """The shuttle's (id, name, path) and its stops' (id, name, lon, lat) as the map's GeoJSON has them."""
    features = client.get(f"/api/network.geojson?lang={lang}").get_json()["features"]
    lines = [(f["properties"]["id"], f["properties"]["name"], f["geometry"]["coordinates"])
             for f in features if f["properties"]["layer"] == "shuttle"]
    stops = [(f["properties"]["id"], f["properties"]["name"], *f["geometry"]["coordinates"])
             for f in features if f["properties"]["layer"] == "shuttle_stop"]
    return lines, stops


def test_the_home_map_shows_the_selected_scenario_and_the_proposal_again(app):
    services, client = app.extensions["planner"], app.test_client()
    store = services.scenarios
    proposal = store.get(PROPOSAL_ID).scenario
    assert proposal.name_en in shuttle_panel(client, "en") and proposal.name_zh in shuttle_panel(client, "zh")
    lines, stops = drawn(client, "en")
    assert [(i, n) for i, n, _ in lines] == [(PROPOSAL_ID, proposal.name_en)]
    assert [s[0] for s in stops] == ["shuttle-dj", "shuttle-panda-south"]

    store.create(moved_record(proposal), "pat")
    store.select(MOVED["id"], "pat")
    assert MOVED["name_en"] in shuttle_panel(client, "en") and proposal.name_en not in shuttle_panel(client, "en")
    assert MOVED["name_zh"] in shuttle_panel(client, "zh")
    lines, stops = drawn(client, "en")
    assert lines == [(MOVED["id"], MOVED["name_en"], [[lon, lat] for lat, lon in MOVED["path"]])]
    assert stops[1] == ("shuttle-panda-west", "Panda Base West Gate", 104.1392, 30.7381)
    assert [s[0] for s in stops] == ["shuttle-dj", "shuttle-panda-west"]
    assert drawn(client, "zh")[1][1][1] == "大熊猫基地西门"
    assert services.journeys.shuttle.id == MOVED["id"]  # the same shuttle the comparison routes

    # a new version of the selected scenario is drawn at once
    store.update(MOVED["id"], {"name_en": "West Gate Express II"}, 1, "pat")
    assert drawn(client, "en")[0][0][1] == "West Gate Express II"
    assert "West Gate Express II" in shuttle_panel(client, "en")

    store.select(PROPOSAL_ID, "ada")
    assert proposal.name_en in shuttle_panel(client, "en") and "West Gate" not in shuttle_panel(client, "en")
    lines, stops = drawn(client, "en")
    assert [(i, n) for i, n, _ in lines] == [(PROPOSAL_ID, proposal.name_en)]
    assert len(lines[0][2]) == len(proposal.path)
    assert [s[0] for s in stops] == ["shuttle-dj", "shuttle-panda-south"]
