"""Words for people: the one message catalogue of the web pages and the CLI.

The core returns codes with parameters (integer seconds, metres, ids, dates);
this layer turns them into words in a language with a gettext catalogue
(English msgids, Chinese in ``translations/zh``), read by Babel here and by
Flask-Babel in the web layer. It imports no Flask, so the command line uses
the same catalogue.
"""
from __future__ import annotations

from planner.messages.catalogue import (
    DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS_DIR, gettext, pgettext, translations,
)
from planner.messages.formats import clock, joined, minutes, weekday, weekday_short
from planner.messages.reasons import TEMPLATES, describe, describe_reason, fault
from planner.messages.words import calendar_name, meal_name, rest_name, word

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "TEMPLATES", "TRANSLATIONS_DIR", "calendar_name", "clock",
           "describe", "describe_reason", "fault", "gettext", "joined", "meal_name", "minutes", "pgettext", "rest_name",
           "translations", "weekday", "weekday_short", "word"]
