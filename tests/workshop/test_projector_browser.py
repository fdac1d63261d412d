"""The interview page on a projector's screen (1024×768, 1280×720) in Debian's Chromium: every status button of a
requirement is drawn whole inside the viewport's width, not cut or hidden. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

from assessors.assessment import Assessment
from assessors.sqlite_store import SqliteStore
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.workshop.test_browser import ARTIFACTS, _gate, running_workshop
from tests.workshop.test_presentation_browser import ITEM, R01, R02, inside

SIZES = ((1024, 768), (1280, 720))


def test_interview_status_buttons_fit_a_projector(tmp_path: Path, parts: list[Assessment]) -> None:
    from playwright.sync_api import sync_playwright

    db = tmp_path / "workshop.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    with running_workshop(db, tmp_path) as (base, code), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            width, height = SIZES[0]
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/?w={workshop_id}&page=interview&item={ITEM}&lang=en")
            _gate(page, "Wang Fang", code)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                for rid in (R01, R02):
                    group = page.get_by_role("radiogroup", name=f"Status of {rid}")
                    group.scroll_into_view_if_needed()
                    assert inside(group.get_by_role("radio"), width) == 4
                page.screenshot(path=str(ARTIFACTS / f"interview-{width}x{height}.png"))
        finally:
            browser.close()
