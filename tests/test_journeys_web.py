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


def _clock_s(iso: str) -> int:
    return int(iso[11:13]) * 3600 + int(iso[14:16]) * 60 + int(iso[17:19])


def test_a_journey_to_the_base_at_2130_says_it_closed_at_1730(client):
    _, body = _get(client, "from=dongjiao-memory&to=panda-base&date=2024-12-09&depart=21:30&lang=en")
    taxi = body["taxi"]
    assert taxi["arrival"].startswith("2024-12-09T21:")
    assert taxi["arrival_note"]["code"] == "closed_at_arrival"
    assert taxi["arrival_note"]["params"]["closes_s"] == 17 * 3600 + 1800
    assert taxi["arrival_note"]["message"] == ("Chengdu Research Base of Giant Panda Breeding closed at 17:30; "
                                               "it opens again at 08:00 on 2024-12-10")
    # transit has nothing before the morning: that journey arrives before the gates open, and says so
    for journey in body["journeys"]:
        assert journey["arrival"].startswith("2024-12-10T0")
        assert journey["arrival_note"]["code"] == "opens_later"
    _, zh = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-12-09&depart=21:30&lang=zh")
    assert zh["taxi"]["arrival_note"]["message"].startswith("成都大熊猫繁育研究基地 已于 17:30 关门")


def test_an_early_winter_shuttle_says_how_long_until_the_gates_open(client):
    _, body = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-12-09&depart=06:30&shuttle=1&lang=en")
    # the shuttle's journey (since Line 7's first trains start round the loop at 06:15, transit is
    # the fastest here and the shuttle the one with fewest transfers)
    fastest = next(j for j in body["journeys"] if any(leg["mode"] == "shuttle" for leg in j["legs"]))
    arrival_s = _clock_s(fastest["arrival"])
    assert arrival_s < 8 * 3600
    wait_min = -(-(8 * 3600 - arrival_s) // 60)
    assert fastest["arrival_note"]["message"] == (
        f"Chengdu Research Base of Giant Panda Breeding opens at 08:00 in winter: {wait_min} min to wait")
    # the same shuttle in May: the base opens at 07:30, before it arrives
    _, may = _get(client, "from=dongjiao-memory&to=panda-south-gate&date=2024-05-06&depart=07:00&shuttle=1&lang=en")
    arrivals = [(_clock_s(j["arrival"]), j["arrival_note"]) for j in may["journeys"]]
    assert arrivals and all(7 * 3600 + 1800 <= s < 17 * 3600 and note is None for s, note in arrivals), arrivals


def test_no_note_for_a_stop_or_coordinates_or_inside_the_hours(client):
    _, body = _get(client, "from=panda-south-gate&to=dongjiao-memory&date=2024-12-09&depart=10:00")
    assert all(j["arrival_note"] is None for j in [*body["journeys"], body["taxi"]])  # open all day
    _, body = _get(client, "from=dongjiao-memory&to=30.6540,104.0790&date=2024-12-09&depart=23:00")
    assert all(j["arrival_note"] is None for j in [*body["journeys"], body["taxi"]])


def test_the_form_has_one_time_with_leave_or_arrive_and_old_links_still_work(client):
    import re

    one = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12"
                     "&time_is=arrive_by&time=09:00&lang=en").get_data(as_text=True)
    old = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12"
                     "&arrive_by=09:00&lang=en").get_data(as_text=True)
    cards = lambda page: re.findall(r'<article class="journey" data-label="(\w+)">\s*<h3>[^<]*', page)  # noqa: E731
    assert cards(one) == cards(old) and cards(one)
    for page in (one, old):
        assert page.count('type="time"') == 1
        assert re.search(r'value="arrive_by" checked', page) and 'name="time" value="09:00"' in page
    leave = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-02-12&depart=08:10&lang=en")
    assert re.search(r'value="depart" checked', leave.get_data(as_text=True))
    assert 'name="time" value="08:10"' in leave.get_data(as_text=True)
    assert 'value="depart" checked' in client.get("/journeys").get_data(as_text=True)  # the empty form


def test_bad_input_is_shown_beside_its_field_with_the_form_kept(client):
    page = client.get("/journeys?from=dongjiao-memory&from_latlon=30.65x,104.07&to=panda-base&date=2024-12-09"
                      "&time_is=arrive_by&time=09:00&shuttle=1&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert '<p class="field-error" id="from-error" role="alert" data-field="from">' in text
    assert 'value="30.65x,104.07"' in text and 'value="arrive_by" checked' in text and 'name="time" value="09:00"' in text
    assert 'name="shuttle" value="1" checked' in text and 'value="2024-12-09"' in text
    bad_time = client.get("/journeys?from=dongjiao-memory&to=panda-base&time=8h&lang=en").get_data(as_text=True)
    assert 'id="time-error"' in bad_time and 'value="8h"' in bad_time and "not a time" in bad_time
    bad_date = client.get("/journeys?from=dongjiao-memory&to=panda-base&time=08:00&date=2024-02-30&lang=zh")
    assert bad_date.status_code == 400 and 'id="date-error"' in bad_date.get_data(as_text=True)


def test_typed_coordinates_are_what_the_lists_show_and_plan_from(client):
    """With coordinates typed, the place list reads "The coordinates typed below" (not the first place),
    and submitting it as it is plans from the coordinates, on the journey and day-plan forms."""
    page = client.get("/journeys?lang=en&from=&from_latlon=30.6540,104.0790&to=panda-south-gate"
                      "&date=2024-12-09&time=09:00&time_is=depart")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="" selected>The coordinates typed below</option>' in text
    assert 'value="30.6540,104.0790"' in text and 'class="journey' in text
    page = client.get("/itinerary?lang=en&start=&start_latlon=30.6540,104.0790&date=2024-12-09"
                      "&start_time=08:00&end_time=12:00&meal=0&shuttle=without")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="" selected>The coordinates typed below</option>' in text and "tl-visit" in text


def test_a_journey_on_the_next_morning_says_its_date(client):
    """After the last vehicle the first journey leaves the next morning: the page says that day's date
    beside its time (the times alone read as the evening asked)."""
    page = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-10-01&time=23:00"
                      "&shuttle=1&max_walk_m=700&lang=en").get_data(as_text=True)
    answer = client.get("/api/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-10-01&depart=23:00"
                        "&shuttle=1&max_walk_m=700").get_json()
    first = answer["journeys"][0]
    assert first["departure"][:10] == "2024-10-02"
    assert f'{first["departure"][11:16]} <span class="other-day">(2024-10-02)</span>' in page
    same_day = client.get("/journeys?from=dongjiao-memory&to=panda-south-gate&date=2024-10-01&time=09:00"
                          "&lang=en").get_data(as_text=True)
    assert 'class="other-day"' not in same_day
