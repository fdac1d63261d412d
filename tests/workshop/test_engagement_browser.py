"""End to end in Debian's headless Chromium: an action item added on the Sessions & actions page is in the store and
still listed after a reload."""

from __future__ import annotations

import time
from pathlib import Path

from assessors.assessment import Assessment
from assessors.frame import ActionItem
from assessors.sqlite_store import SqliteStore
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.workshop.test_browser import ARTIFACTS, _gate, running_workshop

REF = "P1.RM.RA.01.R02"


def _actions(db: Path, workshop_id: int, timeout_s: float = 15.0) -> list[ActionItem]:
    """The stored action items once there is one (the save follows the click)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = SqliteStore(db).load(workshop_id).header.frame.actions
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_an_action_item_added_in_the_page_survives_a_reload(tmp_path: Path, parts: list[Assessment]) -> None:
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "workshop.sqlite"
    workshop_id = SqliteStore(db).create([parts[0]], "seed")
    with running_workshop(db, tmp_path) as (base, code), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/?w={workshop_id}&page=engagement&lang=en")
            _gate(page, "Li Wei", code)
            expect(page.get_by_text("There is no action item yet.")).to_be_visible()
            page.locator("summary").filter(has_text="Add an action item").click()
            ref = page.get_by_role("combobox", name="Requirement or capability item (gaps first)")
            ref.click()
            ref.fill(REF)
            page.get_by_role("option").filter(has_text=f"Gap · L1 · {REF}").click()  # gaps are offered first
            owner = page.get_by_role("combobox", name="Owner")
            owner.click()
            owner.fill("Wang")
            page.keyboard.press("Enter")
            page.locator(".st-key-eng-a-new-note input").fill("write the targets down")
            page.locator(".st-key-eng-a-new-note input").press("Enter")
            page.get_by_role("button", name="Add an action item", exact=True).click()
            expect(page.get_by_text("The action item is added.")).to_be_visible()
            assert _actions(db, workshop_id) == [ActionItem(ref=REF, owner="Wang", note="write the targets down")]

            page.reload()  # a new session of the same browser: the item comes from the store
            expect(page.get_by_text(f"{REF} · Wang · open")).to_be_visible()
            expect(page.get_by_text("Action items: 1; overdue: 0")).to_be_visible()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "workshop-engagement.png"))
        finally:
            browser.close()
