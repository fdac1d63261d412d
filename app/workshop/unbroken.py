"""Widget callbacks that save a person's edit run to the end, even when the browser asks for the next run meanwhile.

Streamlit checks for a newer rerun request at every read or write of the session state; inside a callback it then
raises RerunException and the callback stops where it is. Streamlit counts that callback's event as handled and does
not call it again. For an edit that meant: a status click followed at once by typing (the box's event asks for the
next run) stopped the click's callback before it wrote anything, and only the browser's resend seconds later saved
it; an edit whose resend never came (the tab closed, the page redrawn from elsewhere) was gone.

`unbroken` runs the callback again from the start when it is stopped that way (the edit callbacks are idempotent:
an edit already written is recognised by its instance and number), then hands the interrupting requests back to
Streamlit's queue, where they merge with the callback's own rerun as they would have.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from streamlit.runtime.scriptrunner import RerunException, get_script_run_ctx

from app.workshop import fragments
from app.workshop.failures import logger

P = ParamSpec("P")
TRIES = 8


def unbroken(callback: Callable[P, list[str] | None]) -> Callable[P, None]:
    """Run `callback` to its end despite newer rerun requests; then redraw the fragments it names (None: the
    interaction's own rerun)."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        held: list[RerunException] = []
        redraw: list[str] | None = None
        for _ in range(TRIES):
            try:
                redraw = callback(*args, **kwargs)
                break
            except RerunException as exc:  # a newer request arrived: hold it, finish the edit first
                held.append(exc)
        if held:
            logger.info("an edit's callback was interrupted %d time(s) by newer requests and ran again", len(held))
            ctx = get_script_run_ctx(suppress_warning=True)
            requests = ctx.script_requests if ctx is not None else None
            if requests is None:
                raise held[-1]
            for request in held:  # back in the queue, in order (a newer one merges into an older one)
                requests.request_rerun(request.rerun_data)
        if redraw:
            fragments.redraw(redraw)

    return run
