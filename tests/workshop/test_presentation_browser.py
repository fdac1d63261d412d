"""Presentation mode in Debian's Chromium at a projector's 1024×768: the arrow keys select the next and previous
requirement, keys 1–4 answer the selected one (saved under the name given at the gate, through the interview's own
status buttons), and the list of what blocks the next level follows each answer. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.workshop.test_browser import ARTIFACTS, _gate, running_workshop

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ITEM = "P1.RM.RA.01"
R01, R02, R03 = (f"{ITEM}.R0{n}" for n in (1, 2, 3))
WAIT_MS = 30_000  # a page run on a busy 2-core machine can take seconds; a broken key never passes


def _status_key(page: Page, key: str, rid: str) -> None:
    """Press a status key once the page listens to keys and the selected card shows its status buttons (a key
    pressed before then has nothing to press: the person sees the buttons first, too)."""
    from playwright.sync_api import expect

    expect(page.locator("html[data-present-keys=on]")).to_have_count(1, timeout=WAIT_MS)
    _selected(page, rid)
    page.keyboard.press(key)


def _answer(db: Path, workshop_id: int, rid: str, status: Status | None, timeout_s: float = 30.0) -> Answer:
    """The stored answer of `rid` once it holds `status` (the save follows the key press)."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = SqliteStore(db).load(workshop_id).part("caict-mlops-p1").answers.get(rid, Answer())
        if answer.status == status or time.monotonic() > deadline:
            assert answer.status == status, (rid, answer)
            return answer
        time.sleep(0.05)


def _selected(page: Page, rid: str) -> Locator:
    """The card of `rid` drawn as the selected one, once its status buttons are there to take a key."""
    from playwright.sync_api import expect

    card = page.locator(f"[class*='st-key-pcard-on-{rid.replace('.', '-')}']")
    expect(card.get_by_role("radio").last).to_be_visible(timeout=WAIT_MS)
    return card


def inside(buttons: Locator, width: int) -> int:
    """Assert every button is drawn, whole, within the viewport's width; the number of buttons."""
    from playwright.sync_api import expect

    expect(buttons.last).to_be_visible(timeout=WAIT_MS)
    count = buttons.count()
    for n in range(count):
        box = buttons.nth(n).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (n, box, width)
    return count


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_keys_answer_and_move_in_presentation_mode(
    tmp_path: Path, parts: list[Assessment], size: tuple[int, int]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "workshop.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    width, height = size
    with running_workshop(db, tmp_path) as (base, code), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/?w={workshop_id}&page=present&item={ITEM}&lang=en")
            _gate(page, "Wang Fang", code)
            expect(_selected(page, R01)).to_be_visible(timeout=WAIT_MS)
            blocking = page.locator(".st-key-present-blocking")
            expect(blocking).to_contain_text("Still needed for level 1", timeout=WAIT_MS)
            expect(blocking).to_contain_text(R01, timeout=WAIT_MS)
            expect(blocking).to_contain_text(R02, timeout=WAIT_MS)
            assert inside(_selected(page, R01).get_by_role("radio"), width) == 4
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"present-{width}x{height}.png"))

            _status_key(page, "1", R01)
            assert _answer(db, workshop_id, R01, Status.met).answered_by == "Wang Fang"
            expect(blocking).not_to_contain_text(R01, timeout=WAIT_MS)
            expect(blocking).to_contain_text(R02, timeout=WAIT_MS)

            page.keyboard.press("ArrowRight")
            expect(_selected(page, R02)).to_be_visible(timeout=WAIT_MS)
            _status_key(page, "1", R02)
            assert _answer(db, workshop_id, R02, Status.met).answered_by == "Wang Fang"
            expect(blocking).to_contain_text("Still needed for level 2", timeout=WAIT_MS)
            expect(blocking).to_contain_text(R03, timeout=WAIT_MS)

            page.keyboard.press("ArrowLeft")
            expect(_selected(page, R01)).to_be_visible(timeout=WAIT_MS)
            _status_key(page, "3", R01)
            assert _answer(db, workshop_id, R01, Status.not_met).answered_by == "Wang Fang"
            expect(blocking).to_contain_text("Still needed for level 1", timeout=WAIT_MS)
            expect(blocking).to_contain_text(R01, timeout=WAIT_MS)
            expect(blocking).not_to_contain_text(R02, timeout=WAIT_MS)

            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            expect(_selected(page, R03)).to_be_visible(timeout=WAIT_MS)
            _status_key(page, "4", R03)
            assert _answer(db, workshop_id, R03, Status.not_applicable).answered_by == "Wang Fang"
            _status_key(page, "2", R03)
            assert _answer(db, workshop_id, R03, Status.partial).answered_by == "Wang Fang"
            expect(_selected(page, R03).get_by_role("radio", name="partially met", exact=True)).to_have_attribute(
                "aria-checked", "true", timeout=WAIT_MS
            )
            assert inside(_selected(page, R03).get_by_role("radio"), width) == 4
            page.screenshot(path=str(ARTIFACTS / f"present-{width}x{height}-answered.png"))
        finally:
            browser.close()
    history = SqliteStore(db).history(workshop_id)
    assert {c.who for c in history if c.requirement in (R01, R02, R03)} == {"Wang Fang"}
