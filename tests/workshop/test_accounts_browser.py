"""Accounts end to end in a real browser (Debian's headless Chromium, driven by Playwright) against
`mlops-maturity workshop` started on a database that holds accounts: a wrong password is refused; a viewer sees the
answers but cannot change them; a participant answers in their account's name but is offered no Accept or Override
on a proposal, which the facilitator drafted and an auditor then accepts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assessors.accounts import hash_password
from assessors.assessment import Answer, Status
from assessors.sqlite_store import SqliteStore
from capability_model.catalog import resolve
from tests.workshop.conftest import blank
from tests.workshop.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serving_workshop
from tests.workshop.test_proposals import ANSWERED, FEATURES, P1, PINNED, VERSIONING, seeded
from tests.workshop.test_proposals_browser import _key_class

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PASSWORD = "correct horse battery"
PROPOSED = f"{FEATURES}.R05"


@contextmanager
def _serving(db: Path, logs: Path) -> Iterator[str]:
    """The workshop command on a free loopback port over `db` (which holds accounts); its URL."""
    with serving_workshop(db, logs) as (url, log):
        assert "accounts: each person logs in" in log.read_text(errors="replace")
        yield url


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "workshop.sqlite"
    assert seeded(db, blank(resolve(PINNED))) == 1
    store = SqliteStore(db)
    for name, role in (("Li Wei", "facilitator"), ("Zhang Min", "participant"), ("Wang Fang", "auditor")):
        store.add_account(name, role, hash_password(PASSWORD, rounds=4))
    store.add_account("Ann", "viewer", hash_password(PASSWORD, rounds=4))
    with _serving(db, tmp_path) as url:
        yield url, db


def _log_in(page: Page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("Account", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def _page(browser: Browser, url: str) -> Page:
    """A new browser context (its own cookies) at `url`."""
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    return page


def _stored(db: Path, requirement: str, done: bool, timeout_s: float = 15.0) -> Answer:
    deadline = time.monotonic() + timeout_s
    while True:
        answer = SqliteStore(db).load(1).part(P1).answers[requirement]
        if done or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_roles_in_the_browser(served: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, db = served
    interview = f"{base}/?w=1&page=interview&lang=en&item="
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            viewer = _page(browser, interview + VERSIONING)
            _log_in(viewer, "Ann", "not the password")
            expect(viewer.get_by_text("Wrong account or password")).to_be_visible()
            assert "示例银行" not in viewer.locator("body").inner_text()
            time.sleep(1.2)  # a wrong password makes this address wait before the next attempt
            _log_in(viewer, "Ann")
            expect(viewer.get_by_text("Logged in as Ann (viewer)")).to_be_visible()
            status = viewer.get_by_role("radiogroup", name=f"Status of {ANSWERED}")
            met = status.get_by_role("radio", name="met", exact=True)
            expect(met).to_have_attribute("aria-checked", "true")
            not_met = status.get_by_role("radio", name="not met", exact=True)
            expect(not_met).to_be_disabled()
            not_met.click(force=True)  # a click on the disabled button changes nothing
            note = viewer.locator(f"[class*='st-key-note-{ANSWERED.replace('.', '-')}-'] textarea")
            expect(note).to_be_disabled()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            viewer.screenshot(path=str(ARTIFACTS / "workshop-viewer.png"))

            facilitator = _page(browser, f"{base}/?w=1&page=evidence&lang=en")
            _log_in(facilitator, "Li Wei")
            facilitator.get_by_role("button", name="Draft answers from evidence").click()
            expect(facilitator.get_by_text("Proposed: 0 automated, 5 assisted", exact=False)).to_be_visible()

            participant = _page(browser, interview + FEATURES)
            _log_in(participant, "Zhang Min")
            expect(participant.get_by_text("Proposed by evidence", exact=True).first).to_be_visible()
            expect(participant.locator(_key_class("acc", PROPOSED, 1))).to_have_count(0)  # no Accept
            expect(participant.locator(_key_class("ovr", PROPOSED, 1))).to_have_count(0)  # no Override

            participant = _page(browser, interview + VERSIONING)  # accounts keep no cookie: a new page logs in
            _log_in(participant, "Zhang Min")
            status = participant.get_by_role("radiogroup", name=f"Status of {ANSWERED}")
            partial = status.get_by_role("radio", name="partially met", exact=True)
            expect(partial).to_be_enabled()
            partial.click()
            expect(partial).to_have_attribute("aria-checked", "true")
            answered = _stored(db, ANSWERED, False)
            deadline = time.monotonic() + 15
            while answered.status != Status.partial and time.monotonic() < deadline:
                answered = _stored(db, ANSWERED, True)

            auditor = _page(browser, interview + FEATURES)
            _log_in(auditor, "Wang Fang")
            auditor.locator(f"{_key_class('acc', PROPOSED, 1)} button").click()
            expect(auditor.get_by_text("confirmed by Wang Fang", exact=False)).to_be_visible()
        finally:
            browser.close()
    answers = SqliteStore(db).load(1).part(P1).answers
    assert (answered.status, answered.answered_by) == (Status.partial, "Zhang Min")
    assert answers[PROPOSED].confirmed_by == "Wang Fang"
    history = SqliteStore(db).history(1, ANSWERED)
    assert [c.who for c in history] == ["seed", "Zhang Min"]  # the viewer's click wrote nothing
