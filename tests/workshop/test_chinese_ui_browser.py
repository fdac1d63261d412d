"""Every page of the workshop in a real browser (Debian's Chromium through Playwright) speaks the language chosen.

Issue 14: Chinese screens still showed English in the upload box, placeholders, chart tooltips, validation messages
and evidence summaries. Each page listed in app/workshop/state.PAGES is opened with lang=zh over a workshop holding
Part 1, Part 2, answers and an evidence bundle; the Start page also with its create form refused, the dashboard with
a chart point hovered. The text read is what a person can see or hear: the body's text, the charts' SVG text (axis
titles, legends, the hover label), the tables' cells, placeholders, aria-labels and titles, words drawn by style
sheets, and the text inside custom components' shadow roots and frames. On the Chinese page no run of three or more
Latin letters may show beyond the short allowlist below; on the English page no Chinese character beyond the seed's
own Chinese data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.workshop import bundles, state
from app.workshop.words import t
from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from capability_model.schema import Lang
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from reports.checks_view import probe_text
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.workshop.test_browser import running_workshop

if TYPE_CHECKING:
    from playwright.sync_api import Page

PARTS = ("caict-mlops-p1", "caict-mlops-p2")
ANSWERED = "P1.RM.RA.01.R01"
PROBE, SUMMARY = "git.data_versioning_tools", "data versioning tools found"
NOTE = "需求文档写明了两个项目的目标"

# Latin words allowed on the Chinese page, each for a reason; compared case-sensitively, whole words only.
ALLOWED_LATIN = frozenset(
    {
        "MLOps", "PDF", "HTML", "Markdown", "JSON", "CSV", "YAML",  # the field's and the formats' names
        "Wei", "reco", "service", "dvc",  # the seed's assessor (Li Wei), the bundle's target and the tool it found
        "evaluate", "release",  # values a check expects (CI activities), shown as the report shows them
        "English",  # the language switch names English in English, as language menus do
    }
)  # fmt: skip
# Text Streamlit draws itself with no parameter to give it in another language (Streamlit has no translations): the
# aria-labels and titles of its own controls, the date box's format mask, the hidden file input's label, and its
# element toolbar over tables. Whole texts (after the label they name is taken out, for "Help for {label}").
STREAMLIT_OWN = frozenset(
    {
        "Skip to main content", "Sidebar", "Collapse sidebar", "Link to heading",  # page frame
        "Open", "Clear all", "Selected values",  # select boxes: the arrow, the clear button, the chosen values
        "Increment", "Decrement",  # number input
        "Choose date", "yyyy",  # date input: its button and format mask (and "day, {label}" ... for its fields)
        "file upload",  # the file uploader's hidden input
        "progress",  # st.progress bars
        "Help",  # the help icon (and "Help for {label}"; "Remove {option}" for a chosen option's button)
        "Download as CSV", "Fullscreen", "Search", "Show/hide columns",  # the toolbar over tables
    }
)  # fmt: skip
_OWN_PREFIX = re.compile(r"^(Help for|Remove|day,|month,|year,) ")
# Chinese by nature: the seed's organisation and scope, the answer's note, and the language switch naming Chinese in
# Chinese; allowed on the English page.
SEED_CHINESE = ("示例银行", "推荐系统", NOTE, "中文")

_LATIN = re.compile(r"[A-Za-z]{3,}")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# Data and identifiers, whatever their letters: URLs, paths, file names and extensions, framework references
# (caict-mlops-p1@2022.10.4), probe ids (git.ci_runs_tests) and the server command's options (--targets).
_DATA = re.compile(
    r"\S*://\S*|\S*/\S+|\S*\.(?:sqlite|zip|gz|tgz|yaml|yml|json|csv|pdf|html|md)\b|\S+@[\d.]+"
    r"|\b[a-z]+\.[a-z_]+\b|--[a-z-]+"
)

_COLLECT = """() => {
  const out = [document.body.innerText];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const name of ['placeholder', 'aria-label', 'title']) {
        const value = el.getAttribute(name);
        if (value) out.push(value);
      }
      if (el.shadowRoot) {
        for (const child of el.shadowRoot.children) if (child.innerText) out.push(child.innerText);
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  for (const text of document.querySelectorAll('svg text')) out.push(text.textContent);
  for (const el of document.querySelectorAll('*')) {  // words drawn by style sheets (the uploader's, in Chinese)
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content.startsWith('"')) out.push(JSON.parse(content));
    }
  }
  // icon font ligatures (keyboard_arrow_down) are drawn as icons, not read as words
  const icons = [...document.querySelectorAll('[data-testid="stIconMaterial"]')].map((e) => e.textContent);
  return {texts: out, icons};
}"""


def _bundle(root: Path) -> Path:
    """A bundle with one decided record (it has a summary in English, as collectors write) and one unavailable."""
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    source = EvidenceSource(system="git", url="file:///repos/reco-service")
    records = [
        EvidenceRecord(
            probe=PROBE,
            target="reco-service",
            value=["dvc"],
            status=EvidenceStatus.ok,
            source=source,
            collected_at=at,
            collector=CollectorInfo(name="git", version="1"),
            summary=SUMMARY,
        ),
        EvidenceRecord(
            probe="git.ci_runs_tests",
            target="reco-service",
            value=None,
            status=EvidenceStatus.unavailable,
            source=source,
            collected_at=at,
            collector=CollectorInfo(name="git", version="1"),
            reason="the repository could not be read",
        ),
    ]
    write_bundle(root, Collection(records=records, raw=RawStore(), redactor=Redactor()))
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    """One server for every case: a workshop with Part 1 and Part 2, an answer and an evidence bundle."""
    from capability_model.catalog import resolve
    from tests.workshop.conftest import blank

    tmp = tmp_path_factory.mktemp("zh-ui")
    db = tmp / "workshop.sqlite"
    parts: list[Assessment] = [blank(resolve(ref)) for ref in PARTS]
    store = SqliteStore(db)
    workshop_id = store.create(parts, "seed")
    store.save_answer(workshop_id, "caict-mlops-p1", ANSWERED, Answer(status=Status.met, note=NOTE), "Li Wei")
    folder = _bundle(bundles.new_bundle_dir(db, workshop_id))
    store.set_evidence_bundle(workshop_id, bundles.stored_form(db, folder))
    with running_workshop(db, tmp) as (url, code):
        yield url, code, workshop_id


def _settled(page: Page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    page.wait_for_timeout(300)  # charts and components draw after the run ends


def _texts(page: Page) -> list[str]:
    read = page.evaluate(_COLLECT)
    icons = set(read["icons"])
    found: list[str] = [line for text in read["texts"] for line in text.splitlines() if line.strip() not in icons]
    for frame in page.frames[1:]:  # components drawn in frames
        found.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
    return [text for text in found if text]


# The tables each page shows over the seed (the gap table; the evidence records; the audit trail).
TABLES = {"dashboard": 1, "evidence": 1, "audit": 1}
_CHECKBOX = re.compile(r"(?<=,)(?:true|false)(?=,|$)")


def _tables(page: Page, name: str) -> list[str]:
    """The cells of every table on the page: st.dataframe draws them on a canvas, so they are read from the CSV its
    toolbar downloads. Its header row is left out: Streamlit writes the data's column names there, not the labels
    the page gives the columns (column_config), which are what the screen shows; so are a checkbox column's
    true/false."""
    from playwright.sync_api import expect

    tables = page.get_by_test_id("stDataFrame")
    expect(tables).to_have_count(TABLES.get(name, 0))
    lines = []
    for table in tables.all():
        table.hover()
        with page.expect_download() as download:
            table.get_by_role("button", name="Download as CSV").click()
        cells = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[1:]
        assert cells, name
        lines += [_CHECKBOX.sub("", line) for line in cells]
    return lines


@cache
def _framework_texts() -> tuple[str, ...]:
    """The seed's requirement texts and guidance in Chinese: framework data, which names products in Latin letters
    as examples (如 Airflow、Kubeflow Pipelines), taken out of a line before it is checked."""
    from capability_model.catalog import resolve

    found = {
        text.get("zh")
        for ref in PARTS
        for _, requirement in resolve(ref).framework.requirements()
        for text in (requirement.text, requirement.guidance)
    }
    return tuple(sorted((t for t in found if t), key=len, reverse=True))


def _latin(view: str, texts: list[str]) -> set[str]:
    """Each text holding a Latin word beyond the allowlist, with those words."""
    bad = set()
    for text in texts:
        for line in text.splitlines():
            if _LATIN.search(line) and _CJK.search(line):
                for framework_text in _framework_texts():
                    line = line.replace(framework_text, " ")
            if line.strip() in STREAMLIT_OWN:
                continue
            kept = _DATA.sub(" ", _OWN_PREFIX.sub("", line))
            words = [w for w in _LATIN.findall(kept) if w not in ALLOWED_LATIN]
            if words:
                bad.add(f"{line.strip()[:160]!r} -> {sorted(set(words))}")
    return bad


def _chinese(texts: list[str]) -> set[str]:
    bad = set()
    for text in texts:
        for line in text.splitlines():
            kept = line
            for seed in SEED_CHINESE:
                kept = kept.replace(seed, " ")
            if _CJK.search(kept):
                bad.add(repr(line.strip()[:160]))
    return bad


def _open(page: Page, url: str, code: str, lang: str, workshop_id: int, name: str) -> None:
    page.goto(f"{url}/?w={workshop_id}&page={name}&lang={lang}")
    page.locator(".st-key-gate-code, [data-testid='stSidebar']").first.wait_for()  # the gate, or let in by cookie
    if page.locator(".st-key-gate-code").count():
        page.locator(".st-key-gate-name input").fill("Li Wei")
        page.locator(".st-key-gate-code input").fill(code)
        page.locator(".st-key-gate-enter button").click()
    page.get_by_test_id("stSidebar").wait_for()
    _settled(page)


def _views(page: Page, url: str, code: str, lang: Lang, workshop_id: int) -> Iterator[tuple[str, list[str]]]:
    """Every page, and the states of it the issue named, each with the texts read from it."""
    for name in state.PAGES:
        _open(page, url, code, lang, workshop_id, name)
        texts = _texts(page) + _tables(page, name)
        if name == "evidence":  # the record's summary as the report says it, and the upload box in the language
            said = probe_text(PROBE, lang) if lang == "zh" else SUMMARY  # English keeps the collector's own words
            assert said in "\n".join(texts)
            assert lang == "en" or t("upload_button", lang) in texts
        yield name, texts
        if name == "start":
            tabs = page.get_by_role("tab")
            for n in range(tabs.count()):
                tabs.nth(n).click()
                _settled(page)
                yield f"start tab {n + 1}", _texts(page)
            tabs.nth(1).click()  # create, with the organisation left empty: refused by the model
            page.locator(".st-key-new-organisation input").fill("")
            page.locator(".st-key-new-go button").click()
            page.get_by_test_id("stAlert").first.wait_for()
            _settled(page)
            refused = t(
                "field_problem", lang, field=t("field_organisation", lang), problem=t("invalid_string_too_short", lang)
            )
            assert refused in page.get_by_test_id("stAlert").first.inner_text()
            yield "start create refused", _texts(page)
        if name == "dashboard":
            point = page.locator(".js-plotly-plot .scatterlayer .point").first
            point.hover(force=True)
            hover = page.locator(".hoverlayer .hovertext").first
            hover.wait_for()
            assert t("colon", lang) in (hover.text_content() or "")  # the domain and its value, as the page words them
            yield "dashboard radar hover", _texts(page)
            heat = page.locator(".js-plotly-plot").nth(1).locator(".nsewdrag").first
            heat.hover()
            page.locator(".hoverlayer .hovertext").first.wait_for()
            yield "dashboard matrix hover", _texts(page)
        if name == "evidence":
            page.get_by_role("tab").nth(1).click()
            _settled(page)
            yield "evidence collect tab", _texts(page)


def _audit(served: tuple[str, str, int], lang: Lang) -> dict[str, set[str]]:
    from playwright.sync_api import sync_playwright

    url, code, workshop_id = served
    found: dict[str, set[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
            page.add_init_script("delete window.showSaveFilePicker")  # a table's CSV comes as a download
            page.set_default_timeout(30_000)
            for view, texts in _views(page, url, code, lang, workshop_id):
                assert texts, view
                found[view] = _latin(view, texts) if lang == "zh" else _chinese(texts)
        finally:
            browser.close()
    return found


def _message(found: dict[str, set[str]]) -> str:
    counts = ", ".join(f"{view}: {len(bad)}" for view, bad in found.items())
    lines = [f"[{view}] {text}" for view, bad in found.items() for text in sorted(bad)]
    return f"per view: {counts}\n" + "\n".join(lines)


def test_the_chinese_pages_show_no_english(served: tuple[str, str, int]) -> None:
    found = _audit(served, "zh")
    assert set(found) >= set(state.PAGES)
    assert not any(found.values()), _message(found)


def test_the_english_pages_show_no_chinese(served: tuple[str, str, int]) -> None:
    found = _audit(served, "en")
    assert set(found) >= set(state.PAGES)
    assert not any(found.values()), _message(found)
