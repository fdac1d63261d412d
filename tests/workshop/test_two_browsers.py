"""Two people in two real browsers (Debian's Chromium, driven by Playwright) answering the same item at once.

Each browser is its own Chromium process with its own session, let in at the gate under its own name. Both work on
the same four requirements, in an order and with think times drawn from a seeded generator: status clicks, a status
click followed at once by typing into the same card (the case that lost notes before), notes, references and
clears, each person waiting only for their own page. Their pages go stale, as real ones do: a page redraws only on
its own person's actions. When the page refuses an edit because the other person changed the same field, the person
keeps theirs or keeps mine (also drawn from the generator).

Afterwards the database and its audit trail are checked against what was intended: every audit entry changes exactly
one field and is one of the edits a person made, in that person's name and on that requirement; every edit is in the
trail exactly once, in each person's order, unless it was resolved by "keep theirs" or found the field already
holding its value; and each stored answer is the state its last entry recorded. Set WORKSHOP_INTERLEAVINGS (default
200) and WORKSHOP_SEED to vary the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assessors.assessment import Answer, Assessment, Status
from assessors.audit import Change
from assessors.sqlite_store import SqliteStore
from tests.workshop.test_browser import CHROMIUM, CHROMIUM_ARGS, _gate, running_workshop

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

P1 = "caict-mlops-p1"
ITEM = "P1.RM.RA.01"
REQUIREMENTS = [f"{ITEM}.R0{n}" for n in range(1, 5)]
PEOPLE = ("Li Wei", "Wang Fang")
INTERLEAVINGS = int(os.environ.get("WORKSHOP_INTERLEAVINGS", "200"))
SEED = int(os.environ.get("WORKSHOP_SEED", "14"))
LABELS = {
    Status.met: "met",
    Status.partial: "partially met",
    Status.not_met: "not met",
    Status.not_applicable: "not applicable",
}
FIELD_WORDS = {"Status": "status", "Note": "note", "Evidence references": "evidence"}
Value = Status | str | tuple[str, ...] | None
CLOCK_SLACK_S = 0.5  # the database's timestamps and the test's clock are the same machine's


@dataclass
class Edit:
    who: str
    rid: str
    field: str
    value: Value
    started: float
    ended: float = 0.0
    dropped: bool = False  # refused, and the person kept theirs
    kept: bool = False  # a status clicked that the page showed as chosen by then: nothing sent (nothing to write)


@dataclass
class Person:
    name: str
    page: Page
    rng: random.Random
    edits: list[Edit] = field(default_factory=list)
    conflicts: int = 0
    kept_theirs: int = 0


def _dashed(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _card(person: Person, rid: str, workshop_id: int) -> Locator:
    return person.page.locator(f".st-key-{_dashed(f'card:{rid}:{workshop_id}')}")


def _box(card: Locator, rid: str, workshop_id: int, field: str) -> Locator:
    prefix, tag = ("note", "textarea") if field == "note" else ("ev", "input")
    return card.locator(f".st-key-{_dashed(f'{prefix}:{rid}:{workshop_id}')} {tag}")


_SHOWN = """group => [
  [...group.querySelectorAll("[role=radio]")].find(b => b.getAttribute("aria-checked") === "true")?.textContent ?? "",
  group.dataset.clicks,
]"""


async def _shown_status(card: Locator) -> tuple[Status | None, str]:
    """The status the buttons show and how many clicks they sent, read at one instant."""
    label, clicks = await card.get_by_role("radiogroup").evaluate(_SHOWN)
    return next((s for s, text in LABELS.items() if text == label), None), str(clicks)


async def _until(check: object, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"the page did not settle: {what}")
        await asyncio.sleep(0.05)


_PENDING = """group => {
  const s = group.getRootNode().__status;
  return JSON.stringify({sent: s.sent, next: s.next, dead: !!s.dead, ack: s.data.ack, value: s.data.value,
                         conflict: s.data.conflict, connected: group.isConnected});
}"""


async def _status_settled(card: Locator, value: Status | None) -> None:
    """Until the server has answered the click: the status is saved (or was already), or it was refused."""
    group = card.get_by_role("radiogroup")

    async def done() -> bool:
        return await group.get_attribute("data-saved") in ("saved", "conflict")

    try:
        await _until(done, f"status {value}")
    except AssertionError as exc:  # what the buttons wait for, to see why
        raise AssertionError(f"{exc}; the buttons hold {await group.evaluate(_PENDING)}") from None


async def _text_settled(box: Locator) -> None:
    """Until the box says its text is saved, or refused."""

    async def done() -> bool:
        return await box.get_attribute("data-saved") in ("saved", "conflict")

    await _until(done, "text box")


async def _click_status(person: Person, card: Locator, rid: str) -> Edit | None:
    shown, clicks = await _shown_status(card)
    if shown is not None and person.rng.random() < 0.1:
        edit = Edit(person.name, rid, "status", None, time.time())
        await card.get_by_role("button", name="Clear status").click()
    else:
        value = person.rng.choice([s for s in LABELS if s != shown])
        edit = Edit(person.name, rid, "status", value, time.time())
        await card.get_by_role("radio", name=LABELS[value], exact=True).click()
    # a redraw between reading the buttons and the click can show that status as chosen already: then the click
    # sends nothing, as a click on the chosen status never does
    edit.kept = (await _shown_status(card))[1] == clicks
    return edit


async def _type(person: Person, card: Locator, rid: str, workshop_id: int, kind: str, n: int) -> Edit:
    value: Value = f"{person.name} note {n}" if kind == "note" else (f"{person.name}-{n}", f"doc-{n % 3}")
    box = _box(card, rid, workshop_id, kind)
    edit = Edit(person.name, rid, kind, value, time.time())
    await box.fill(value if isinstance(value, str) else ", ".join(value))
    await box.press("Tab")  # moving on to the next box sends at once; otherwise the box sends 0.6 s after typing
    return edit


def _moved(card: Locator, before: str) -> object:
    """A check: the refusal shown as `before` is gone, or another one replaced it."""
    same_field = before.split(" changed by")[0]

    async def check() -> bool:
        now = card.locator("[data-testid='stAlert']").filter(has_text=f"{same_field} changed by")
        shown = await now.all_inner_texts()  # no waiting: the alert may go while it is read
        return not shown or shown[0] != before

    return check


async def _idle(page: Page) -> None:
    """Until the page's script run is over (seen twice in a row, so not between two runs)."""
    state = page.get_by_test_id("stApp")

    async def idle() -> bool:
        for _ in range(2):
            if await state.get_attribute("data-test-script-state") != "notRunning":
                return False
            await asyncio.sleep(0.05)
        return True

    await _until(idle, "script run")


async def _resolve(person: Person, workshop_id: int) -> None:
    """Answer every refusal on the page: keep mine (mostly) or keep theirs."""
    await _idle(person.page)
    for rid in REQUIREMENTS:
        card = _card(person, rid, workshop_id)
        for _ in range(6):
            shown = await card.locator("[data-testid='stAlert']").filter(has_text="changed by").all_inner_texts()
            if not shown:
                break
            text = shown[0]
            field = next(f for word, f in FIELD_WORDS.items() if text.strip().startswith(f"{word} changed by"))
            person.conflicts += 1
            mine = person.rng.random() < 0.75
            pending = [e for e in person.edits if e.rid == rid and e.field == field and not e.dropped]
            assert pending, (person.name, rid, text, person.edits)
            if not mine:
                person.kept_theirs += 1
                pending[-1].dropped = True
            key = f"{'mine' if mine else 'theirs'}:{field}:{rid}:{workshop_id}"
            await _idle(person.page)
            await card.locator(f".st-key-{_dashed(key)} button").first.click()

            await _until(_moved(card, text), f"refusal {text}")
            if field != "status":
                await _text_settled(_box(card, rid, workshop_id, field))
            if mine:  # the edit is written now, if at all
                pending[-1].ended = time.time()


async def _work(person: Person, workshop_id: int, edits: int) -> None:
    n = 0
    while len(person.edits) < edits:
        n += 1
        await asyncio.sleep(person.rng.uniform(0, 0.3))
        rid = person.rng.choice(REQUIREMENTS)
        card = _card(person, rid, workshop_id)
        kind = person.rng.choices(["status", "hurried", "note", "evidence"], weights=[40, 15, 25, 20])[0]
        if kind in ("status", "hurried"):
            edit = await _click_status(person, card, rid)
            assert edit is not None
            person.edits.append(edit)
            if kind == "hurried":  # type into the same card while the click's rerun is in flight
                text_kind = person.rng.choice(["note", "evidence"])
                typed = await _type(person, card, rid, workshop_id, text_kind, n)
                person.edits.append(typed)
                await _text_settled(_box(card, rid, workshop_id, text_kind))
                typed.ended = time.time()
            await _status_settled(card, edit.value if isinstance(edit.value, Status) else None)
            edit.ended = time.time()
        else:
            typed = await _type(person, card, rid, workshop_id, kind, n)
            person.edits.append(typed)
            await _text_settled(_box(card, rid, workshop_id, kind))
            typed.ended = time.time()
        await _resolve(person, workshop_id)


async def _enter(page: Page, url: str, name: str, code: str) -> None:
    await page.goto(url)
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Access code", exact=True).fill(code)
    await page.get_by_role("button", name="Enter", exact=True).click()
    await page.get_by_role("radiogroup", name=f"Status of {REQUIREMENTS[-1]}").wait_for()


async def _session(url: str, code: str, workshop_id: int) -> list[Person]:
    from playwright.async_api import async_playwright

    master = random.Random(SEED)
    async with async_playwright() as playwright:
        browsers = [
            await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) for _ in PEOPLE
        ]  # two Chromium processes: two people at two screens
        try:
            people = []
            for browser, name in zip(browsers, PEOPLE, strict=True):
                page = await browser.new_page(viewport={"width": 1440, "height": 1000})
                page.set_default_timeout(30_000)
                await _enter(page, f"{url}/?w={workshop_id}&page=interview&item={ITEM}&lang=en", name, code)
                people.append(Person(name, page, random.Random(master.random())))
            share = -(-INTERLEAVINGS // len(people))  # edits per person
            await asyncio.gather(*(_work(person, workshop_id, share) for person in people))
            for person in people:  # anything still refused on either screen is answered before the check
                await _resolve(person, workshop_id)
            return people
        finally:
            for browser in browsers:
                await browser.close()


def _value(change: Change, field: str) -> Value:
    if field == "status":
        return Status(change.new_status) if change.new_status else None
    return change.note if field == "note" else tuple(change.evidence)


_BLANK = Change(0, P1, "", None, None, "", (), "", dt.datetime.now(dt.UTC))


def _written(history: list[Change]) -> Iterator[tuple[Change, str]]:
    """Each audit entry with the one field it changed (checked: exactly one, the others as before)."""
    before: dict[str, Change] = {}
    for change in history:
        previous = before.get(change.requirement)
        changed = [
            f
            for f in ("status", "note", "evidence")
            if _value(change, f) != (_value(previous, f) if previous is not None else _value(_BLANK, f))
        ]
        assert len(changed) == 1, (change, previous)
        before[change.requirement] = change
        yield change, changed[0]


def _in_time(edit: Edit, write: tuple[Value, float]) -> bool:
    """Whether a write can be this edit's: made before the page showed the edit settled. (An earlier click whose
    status was already stored writes nothing; without this, it would be matched with a later click's write of the
    same status, and that later click counted as lost.)"""
    return write[1] <= (edit.ended or edit.started + 30) + CLOCK_SLACK_S


def _already(history: list[Change], edit: Edit) -> bool:
    """Whether the status clicked was already the stored one when the click was saved (so nothing was written): as
    stored when the click was made, or as the other person saved it while this click was being saved."""
    states = [c for c in history if c.requirement == edit.rid]
    at_start = [c for c in states if c.at.timestamp() <= edit.started][-1:]
    end = edit.ended or edit.started + 30
    theirs = [c for c in states if c.who != edit.who and edit.started < c.at.timestamp() <= end]
    return edit.value in ([_value(c, "status") for c in at_start + theirs] or [None])


@pytest.fixture
def workshop(tmp_path: Path, parts: list[Assessment]) -> Iterator[tuple[str, str, Path, int]]:
    db = tmp_path / "workshop.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    with running_workshop(db, tmp_path) as (url, code):
        yield url, code, db, workshop_id


def test_two_browsers_interleaving_edits_lose_and_misattribute_nothing(workshop: tuple[str, str, Path, int]) -> None:
    url, code, db, workshop_id = workshop
    started = time.monotonic()
    people = asyncio.run(_session(url, code, workshop_id))
    elapsed = time.monotonic() - started
    store = SqliteStore(db)
    history = store.history(workshop_id)
    edits = [e for person in people for e in person.edits]
    assert len(edits) >= INTERLEAVINGS

    written: dict[tuple[str, str, str], list[tuple[Value, float]]] = {}
    for change, changed in _written(history):
        assert change.who in PEOPLE and change.requirement in REQUIREMENTS, change  # nobody else, nowhere else
        entry = (_value(change, changed), change.at.timestamp())
        written.setdefault((change.who, change.requirement, changed), []).append(entry)
    intended: dict[tuple[str, str, str], list[Edit]] = {}
    for edit in edits:
        if not edit.dropped and not edit.kept:
            intended.setdefault((edit.who, edit.rid, edit.field), []).append(edit)
    problems = []
    for key in sorted(set(intended) | set(written)):
        wanted, done = intended.get(key, []), written.get(key, [])
        matched = 0
        for edit in wanted:  # in each person's order; a status click finding its status stored writes nothing
            if matched < len(done) and done[matched][0] == edit.value and _in_time(edit, done[matched]):
                matched += 1
            elif not (edit.field == "status" and _already(history, edit)):
                problems.append(("lost", key, edit.value))
        problems += [("not intended", key, value) for value, _ in done[matched:]]
    if problems:  # what happened, to see why
        print(
            *(
                f"{c.id} {c.at:%H:%M:%S.%f} {c.who} {c.requirement} {c.new_status} {c.note!r} {c.evidence}"
                for c in history
            ),
            sep="\n",
        )
        print(
            *(f"{e.started:.3f}-{e.ended:.3f} {e.who} {e.rid} {e.field} {e.value} {e.dropped}" for e in edits), sep="\n"
        )
    assert not problems, f"lost or misattributed: {problems}"

    answers = store.load(workshop_id).part(P1).answers
    for rid in REQUIREMENTS:
        last = [c for c in history if c.requirement == rid]
        stored = answers.get(rid) or Answer()
        if last:
            assert (stored.status.value if stored.status else None, stored.note, tuple(stored.evidence)) == (
                last[-1].new_status, last[-1].note, last[-1].evidence,
            )  # fmt: skip
            assert stored.answered_by == last[-1].who
    conflicts = sum(p.conflicts for p in people)
    print(
        f"\n{len(edits)} edits by two browsers in {elapsed:.0f} s: {len(history)} written, {conflicts} refused "
        f"and resolved ({sum(p.kept_theirs for p in people)} by keep theirs), {sum(e.kept for e in edits)} clicks on "
        "a status shown as chosen by then, 0 lost or misattributed"
    )
    assert sum(e.kept for e in edits) <= len(edits) // 20  # rare: most clicks are edits
    assert conflicts > 0  # the two pages did collide on the same field


def test_the_chosen_status_clicked_again_stays_and_typing_survives_a_reload(
    workshop: tuple[str, str, Path, int],
) -> None:
    """One screen: clicking the chosen status keeps it (and says how to clear), Clear clears only the status, and a
    note typed without leaving the box or pressing Ctrl+Enter is saved ("saved" shown) and there after a reload."""
    from playwright.sync_api import expect, sync_playwright

    url, code, db, workshop_id = workshop
    rid = REQUIREMENTS[0]
    store = SqliteStore(db)

    def stored() -> Answer:
        return store.load(workshop_id).part(P1).answers.get(rid) or Answer()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{url}/?w={workshop_id}&page=interview&item={ITEM}&lang=en")
            _gate(page, "Li Wei", code)
            card = page.locator(f".st-key-{_dashed(f'card:{rid}:{workshop_id}')}")
            group = card.get_by_role("radiogroup")
            met = group.get_by_role("radio", name="met", exact=True)
            met.click()
            expect(group).to_have_attribute("data-saved", "saved")
            assert stored().status is Status.met
            met.click()  # the chosen status again
            expect(card.get_by_text("Clicking the chosen status again keeps it")).to_be_visible()
            expect(met).to_have_attribute("aria-checked", "true")
            note = card.locator(f".st-key-{_dashed(f'note:{rid}:{workshop_id}')} textarea")
            note.click()
            note.press_sequentially("typed, never confirmed", delay=15)  # focus stays in the box
            expect(note).to_have_attribute("data-saved", "saved", timeout=15_000)
            expect(card.locator(f".st-key-{_dashed(f'note:{rid}:{workshop_id}')} .mark")).to_have_text("✓ saved")
            assert (stored().status, stored().note) == (Status.met, "typed, never confirmed")
            page.reload()
            note = card.locator(f".st-key-{_dashed(f'note:{rid}:{workshop_id}')} textarea")
            expect(note).to_have_value("typed, never confirmed")
            card.get_by_role("button", name="Clear status").click()
            expect(met).to_have_attribute("aria-checked", "false")
            expect(group).to_have_attribute("data-saved", "saved")
        finally:
            browser.close()
    answer = stored()
    assert (answer.status, answer.note, answer.answered_by) == (None, "typed, never confirmed", "Li Wei")
    trail = [(c.old_status, c.new_status, c.note) for c in store.history(workshop_id, rid)]
    assert trail == [
        (None, "met", ""),
        ("met", "met", "typed, never confirmed"),
        ("met", None, "typed, never confirmed"),
    ]


def test_an_edit_lost_on_the_way_is_sent_again_and_saved_once(workshop: tuple[str, str, Path, int]) -> None:
    """The first message carrying a status click, and the first carrying a note, are dropped between the browser and
    the server (as a network or a busy server can lose them): the page keeps saying "saving", sends each again, and
    each is written exactly once."""
    from playwright.sync_api import WebSocketRoute, expect, sync_playwright

    url, code, db, workshop_id = workshop
    rid = REQUIREMENTS[1]
    store = SqliteStore(db)
    dropped: list[bytes] = []
    wanted = (b'"text":"met"', b'"text":"lost once"')

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            data = message.encode() if isinstance(message, str) else message
            first = [w for w in wanted if w in data and b'"mount"' in data and not any(w in d for d in dropped)]
            if first:
                dropped.append(data)  # lost on the way
                return
            server.send(message)

        ws.on_message(to_server)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.route_web_socket("**/_stcore/stream", route)
            page.goto(f"{url}/?w={workshop_id}&page=interview&item={ITEM}&lang=en")
            _gate(page, "Li Wei", code)
            card = page.locator(f".st-key-{_dashed(f'card:{rid}:{workshop_id}')}")
            group = card.get_by_role("radiogroup")
            started = time.monotonic()
            group.get_by_role("radio", name="met", exact=True).click()
            expect(group).to_have_attribute("data-saved", "saving")
            expect(group).to_have_attribute("data-saved", "saved", timeout=20_000)
            status_s = time.monotonic() - started
            note = card.locator(f".st-key-{_dashed(f'note:{rid}:{workshop_id}')} textarea")
            started = time.monotonic()
            note.fill("lost once")
            note.press("Tab")
            expect(note).to_have_attribute("data-saved", "saved", timeout=20_000)
            note_s = time.monotonic() - started
        finally:
            browser.close()
    assert len(dropped) == 2, "both first sends were dropped"
    assert status_s > 3 and note_s > 3, (status_s, note_s)  # saved by the resend, some seconds later
    answer = store.load(workshop_id).part(P1).answers[rid]
    assert (answer.status, answer.note, answer.answered_by) == (Status.met, "lost once", "Li Wei")
    trail = [(c.new_status, c.note, c.who) for c in store.history(workshop_id, rid)]
    assert trail == [("met", "", "Li Wei"), ("met", "lost once", "Li Wei")]  # each written once
