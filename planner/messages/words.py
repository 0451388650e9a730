"""Words named by a code: modes, kinds, tags, statuses, roles, form fields...

Each table maps a code of the core or the data to its English msgid; the
table's context (``pgettext``) tells translators what the word names, and
keeps apart one English word that names two things ("Venue": a field, a kind
of place).
"""
from __future__ import annotations

from planner.messages.catalogue import gettext, pgettext


#: How a leg is travelled (journeys, day plans).
MODES = {
    "walk": "Walk",
    "wait": "Wait",
    "metro": "Metro",
    "bus": "Bus",
    "tram": "Tram",
    "rail": "Rail",
    "shuttle": "Shuttle",
    "taxi": "Taxi",
}

#: What a place or a plan's step is.
KINDS = {
    "gate": "Gate",
    "attraction": "Attraction",
    "venue": "Venue",
    "spot": "Spot",
    "event": "Event",
    "meal": "Meal",
    "rest": "Rest",
}

#: Tags of places and events (data/places.yaml, data/events.yaml); a tag without a word shows as it is.
TAGS = {
    "art": "art",
    "comedy": "comedy",
    "concert": "concert",
    "entrance": "entrance",
    "evening": "evening",
    "exhibition": "exhibition",
    "food": "food",
    "free": "free",
    "history": "history",
    "kids": "kids",
    "morning": "morning",
    "museum": "museum",
    "music": "music",
    "pandas": "pandas",
    "photo": "photo spot",
    "red-pandas": "red pandas",
    "sci-fi": "sci-fi",
    "street": "street",
    "theatre": "theatre",
    "tradition": "tradition",
    "view": "view",
}

#: The comparison's series.
SERIES = {
    "transit": "Today's transit",
    "shuttle": "Transit + shuttle",
    "taxi": "Taxi",
}

#: Account roles.
ROLES = {
    "staff": "staff",
    "planner": "planner",
    "admin": "admin",
}

#: Labels of the event form's and the accounts' fields.
FIELDS = {
    "id": "Id",
    "title_zh": "Title (Chinese)",
    "title_en": "Title (English)",
    "description_zh": "Description (Chinese)",
    "description_en": "Description (English)",
    "venue": "Venue",
    "start": "Start",
    "end": "End",
    "rrule": "Recurrence",
    "exdates": "Exceptions (sessions left out)",
    "overrides": "Changed sessions",
    "rdates": "Extra sessions",
    "all_day": "All day",
    "status": "Status",
    "price_cny": "Price (CNY)",
    "capacity": "Capacity (people)",
    "tags": "Tags",
    "source": "Source",
    "assumption": "Assumption",
    "uid": "UID",
    "role": "Role",
    "name": "Name",
    "password": "Password",
    "event": "Event",
    "active": "Active",
}

#: What a change in an event's history did.
ACTIONS = {
    "seed": "seeded",
    "create": "created",
    "update": "edited",
    "cancel": "cancelled",
    "duplicate": "duplicated",
    "restore": "restored",
    "import": "imported",
}

#: The day planner's paces.
PACES = {
    "relaxed": "Relaxed",
    "normal": "Normal",
    "brisk": "Brisk",
}

#: What an error page says first, by status.
ERROR_HINTS = {
    "400": "Part of the request could not be understood: check it and try again.",
    "404": "What you asked for does not exist.",
    "422": "The data did not pass the checks.",
}

#: An event's status.
STATUSES = {
    "cancelled": "Cancelled",
    "sold_out": "Sold out",
    "scheduled": "Scheduled",
}

#: Which journey of the answer it is.
JOURNEY_LABELS = {
    "fastest": "Fastest",
    "fewest_transfers": "Fewest transfers",
    "taxi": "Taxi",
}

#: The tables by their context.
TABLES: dict[str, dict[str, str]] = {
    "travel mode": MODES,
    "place kind": KINDS,
    "tag": TAGS,
    "series": SERIES,
    "role": ROLES,
    "field": FIELDS,
    "history action": ACTIONS,
    "pace": PACES,
    "error hint": ERROR_HINTS,
    "event status": STATUSES,
    "journey": JOURNEY_LABELS,
}


def word(context: str, code: str, lang: str) -> str:
    """The word for ``code`` in the table ``context``, in ``lang``; an unknown code as it is.

    Examples
    --------
    >>> word("travel mode", "metro", "zh"), word("travel mode", "metro", "en"), word("tag", "new-tag", "zh")
    ('地铁', 'Metro', 'new-tag')
    """
    msgid = TABLES[context].get(code)
    return code if msgid is None else pgettext(context, msgid, lang)


def calendar_name(lang: str) -> str:
    """The events calendar's name (feeds, exports), in ``lang``.

    Examples
    --------
    >>> calendar_name("en")
    'Dongjiao Memory · Panda Base events'
    """
    return gettext("Dongjiao Memory · Panda Base events", lang)


def meal_name(site: str, lang: str) -> str:
    """A day plan's lunch break at a site (named in ``lang``), e.g. "Lunch (Dongjiao Memory)"."""
    return gettext("Lunch (%(site)s)", lang, site=site)


def rest_name(site: str, lang: str) -> str:
    """A day plan's rest break at a site (named in ``lang``), e.g. "A rest (Panda Base)"."""
    return gettext("A rest (%(site)s)", lang, site=site)
