"""/sources: each data file as readable tables, sourced and assumed values told apart, in both
languages (Chinese from planner.messages.data_zh), and the calendar as the database has it."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml

from planner.domain.paths import bundled_data_dir
from planner.messages.data_zh import ZH, key_of, translate

HAN = re.compile(r"[\u3400-\u9fff]")


def data_texts() -> list[tuple[str, str, str]]:
    """(file, field, text) of every source and assumption in data/*.yaml."""
    found = []

    def walk(node, name):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("source", "assumption") and isinstance(value, str):
                    found.append((name, key, key_of(value)))
                else:
                    walk(value, name)
        elif isinstance(node, list):
            for item in node:
                walk(item, name)

    for path in sorted(bundled_data_dir().glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    return found


def test_every_source_and_assumption_has_its_chinese():
    """A text changed in data/*.yaml shows here as missing, not as English on a Chinese page."""
    texts = data_texts()
    assert len(texts) > 100
    missing = sorted({f"{name} {key}: {text!r}" for name, key, text in texts if text not in ZH})
    assert not missing, "add to planner/messages/data_zh.py:\n" + "\n".join(missing)
    for _, _, text in texts:
        zh = ZH[text]
        assert HAN.search(zh) or zh == text, text  # Chinese, or a name said the same in both (cd.js)
        # every number of the English is in the Chinese (a translation keeps the figures)
        assert set(re.findall(r"\d+", text)) <= set(re.findall(r"\d+", zh)), (text, zh)


def test_the_table_has_no_text_the_data_no_longer_has():
    """Entries for texts the data dropped would hide a changed text's missing translation."""
    current = {text for _, _, text in data_texts()}
    assert sorted(set(ZH) - current) == []


def test_translate_falls_back_to_none_and_keeps_english():
    text = data_texts()[0][2]
    assert translate(text, "en") == text and translate("  " + text.replace(" ", "\n  ") + " ", "zh") == ZH[text]
    assert translate("not a data text", "zh") is None


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find('<section', start)
    return page[start:end if end > 0 else None]


def _record(page: str, ident: str) -> str:
    """The card of the record whose id (or path) is ``ident``."""
    match = re.search(rf'<article class="data-record[^"]*">\s*<h4>(?:(?!</article>).)*?>{re.escape(ident)}</code>'
                      rf'(?:(?!</article>).)*</article>', page, re.S)
    assert match, ident
    return match.group()


def test_sources_page_is_tables_per_file_with_sourced_and_assumed_apart(client):
    page = client.get("/sources?lang=en").get_data(as_text=True)
    assert '<pre class="source-file">' not in page  # not the raw YAML dump any more
    for name in ("places.yaml", "shuttle.yaml", "network.yaml", "transit.yaml"):
        assert f'<section class="panel wide data-file" id="{name}">' in page
        assert f'href="/sources/{name}"' in page
    gate = _record(page, "panda-south-gate")
    assert "data-kind-sourced" in gate and "OSM way 686460747 (FACTS.md)" in gate and "Assumption:" not in gate
    west = _record(page, "panda-west-gate")
    assert "data-kind-both" in west and "Source:" in west and "Assumption:" in west
    stage = _record(page, "dj-east-stage")
    assert "data-kind-assumed" in stage or "data-kind-both" in stage
    assert "<code>lat</code></dt><dd><code>30.735095</code>" in gate  # the values as the file writes them
    # network.yaml's own values and their one assumption
    network = _section(page, "network.yaml")
    assert "<code>walk_speed_m_s</code></dt><dd><code>1.2</code>" in network and "data-kind-assumed" in network
    # a Chinese place name inside an English text is marked as Chinese
    assert '<span lang="zh">成华大道</span>' in page


def test_sources_page_in_chinese(client):
    page = client.get("/sources?lang=zh").get_data(as_text=True)
    gate = _record(page, "panda-south-gate")
    assert ZH["OSM way 686460747 (FACTS.md)"] in gate and "南大门" in gate
    west = _record(page, "panda-west-gate")
    assert "来源" in west and "假设" in west and "部分有来源，部分为假设" in west
    assert "OSM way" not in page and "No Chinese for this text yet" not in page
    # the shuttle's bilingual notes in Chinese
    assert "假设：6 辆车" in _section(page, "shuttle.yaml")


def test_a_text_without_chinese_is_shown_in_english_and_said_so(app, monkeypatch):
    from planner.messages import data_zh

    text = "OSM way 686460747 (FACTS.md)"
    monkeypatch.delitem(data_zh.ZH, text)
    page = app.test_client().get("/sources?lang=zh").get_data(as_text=True)
    gate = _record(page, "panda-south-gate")
    assert f'<span lang="en">{text}</span>' in gate and "此段文字尚无中文" in gate


def test_the_calendar_is_the_database_as_staff_edited_it(tmp_path):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'planner.db'}",
                      "IMPORT_DIR": str(tmp_path / "imports")})
    try:
        client, store = app.test_client(), app.extensions["planner"].calendar
        seeded = yaml.safe_load((bundled_data_dir() / "events.yaml").read_text(encoding="utf-8"))["events"]
        first = seeded[0]
        page = client.get("/sources?lang=en").get_data(as_text=True)
        assert f'id="event-{first["id"]}"' in page and first["title_en"] in page
        stored = store.get(first["id"])
        store.update(first["id"], {"title_en": "Pandas at breakfast (edited)"}, stored.version, "sally")
        store.cancel(seeded[1]["id"], store.get(seeded[1]["id"]).version, "sally")
        calendar = _section(client.get("/sources?lang=en").get_data(as_text=True), "calendar")
        edited = calendar[calendar.index(f'id="event-{first["id"]}"'):]
        edited = edited[:edited.index("</article>")]
        assert "Pandas at breakfast (edited)" in edited and first["title_en"] not in calendar
        assert f"{stored.version + 1} · " in edited and "sally" in edited
        start = calendar.index(f'id="event-{seeded[1]["id"]}"')
        card = calendar[calendar.rindex("<article", 0, start):calendar.index("</article>", start)]
        assert 'cancelled" id=' in card and "Cancelled" in card
        zh = _section(client.get("/sources?lang=zh").get_data(as_text=True), "calendar")
        assert "已取消" in zh
    finally:
        app.extensions["planner"].close()


def test_each_data_file_as_it_is(client):
    answer = client.get("/sources/places.yaml")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.get_data(as_text=True) == (bundled_data_dir() / "places.yaml").read_text(encoding="utf-8")
    assert client.get("/sources/secret_key").status_code == 404
    assert client.get("/sources/..%2Fpyproject.toml").status_code == 404


def _pages_benchmark():
    """benchmarks/pages.py: the strings a person reads and which are in the other language's script."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "pages.py"
    spec = importlib.util.spec_from_file_location("benchmark_pages_for_sources", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sources_on_a_phone_fits_and_is_all_in_the_pages_language(browser, live_server, lang):
    bench = _pages_benchmark()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(f"{live_server}/sources?lang={lang}")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        for width in (360, 390, 414):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        strings = [tuple(s) for s in page.evaluate(bench.STRINGS_JS, lang)]
        assert len(strings) > 200
        assert bench.untranslated(strings, lang) == []
        # collapsed, the page is a short list of files and tables (the raw dump was 22,000 px)
        page.reload()
        assert page.evaluate("document.documentElement.scrollHeight") < 22000
    finally:
        page.close()
