"""A language switch in a real browser (Debian's Chromium through Playwright) keeps the page and the choices made.

Streamlit's radio, multiselect and segmented control send the chosen option's *label* back to the server. Switching
the language relabels every option, so the label the browser still held after a switch ("Interview") was no longer
an option of the redrawn widget ("访谈"): the next click reset it to its first option and opened the Start page, and
emptied the create form's chosen parts (issue 14). Each case here switches the language back and forth and then
clicks elsewhere, checking the page and the choices stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assessors.assessment import Assessment
from assessors.sqlite_store import SqliteStore
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.workshop.test_browser import running_workshop

if TYPE_CHECKING:
    from playwright.sync_api import Page

ITEM, OTHER = "P1.RM.RA.01", "P1.RM.RA.02"
SWITCHES = (("中文", "MLOps 能力成熟度评估工作坊"), ("English", "MLOps maturity workshop")) * 2


@pytest.fixture
def served(tmp_path: Path, parts: list[Assessment]) -> Iterator[tuple[str, str, int]]:
    db = tmp_path / "workshop.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    with running_workshop(db, tmp_path) as (url, code):
        yield url, code, workshop_id


def _enter(page: Page, url: str, code: str) -> None:
    page.goto(url)
    page.get_by_label("Your name").fill("Li Wei")
    page.get_by_label("Access code", exact=True).fill(code)
    page.get_by_role("button", name="Enter", exact=True).click()


def _switch(page: Page, lang: str, title: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebar").locator(".st-key-lang").get_by_role("radio", name=lang, exact=True).click()
    expect(page.get_by_test_id("stSidebar").locator("h3").first).to_have_text(title)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def test_after_a_language_switch_the_next_click_stays_on_the_interview(served: tuple[str, str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, code, workshop_id = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            _enter(page, f"{url}/?w={workshop_id}&page=interview&item={ITEM}&lang=en", code)
            page.locator(f".st-key-nav-{ITEM.replace('.', '-')} button").wait_for()
            for n, (lang, title) in enumerate(SWITCHES):
                _switch(page, lang, title)
                assert "page=interview" in page.url, (lang, page.url)
                # the next click: another item from the sidebar tree
                item = (OTHER, ITEM)[n % 2]
                page.locator(f".st-key-nav-{item.replace('.', '-')} button").click()
                expect(page.locator("h3").filter(has_text=item)).to_be_visible()
                expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
                assert "page=interview" in page.url and f"item={item}" in page.url, (lang, page.url)
                interview = "访谈" if lang == "中文" else "Interview"
                chosen = page.get_by_test_id("stSidebar").get_by_role("radio", name=interview, exact=True)
                expect(chosen).to_be_checked()
        finally:
            browser.close()


def test_a_language_switch_keeps_the_parts_chosen_on_the_start_page(served: tuple[str, str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, code, _ = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            _enter(page, f"{url}/?page=start&lang=en", code)
            page.get_by_role("tab", name="Create an assessment").click()
            chosen = page.locator(".st-key-new-parts .react-aria-ComboBox [data-tag]")
            chosen.first.wait_for()
            offered = chosen.count()
            assert offered >= 2, offered  # every part is chosen at first
            chosen.nth(1).get_by_role("button").click()  # remove the second part
            expect(chosen).to_have_count(offered - 1)
            expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
            kept = chosen.all_inner_texts()  # read once the rerun has settled (its redraw may briefly show both)
            assert len(kept) == offered - 1, kept
            for lang, title in SWITCHES:
                _switch(page, lang, title)
                page.get_by_role("tab", name="新建评估" if lang == "中文" else "Create an assessment").click()
                expect(chosen).to_have_count(offered - 1)
                assert "page=start" in page.url
            expect(chosen).to_have_text(kept)
            page.get_by_label("Organisation *").click()  # the next click elsewhere keeps it too
            expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
            expect(chosen).to_have_count(offered - 1)
        finally:
            browser.close()
