"""An edit's callback stopped by a newer rerun request runs again to its end, and the request is not lost.

Found with the two-browser test's server log: a status click followed at once by typing had its callback stopped
by the box's request at its first read of the session state, before anything was written; only the browser's resend
4 s later saved the click. Here the stop is made to happen, and the edit must be written once, at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from streamlit.runtime.scriptrunner import RerunData, RerunException

from app.workshop import unbroken


@dataclass
class _Requests:
    queued: list[RerunData] = field(default_factory=list)

    def request_rerun(self, data: RerunData) -> bool:
        self.queued.append(data)
        return True


@dataclass
class _Ctx:
    script_requests: _Requests = field(default_factory=_Requests)


def _stopped_at_first(times: int, written: list[str]) -> Any:
    """A callback that, like a session-state read with a newer request pending, is stopped `times` times before it
    gets to write."""
    stops = iter(RerunException(RerunData(query_string=f"newer-{n}")) for n in range(times))

    def callback(value: str) -> list[str] | None:
        stop = next(stops, None)
        if stop is not None:
            raise stop
        written.append(value)
        return None

    return callback


@pytest.mark.parametrize("times", [1, 3])
def test_a_stopped_edit_runs_again_and_the_newer_requests_are_queued_in_order(
    monkeypatch: pytest.MonkeyPatch, times: int
) -> None:
    ctx = _Ctx()
    monkeypatch.setattr(unbroken, "get_script_run_ctx", lambda **_: ctx)
    written: list[str] = []
    unbroken.unbroken(_stopped_at_first(times, written))("met")
    assert written == ["met"]  # written, once
    assert [d.query_string for d in ctx.script_requests.queued] == [f"newer-{n}" for n in range(times)]


def test_without_a_script_run_the_stop_goes_on_to_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unbroken, "get_script_run_ctx", lambda **_: None)
    written: list[str] = []
    with pytest.raises(RerunException):
        unbroken.unbroken(_stopped_at_first(1, written))("met")
    assert written == ["met"]  # the edit itself was still made before the request went on


def test_an_edit_sent_again_gets_its_acknowledgement_back_after_another_instance_was_acknowledged() -> None:
    """The acknowledgement a control's page is given is the last edit handled for that control. When another instance
    of the control (the same answer's buttons drawn anew) was acknowledged since, an instance still waiting sends its
    edit again: it must be told it was handled (not written again), or it would say "saving" for ever."""
    from typing import cast

    from app.workshop.autosave import Ack, Edit
    from app.workshop.edits import _Books
    from assessors.proposal_store import ProposalStore

    books = _Books(cast(ProposalStore, None), {}, {}, {}, {})
    key = "st:P1.RM.RA.01.R01:1"
    first = Ack(mount="m1", seq=3, text="met", rev=7)
    books.acknowledge(key, first)
    books.acknowledge(key, Ack(mount="m2", seq=1, text="partial", rev=8))

    def edit(mount: str, seq: int) -> Edit:
        return Edit(mount=mount, seq=seq, text="met", base="", rev=6)

    assert books.handled_already(key, edit("m1", 3))
    assert books.acks[key] == first  # given back to the instance that asked again
    assert books.handled_already(key, edit("m1", 2))  # an older one of it: handled too
    assert not books.handled_already(key, edit("m1", 4))  # its next edit is new
    assert not books.handled_already(key, edit("m3", 1))  # as is the first edit of another instance
    assert books.acks[key] == first  # asking about new edits changes nothing
