"""Proposals end to end in a real browser (Debian's headless Chromium, driven by Playwright) against `mlops-maturity
workshop` on 127.0.0.1: draft answers from the loaded bundle, accept one, override another with a reason, reload,
and both decisions are still shown and stored."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessors.assessment import Answer, Status
from assessors.sqlite_store import SqliteStore
from capability_model.catalog import resolve
from tests.conftest import ROOT
from tests.workshop.conftest import blank
from tests.workshop.test_browser import CHROMIUM, CHROMIUM_ARGS, _gate, running_workshop
from tests.workshop.test_proposals import FEATURES, P1, PINNED, seeded

ARTIFACTS = ROOT / "tests" / "artifacts"
ACCEPTED, OVERRIDDEN = f"{FEATURES}.R05", f"{FEATURES}.R06"
REASON = "Feast is installed but no model reads features from it yet"


def _decided(db: Path, workshop_id: int, timeout_s: float = 15.0) -> dict[str, Answer]:
    """The stored answers once the page's accept and override are written."""
    deadline = time.monotonic() + timeout_s
    while True:
        answers = SqliteStore(db).load(workshop_id).part(P1).answers
        done = answers[ACCEPTED].confirmed_by is not None and answers[OVERRIDDEN].provenance == "overridden"
        if done or time.monotonic() > deadline:
            assert done, (answers[ACCEPTED], answers[OVERRIDDEN])
            return answers
        time.sleep(0.05)


@pytest.fixture
def proposal_server(tmp_path: Path) -> Iterator[tuple[str, Path, int, str]]:
    """The workshop command on a free port, its database holding Part 1 with a bundle loaded; and its access code."""
    db = tmp_path / "workshop.sqlite"
    workshop_id = seeded(db, blank(resolve(PINNED)))
    with running_workshop(db, tmp_path) as (url, code):
        yield url, db, workshop_id, code


def _key_class(prefix: str, requirement: str, workshop_id: int) -> str:
    """The CSS class Streamlit gives the element of key `prefix:requirement:workshop`."""
    return f".st-key-{prefix}-{requirement.replace('.', '-')}-{workshop_id}"


def test_draft_accept_override_and_reload(proposal_server: tuple[str, Path, int, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, db, workshop_id, code = proposal_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/?w={workshop_id}&page=evidence&lang=en")
            _gate(page, "Li Wei", code)
            page.get_by_role("button", name="Draft answers from evidence").click()
            expect(page.get_by_text("Proposed: 0 automated, 5 assisted", exact=False)).to_be_visible()

            page.goto(f"{base}/?w={workshop_id}&page=interview&item={FEATURES}&lang=en")  # let in by its cookie
            expect(page.get_by_text("Proposed by evidence", exact=True).first).to_be_visible()
            page.locator(f"{_key_class('acc', ACCEPTED, workshop_id)} button").click()
            expect(page.get_by_text("confirmed by Li Wei", exact=False)).to_be_visible()

            reason = page.locator(f"{_key_class('why', OVERRIDDEN, workshop_id)} input")
            page.locator("details", has=reason).locator("summary").click()
            expect(reason).to_be_visible()
            reason.fill(REASON)
            reason.press("Enter")
            page.locator(f"{_key_class('ovr', OVERRIDDEN, workshop_id)} button").click()
            expect(page.get_by_text(f"(reason: {REASON})", exact=False)).to_be_visible()
            answers = _decided(db, workshop_id)

            page.reload()  # both decisions come back from the store
            expect(page.get_by_text("confirmed by Li Wei", exact=False)).to_be_visible()
            expect(page.get_by_text("overridden by Li Wei", exact=False)).to_be_visible()
            expect(page.get_by_text(f"(reason: {REASON})", exact=False)).to_be_visible()
            status = page.get_by_role("radiogroup", name=f"Status of {OVERRIDDEN}")
            expect(status.get_by_role("radio", name="partially met", exact=True)).to_have_attribute(
                "aria-checked", "true"
            )
            expect(page.locator(_key_class("acc", ACCEPTED, workshop_id))).to_have_count(0)  # accepted: no button
            page.get_by_role("radiogroup", name=f"Status of {ACCEPTED}").scroll_into_view_if_needed()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "workshop-proposals.png"))
        finally:
            browser.close()
    assert (answers[ACCEPTED].status, answers[ACCEPTED].confirmed_by) == (Status.met, "Li Wei")
    overridden = answers[OVERRIDDEN]
    assert (overridden.status, overridden.override_reason, overridden.answered_by) == (Status.partial, REASON, "Li Wei")
