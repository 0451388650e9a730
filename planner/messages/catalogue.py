"""The gettext catalogue: English msgids, translations per language, loaded with Babel.

One catalogue serves the web pages (Flask-Babel reads the same directory) and
the command line (through :func:`gettext` here, without Flask). Messages use
named placeholders, ``%(name)s``; a literal percent sign is written ``%%``.

To add or change a message: edit ``translations/zh/LC_MESSAGES/messages.po``
(English msgid, Chinese msgstr), then compile it::

    pybabel compile -d planner/messages/translations -D messages

``tests/test_messages.py`` checks that the committed ``.mo`` is the compiled
``.po``, that every message has its Chinese, and that every message the code
and the templates use is in the catalogue.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

#: Languages of the interface; English is the catalogue's own (the msgids).
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
TRANSLATIONS_DIR = Path(__file__).with_name("translations")
DOMAIN = "messages"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The translations of ``lang`` (English: the msgids as they are).

    Loaded once per language: the catalogue is part of the package and does not change while running.
    """
    if lang not in LANGUAGES or lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], DOMAIN)


def gettext(msgid: str, lang: str, **values: object) -> str:
    """``msgid`` in ``lang``, its ``%(name)s`` placeholders filled from ``values``.

    Examples
    --------
    >>> gettext("every %(n)s min", "zh", n=7), gettext("every %(n)s min", "en", n=7)
    ('每 7 分钟一班', 'every 7 min')
    """
    return translations(lang).ugettext(msgid) % values


def pgettext(context: str, msgid: str, lang: str, **values: object) -> str:
    """Like :func:`gettext`, for a msgid whose meaning depends on ``context`` ("Venue" as a field, as a kind).

    Examples
    --------
    >>> pgettext("place kind", "Venue", "zh"), pgettext("field", "Venue", "zh")
    ('场馆', '场地')
    """
    return translations(lang).upgettext(context, msgid) % values


def N_(msgid: str) -> str:
    """Marks a msgid for extraction where it is defined, translated later (gettext's ``N_``)."""
    return msgid
