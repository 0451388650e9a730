"""Interface language: Chinese by default, English on request, words from the one catalogue.

Data carry their own ``name_zh``/``name_en``; every other word of the pages
is a msgid of the gettext catalogue in :mod:`planner.messages`, which
Flask-Babel reads for the templates (``{{ _('...') }}``) and the views. The
choice comes from ``?lang=`` (and is then remembered in a cookie).
"""
from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import Babel

from planner import messages
from planner.domain.errors import PlannerError
from planner.messages import DEFAULT_LANGUAGE, LANGUAGES
from planner.messages.staff_notes import say_note
from planner.web.links import query_of, url_with_query

COOKIE = "lang"


def current_lang() -> str:
    """The visitor's language: ``?lang=``, else the cookie, else Chinese."""
    return str(g.get("lang", DEFAULT_LANGUAGE))


def _(msgid: str, **values: object) -> str:
    """``msgid`` in the visitor's language (for views; templates have Flask-Babel's ``_``)."""
    return messages.gettext(msgid, current_lang(), **values)


def word(context: str, code: object) -> str:
    """The word for a code (a travel mode, a kind of place, a role ...) in the visitor's language."""
    return messages.word(context, str(code), current_lang())


def describe(error: PlannerError) -> str:
    """A domain error's message in the visitor's language."""
    return messages.describe(error, current_lang())


def translate_tag(tag: str) -> str:
    """A place's or event's tag in the interface language; an unknown tag as it is."""
    return word("tag", tag)


def _say_note(text: str | None) -> str | None:
    """A stored staff note or warning (English) in the visitor's language, names of venues and events too."""
    lang = current_lang()
    if lang == "en" or not text:
        return text
    from planner.web.state import state  # the model of this app

    model = state().model
    names = {p.name_en: p.name(lang) for p in model.places.values()}
    names |= {e.title_en: e.title(lang) for e in model.events.values() if e.title_en}
    return say_note(text, lang, names)


def _say_problem(text: str) -> str:
    """An import's rejection (English): a known staff shape, else a record check's ``field: message``."""
    said = _say_note(text)
    if said != text or current_lang() == "en":
        return said or text
    from planner.web.presenters.problem_words import problem_words

    field, sep, message = text.partition(": ")
    if not sep:
        return problem_words(text, current_lang())
    said = _say_note(message)  # an import's own shape, else a record check's
    return f"{field}{sep}{said if said != message else problem_words(message, current_lang())}"


def init_i18n(app: Flask) -> None:
    """Choose the language per request and give the templates the catalogue."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(messages.TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DOMAIN", "messages")
    Babel(app, locale_selector=current_lang)

    @app.before_request
    def choose_language() -> None:
        asked = request.args.get("lang")
        lang = asked if asked in LANGUAGES else request.cookies.get(COOKIE, DEFAULT_LANGUAGE)
        g.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    @app.after_request
    def remember_language(response: Response) -> Response:
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, current_lang(), max_age=365 * 86400, samesite="Lax")
        return response

    app.add_template_filter(translate_tag, "tag")
    app.add_template_global(word, "word")
    app.add_template_global(describe, "describe")
    # staff notes and calendar warnings are stored in English: said in the page's language
    app.add_template_global(_say_note, "say_note")
    app.add_template_filter(_say_problem, "say_problem")

    @app.context_processor
    def helpers() -> dict[str, object]:
        lang = current_lang()
        other = "en" if lang == "zh" else "zh"
        query = {**query_of(request.args), "lang": other}
        return {"lang": lang, "other_lang": other,
                "switch_lang_url": url_with_query(request.endpoint or "pages.home", query, **(request.view_args or {}))}
