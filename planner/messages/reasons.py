"""Reasons and errors of the core, from their codes and parameters into words.

Each code has a msgid (or a function choosing one by the parameters given).
Parameters are shown by their names' units: ``x_s`` (seconds) as ``%(x)s``, a
clock ``HH:MM``, and also as ``%(x_min)s`` minutes (rounded up) and ``%(x_h)s`` hours;
ids that the reason names (places, stops, events, plan items) as their names
in the language; ``date`` as it is with ``%(date_weekday)s``; ``*_at``
date-times as ``YYYY-MM-DD HH:MM``; tuples of ids as a list.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from planner.domain.errors import DataError, Name, Param, PlannerError, Reason
from planner.messages.catalogue import N_, gettext
from planner.messages.formats import clock, joined, weekday

Params = Mapping[str, Param]
Template = str | Callable[[Params], str]

#: Why there is no journey (:class:`planner.routing.journeys.NoJourney`).
NO_JOURNEY: dict[str, Template] = {
    "no_service_on_date": lambda p: (
        N_("no transit service on %(date)s: the feed covers %(feed_start)s to %(feed_end)s")
        if p.get("feed_start") else N_("no transit service on %(date)s: the feed has no calendar")),
    "too_far_to_walk": N_("too far to walk: no stop within %(max_walk_m)s m of %(point)s"),
    "not_connected": N_("no vehicles link %(origin)s to %(dest)s on any day of the timetable, even with walks "
                        "between stops"),
    "after_last_departure": lambda p: (
        (N_("after the last departure: nothing leaves near %(origin)s after %(depart_at)s until "
            "%(next_departure_at)s; the last left at %(last_departure_at)s")
         if p.get("last_departure_at") else
         N_("after the last departure: nothing leaves near %(origin)s after %(depart_at)s until "
            "%(next_departure_at)s"))
        if p.get("next_departure_at") else
        (N_("after the last departure: nothing leaves near %(origin)s after %(depart_at)s; "
            "the last left at %(last_departure_at)s")
         if p.get("last_departure_at") else
         N_("after the last departure: nothing leaves near %(origin)s after %(depart_at)s"))),
    "none_before_feed_end": N_("no journey from %(origin)s after %(depart_at)s reaches %(dest)s before the "
                               "timetable ends on %(feed_end)s"),
    "search_limit": lambda p: (
        N_("no journey from %(origin)s to %(dest)s after %(depart_at)s with at most %(max_rides)s vehicles "
           "arrives before %(searched_until_at)s (the search's limit)")
        if p.get("max_rides") is not None else
        N_("no journey from %(origin)s to %(dest)s after %(depart_at)s arrives before %(searched_until_at)s: "
           "the search stops %(max_days)s days after the date")),
    "none_arrives_by": lambda p: (
        N_("no journey arrives by %(arrive_by_at)s: the first arrives at %(first_arrival_at)s")
        if p.get("first_arrival_at") else
        N_("no journey arrives by %(arrive_by_at)s")),
    "unreachable": N_("no way from %(origin)s to %(dest)s after %(depart)s"),
}

#: What a day plan cannot include, and why (:mod:`planner.itinerary`).
DAY_PLAN: dict[str, Template] = {
    "unreachable_from_start": N_("%(item)s cannot be reached from the start"),
    "closes_before_arrival": N_("%(item)s closes at %(closes)s; the earliest arrival is %(earliest_arrival)s"),
    "end_unreachable_after": N_("the end cannot be reached after %(item)s (left at %(leave)s)"),
    "back_after_deadline": N_("after %(item)s (until %(leave)s) the end is reached at %(back)s, "
                              "after the deadline %(deadline)s"),
    "no_tour_with_all": lambda p: (N_("no tour exists that includes all of: %(items)s") if p.get("proven")
                                   else N_("no tour was found that includes all of: %(items)s")),
    "no_tour_found_with": N_("no tour was found that includes %(item)s"),
    "end_unreachable": N_("the end cannot be reached from the start by the deadline"),
    "place_closed": N_("%(place)s is closed on %(date)s (%(date_weekday)s)"),
    "event_cancelled": N_("%(event)s is cancelled on %(date)s"),
    "event_sold_out": N_("%(event)s is sold out on %(date)s"),
    "no_session": N_("%(event)s has no session on %(date)s (moved or cancelled: see its event page)"),
    "must_see_does_not_fit": N_("%(event)s (%(sessions)s) does not fit in the day with the other must-sees"),
    "no_lunch": N_("no lunch break fits between the visits and journeys of this day"),
    "nothing_on": N_("nothing is on at %(place)s on %(date)s (%(date_weekday)s)"),
    "session_outside_hours": N_("%(event)s (%(sessions)s) falls outside the hours of %(place)s on %(date)s "
                                "(%(opens)s-%(closes)s)"),
    "window_ends_before_arrival": N_("you reach %(place)s at %(earliest_arrival)s at the earliest; %(event)s ends "
                                     "at %(ends)s, too late to join it for %(min_stay_min)s min"),
    "show_starts_before_arrival": N_("%(event)s starts at %(starts)s; you reach %(place)s at "
                                     "%(earliest_arrival)s at the earliest"),
    "must_see_clashes": lambda p: (
        N_("%(item)s (%(sessions)s) fits in the day alone, but not beside %(items)s") if p.get("sessions")
        else N_("%(item)s fits in the day alone, but not beside %(items)s")),
    "no_show_in_evening": lambda p: (
        N_("nothing for your interests is on at %(site)s on the evening of %(date)s (%(date_weekday)s)")
        if p.get("for_interests") else N_("no show at %(site)s on the evening of %(date)s (%(date_weekday)s)")),
}

#: Whether a place is open when one arrives (:mod:`planner.domain.opening`): journeys and day plans.
OPENING: dict[str, Template] = {
    "closed_all_day": lambda p: (
        N_("%(place)s is closed on %(date)s (%(date_weekday)s); it opens at %(next_opens)s on %(next_date)s")
        if p.get("next_date") else N_("%(place)s is closed on %(date)s (%(date_weekday)s)")),
    "opens_later": lambda p: (
        N_("%(place)s opens at %(opens)s in winter: %(wait_min)s min to wait") if p.get("season") == "winter"
        else N_("%(place)s opens at %(opens)s in summer: %(wait_min)s min to wait")
        if p.get("season") == "summer" else N_("%(place)s opens at %(opens)s: %(wait_min)s min to wait")),
    "last_entry_passed": N_("%(place)s lets no one in after %(last_entry)s (last entry); it closes at %(closes)s"),
    "closed_at_arrival": lambda p: (
        N_("%(place)s closed at %(closes)s; it opens again at %(next_opens)s on %(next_date)s")
        if p.get("next_date") else N_("%(place)s closed at %(closes)s")),
}

#: A parameter that is wrong (:class:`planner.domain.errors.BadRequest`).
BAD_REQUEST: dict[str, Template] = {
    "unknown_endpoint": N_("'%(value)s' is not a place, stop or 'lat,lon'"),
    "coordinates_out_of_range": N_("'%(value)s': latitude or longitude out of range"),
    "outside_chengdu": N_("%(value)s is outside Chengdu"),
    "not_one_of": N_("'%(value)s' is not one of %(choices)s"),
    "must_be_after_start": N_("must be after the start time"),
    "unknown_place_or_event": N_("no place or event '%(value)s'"),
    "unknown_venue": N_("no place '%(value)s'"),
    "account_exists": N_("an account named '%(value)s' exists already"),
    "nul_character": N_("contains a NUL byte, which no text may hold"),
    "bad_account_name": N_("2-64 letters, digits or . _ @ -, starting with a letter or digit"),
    "password_too_short": N_("at least %(min_length)s characters"),
    "last_admin": N_("%(value)s is the last active admin: make another account admin first"),
    "required_date": N_("required, as YYYY-MM-DD"),
    "not_a_date": lambda p: (N_("not a date YYYY-MM-DD: '%(value)s'") if "value" in p
                             else N_("not a date YYYY-MM-DD")),
    "not_a_time": lambda p: (N_("not a time HH:MM: '%(value)s'") if "value" in p
                             else N_("not a time HH:MM between 00:00 and %(latest)s")),
    "not_a_gtfs_time": N_("not a time HH:MM:SS: '%(value)s'"),
    "not_a_month": N_("not a month YYYY-MM: '%(value)s'"),
    "out_of_bounds": N_("%(value)s is outside %(low)s..%(high)s"),
    "expected_list_of_strings": N_("expected a list of strings"),
    "expected_string": N_("expected a string, got %(value)s"),
    "expected_boolean": N_("expected true or false, got %(value)s"),
    "required_start": N_("required: a place id or 'lat,lon'"),
    "expected_shuttle_choice": N_("expected compare, with or without (or true/false)"),
    "expected_json_object": N_("expected a JSON object (Content-Type: application/json)"),
    "expected_variant": N_("expected with or without"),
    "missing_version": N_("the form lacks the version it was made from: reload it"),
    "no_file": N_("choose an .ics file to import"),
    "import_expired": N_("The preview expired: upload the file again."),
    "no_such_session": N_("this event has no session starting at %(value)s"),
    "not_a_series": N_("only a recurring event has sessions to change one by one"),
}

#: Everything else the core refuses: missing things, conflicts, logins, data.
OTHER: dict[str, Template] = {
    "no_place": N_("no place '%(id)s'"),
    "no_event": N_("no event '%(id)s'"),
    "no_account": N_("no account '%(name)s'"),
    "no_event_version": N_("event '%(id)s' has no version %(version)s"),
    "no_scenario": N_("no shuttle scenario '%(id)s'"),
    "no_scenario_version": N_("shuttle scenario '%(id)s' has no version %(version)s"),
    "no_job": N_("no job '%(id)s' (finished jobs are kept for a day)"),
    "scenario_conflict": N_("shuttle scenario '%(scenario)s' was changed by %(updated_by)s at %(updated_at)s "
                            "(version %(version)s) after you opened version %(expected_version)s"),
    "no_page": N_("no such page"),
    "edit_conflict": N_("event '%(event)s' was changed by %(updated_by)s at %(updated_at)s (version %(version)s) "
                        "after you opened version %(expected_version)s"),
    "login_locked": N_("Too many failed logins: try again in %(retry_after_min)s min."),
    "wrong_name_or_password": N_("Wrong name or password."),
    "busy": N_("The server is busy (%(limit)s reached): please try again in %(retry_after_s)s s."),
    "invalid_data": N_("%(count)s problem(s) in the data"),
    "already_exists": N_("exists already (saved by someone else, perhaps at the same moment)"),
}

#: Faults of a request found before the core sees it: pydantic's validation types (their context
#: as parameters) and HTTP errors by their snake_case names (the web layer's error mapping).
FAULTS: dict[str, Template] = {
    "missing": N_("required"),
    "date_out_of_range": N_("the date must lie within %(first)s..%(last)s"),
    "not_after_start": N_("must be after %(start)s"),
    "not_a_shuttle_choice": N_("expected compare, with or without (or true/false)"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "too_long": N_("at most %(max_length)s items"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "literal_error": N_("expected %(expected)s"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "finite_number": N_("expected a finite number"),
    "string_type": N_("expected a string"),
    "list_type": N_("expected a list"),
    "model_type": N_("expected a JSON object"),
    "dict_type": N_("expected a JSON object"),
    "extra_forbidden": N_("unknown field"),
    "json_invalid": N_("not valid JSON"),
    "not_json": N_("expected a JSON object (Content-Type: application/json)"),
    "not_found": N_("no such page"),
    "method_not_allowed": N_("this address does not take that method"),
    "request_entity_too_large": N_("the request is too large"),
    # beyond a request's budget (planner/web/budgets.py): the setting that states the limit is named
    "query_too_long": N_("the query string is over %(limit_value)s bytes (%(limit)s)"),
    "too_many_parameters": N_("more than %(limit_value)s query parameters (%(limit)s)"),
    "body_too_large": N_("the body is over %(limit_value)s bytes (%(limit)s)"),
    "json_too_deep": N_("the JSON nests deeper than %(limit_value)s levels (%(limit)s)"),
    "window_too_long": N_("the window is longer than %(limit_value)s minutes (%(limit)s)"),
    # a client over a rate limit (planner/web/extensions.py): 429 with Retry-After
    "rate_limited": N_("too many requests of this kind: at most %(limit)s; ask again in %(retry_after_s)s s"),
    "unsupported_media_type": N_("unsupported content type"),
    "bad_request": N_("the request could not be understood"),
    "internal_server_error": N_("something went wrong on our side"),
}

#: Every code the catalogue can say, and its msgid.
TEMPLATES: dict[str, Template] = {**FAULTS, **NO_JOURNEY, **DAY_PLAN, **OPENING, **BAD_REQUEST, **OTHER}


def describe_reason(reason: Reason, lang: str) -> str:
    """A reason (or an error's code and parameters) in ``lang``.

    A code the catalogue does not know shows its free text (``detail``), else
    its plain English line.

    Examples
    --------
    >>> r = Reason("after_last_departure", {"origin": "m-240", "depart_at": "2027-12-31T23:50:00+08:00",
    ...            "last_departure_at": "2027-12-31T23:36:00+08:00"}, {"m-240": Name("东郊记忆", "Dongjiao Memory")})
    >>> describe_reason(r, "en")
    'after the last departure: nothing leaves near Dongjiao Memory after 2027-12-31 23:50; the last left at 2027-12-31 23:36'
    >>> describe_reason(r, "zh")
    '末班车已过：2027-12-31 23:50 之后 东郊记忆 附近没有车次；末班车 2027-12-31 23:36 已开出'
    """
    template = TEMPLATES.get(reason.code)
    detail = reason.params.get("detail")
    if template is None or set(reason.params) == {"detail"}:  # free text is shown as it is
        return str(detail) if detail is not None else str(reason)
    msgid = template(reason.params) if callable(template) else template
    return gettext(msgid, lang, **shown(reason.params, reason.names, lang))


def describe(error: PlannerError, lang: str) -> str:
    """The error's message in ``lang`` ('zh' or 'en'), for every domain error.

    A wrong parameter's message leaves out the field (the answer names it
    beside); data problems follow the count, each with where it is.

    Examples
    --------
    >>> from planner.domain.errors import BadRequest
    >>> describe(BadRequest("depart", "not_a_time", value="25:99"), "zh")
    '不是 HH:MM 格式的时间：“25:99”'
    """
    message = describe_reason(error.as_reason(), lang)
    if isinstance(error, DataError) and error.problems:
        message += ": " + "; ".join(str(problem) for problem in error.problems)
    return message


class _Shown(dict[str, object]):
    """Values for a message; a parameter a message names but the reason lacks shows empty."""

    def __missing__(self, key: str) -> str:
        return ""


def shown(params: Params, names: Mapping[str, Name], lang: str) -> dict[str, object]:
    """The parameters as a message shows them (see the module's docstring).

    Examples
    --------
    >>> shown({"depart_s": 85800, "place": "p1", "items": ("p1", "p2")}, {"p1": Name("甲", "A")}, "en")
    {'depart_s': 85800, 'depart': '23:50', 'depart_min': 1430, 'depart_h': 23, 'place': 'A', 'items': 'A, p2'}
    """
    values = _Shown()
    for key, value in params.items():
        values[key] = _value(key, value, names, lang)
        if key.endswith("_s") and isinstance(value, int) and not isinstance(value, bool):
            base = key[:-2]
            # whole minutes rounded up: "try again in 1 min" after 20 s, not in 0
            values.update({base: clock(value), f"{base}_min": -(-value // 60), f"{base}_h": value // 3600})
        elif key == "date" and isinstance(value, str):
            values["date_weekday"] = weekday(dt.date.fromisoformat(value), lang)
    return values


#: The breaks of a day plan a reason may name among its ``items`` (a must-see clashing with lunch).
BREAKS = {"lunch": N_("lunch"), "rest": N_("a rest break")}


def _value(key: str, value: Param, names: Mapping[str, Name], lang: str) -> object:
    if isinstance(value, str) and value in names:
        return _name(names[value], lang)
    if key == "items" and isinstance(value, str) and value in BREAKS:
        return gettext(BREAKS[value], lang)
    if key == "sessions" and isinstance(value, tuple):  # (start_s, end_s) pairs
        return joined((f"{clock(a)}-{clock(b)}" for a, b in _pairs(value)), lang)
    if isinstance(value, tuple):
        return joined((_value(key, item, names, lang) for item in value), lang)
    if key.endswith("_at") and isinstance(value, str):
        return value.replace("T", " ")[:16]
    return "" if value is None else value


def _pairs(value: tuple[Param, ...]) -> list[tuple[int, int]]:
    return [(int(pair[0]), int(pair[1])) for pair in value if isinstance(pair, tuple) and len(pair) == 2
            and isinstance(pair[0], int) and isinstance(pair[1], int)]


def _name(name: Name, lang: str) -> str:
    return name.en if lang == "en" else name.zh


def fault(code: str, lang: str, fallback: str = "", **values: object) -> str:
    """Words for a fault of a request that no domain error carries (a pydantic validation type,
    an HTTP error), its placeholders from ``values``; a code the catalogue lacks shows ``fallback``.

    Examples
    --------
    >>> fault("less_than_equal", "en", le=5000), fault("missing", "zh"), fault("odd_type", "en", "odd")
    ('must be at most 5000', '必填', 'odd')
    """
    if code not in TEMPLATES:
        return fallback or code.replace("_", " ")
    return describe_reason(Reason(code, {key: str(value) for key, value in values.items()}), lang)
