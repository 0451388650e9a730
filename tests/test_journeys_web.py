"""Journeys through the API and the page."""
from __future__ import annotations

import datetime as dt


def _get(client, query):
    response = client.get("/api/journeys?" + query)
    return response.status_code, response.get_json()


def test_fastest_journey_leg_by_leg(client):
    status, body = _get(client, "from=dj-south-gate&to=panda-south-gate&date=2024-02-12&depart=08:10")
    assert status == 200 and body["reason"] is None
    fastest = body["journeys"][0]
    assert fastest["label"] == "fastest"
    legs = fastest["legs"]
    for leg in legs:
        assert set(leg) >= {"mode", "line", "from", "to", "departure", "arrival", "distance_m", "fare_cny"}
        assert leg["departure"] <= leg["arrival"]
    for a, b in zip(legs, legs[1:]):
        assert a["arrival"] <= b["departure"]
    assert any(leg["mode"] == "metro" for leg in legs) and any(leg["mode"] == "bus" for leg in legs)
    assert fastest["departure"] >= "2024-02-12T08:10:00+08:00"
    assert fastest["fare_cny"] == sum(leg["fare_cny"] for leg in legs)
    assert body["taxi"]["legs"][-1]["mode"] == "taxi"


def test_fewest_transfers_offered_when_it_differs(client):
    _, body = _get(client, "from=dj-south-gate&to=panda-south-gate&date=2024-02-12&depart=08:10")
    labels = [j["label"] for j in body["journeys"]]
    if len(labels) == 2:
        fastest, fewest = body["journeys"]
        assert labels == ["fastest", "fewest_transfers"]
        assert fewest["transfers"] < fastest["transfers"] and fewest["arrival"] > fastest["arrival"]


def test_shuttle_never_slower_via_api(client):
    for depart in ("07:05", "08:10", "11:47", "15:31"):
        query = f"from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart={depart}"
        _, without = _get(client, query)
        _, with_shuttle = _get(client, query + "&shuttle=1")
        assert with_shuttle["journeys"][0]["arrival"] <= without["journeys"][0]["arrival"]


def test_arrive_by(client):
    _, body = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&arrive_by=09:00")
    journey = body["journeys"][0]
    assert journey["arrival"] <= "2024-02-12T09:00:00+08:00"
    _, later = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart="
                    + journey["departure"][11:16] + "&shuttle=0")
    # leaving a minute later than the latest departure must miss 09:00
    late = dt.datetime.fromisoformat(journey["departure"]) + dt.timedelta(minutes=1)
    _, missed = _get(client, f"from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart={late:%H:%M}")
    assert missed["journeys"][0]["arrival"] > "2024-02-12T09:00:00+08:00"


def test_no_journey_says_why(client):
    # No time limit: at 23:55 on a day of the calendar the answer is tomorrow's first journey; nothing
    # leaves after 23:55 on the calendar's last day, and from 21:30 that day nothing arrives before it ends.
    _, tomorrow = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=23:55&lang=en")
    assert tomorrow["reason"] is None and tomorrow["journeys"][0]["departure"].startswith("2024-02-13T05:")
    _, late = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2027-12-31&depart=23:55&lang=en")
    assert late["journeys"] == [] and "after the last departure" in late["reason"]
    assert "the last left at 2027-12-31 23:" in late["reason"]
    _, evening = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2027-12-31&depart=21:30&lang=en")
    assert "before the timetable ends on 2027-12-31" in evening["reason"]
    _, far = _get(client, "from=30.5,104.3&to=panda-south-gate&date=2024-02-12&depart=10:00&lang=en")
    assert "too far to walk" in far["reason"]
    _, no_service = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2031-01-01&depart=10:00&lang=en")
    assert "no transit service" in no_service["reason"]
    _, in_chinese = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2027-12-31&depart=23:55&lang=zh")
    assert "末班车已过" in in_chinese["reason"]
    assert late["taxi"]["legs"][-1]["mode"] == "taxi"  # a taxi still goes


def test_bad_input_is_400_with_field(client):
    cases = {
        "from=nowhere&to=panda-south-gate&depart=08:00": "from",
        "from=dongjiao-memory&to=panda-south-gate&depart=8h": "depart",
        "from=39.9,116.4&to=panda-south-gate&depart=08:00": "from",
        "from=dongjiao-memory&to=panda-south-gate&depart=08:00&date=2024-02-30": "date",
        "from=dongjiao-memory&to=panda-south-gate&depart=08:00&max_walk_m=-3": "max_walk_m",
        "from=dongjiao-memory&to=panda-south-gate": "depart",
    }
    for query, field in cases.items():
        status, body = _get(client, query)
        assert status == 400 and body["error"]["field"] == field, query


def test_coordinates_as_endpoints(client):
    _, body = _get(client, "from=30.6540,104.0790&to=panda-south-gate&date=2024-02-12&depart=08:00")  # near Chunxi Road
    assert body["journeys"] and body["journeys"][0]["legs"][0]["from"]["id"] == "30.65400,104.07900"


def test_journey_page(client):
    page = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:10&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-label="fastest"' in text and 'data-label="taxi"' in text
    assert client.get("/journeys").status_code == 200  # the empty form
