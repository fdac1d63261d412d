"""PDF rendering: WeasyPrint on the report's HTML, reading nothing but the report's own files (reports/fetcher.py).

WeasyPrint builds a few million short-lived Python objects for a 200-page report, nearly all of them in reference
cycles. Freeing them costs seconds: a collection that walks them all once the render is over, and the interpreter's
teardown afterwards. Where it is safe (a POSIX system, and no other thread in this process that a fork could catch
holding a lock), the render therefore runs in a forked child process that sends the PDF back through a pipe and ends
without freeing anything; the caller's process never holds those objects. Elsewhere it runs in this process.

The PDF is PDF/A-3b (archivable, with associated files): it carries the machine-readable result and the evidence
manifest it was made from, and its dates come from the report date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from weasyprint import HTML, Attachment  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

from reports.fetcher import TEMPLATES_DIR_URL, SafeFetcher
from reports.identity import EmbeddedFile

PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class PdfOptions:
    """What goes into the PDF besides the pages: associated files, the document date and the file identifier."""

    files: Sequence[EmbeddedFile] = ()
    dated: dt.date | None = None  # attachment dates (the document's own come from the HTML's dcterms meta)
    identifier: str = ""  # the report id: the PDF's /ID, stable for the same inputs

    def weasyprint_options(self) -> dict[str, object]:
        when = dt.datetime.combine(self.dated or dt.date.today(), dt.time(), tzinfo=dt.UTC)
        attachments = [
            Attachment(
                file_obj=io.BytesIO(f.data),
                name=f.name,
                description=f.description,
                relationship=f.relationship,
                created=when,
                modified=when,
            )
            for f in self.files
        ]
        options: dict[str, object] = {"pdf_variant": PDF_VARIANT, "attachments": attachments}
        if self.identifier:
            options["pdf_identifier"] = self.identifier.encode()
        return options


@cache
def font_config() -> FontConfiguration:
    """Fontconfig's font list is read once per process and shared by every render."""
    return FontConfiguration()


def render_pdf(html: str, fetcher: SafeFetcher, options: PdfOptions | None = None) -> bytes:
    """The PDF, rendered in this process.

    The cyclic garbage collector is paused while WeasyPrint parses the HTML and builds its hundreds of thousands of
    boxes: it would otherwise scan them again and again (about a sixth of the render time) and find nothing to free
    until the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=TEMPLATES_DIR_URL, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(font_config=font_config(), **(options or PdfOptions()).weasyprint_options())
    finally:
        if was_enabled:
            gc.enable()
    return pdf


def can_fork() -> bool:
    """Forking is safe only with fork available and this thread alone (another could hold a lock in the copy)."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _child(html: str, fetcher: SafeFetcher, options: PdfOptions, out: int) -> None:
    """Render and send back (pdf, refused URLs) or the exception; never returns into the caller's code."""
    try:
        gc.disable()  # this process ends as soon as the PDF is sent: nothing needs freeing
        known = len(fetcher.refused)
        try:
            message: tuple[str, object] = ("ok", (render_pdf(html, fetcher, options), fetcher.refused[known:]))
        except Exception as exc:  # sent to the parent, which raises it
            message = ("error", exc)
        try:
            data = pickle.dumps(message)
        except Exception as exc:  # an exception that cannot be pickled
            data = pickle.dumps(("error", RuntimeError(f"PDF rendering failed: {exc!r}")))
        _write_all(out, data)
    finally:
        os._exit(0)


def _render_in_child(html: str, fetcher: SafeFetcher, options: PdfOptions) -> bytes:
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        _child(html, fetcher, options, write_end)
    os.close(write_end)
    try:
        data = _read_all(read_end)
    except BaseException:  # interrupted: the child has no one to report to
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the PDF renderer ended without a result")
    status, payload = pickle.loads(data)  # our own child's bytes, through our own pipe
    if status != "ok":
        raise payload
    pdf, refused = payload
    fetcher.refused.extend(refused)  # what the renderer asked for and was refused, as if it had run here
    return bytes(pdf)


def html_to_pdf(html: str, fetcher: SafeFetcher | None = None, options: PdfOptions | None = None) -> bytes:
    """The PDF of a report's HTML; any resource WeasyPrint asks for goes through the safe fetcher."""
    fetcher = fetcher or SafeFetcher()
    options = options or PdfOptions()
    if can_fork():
        return _render_in_child(html, fetcher, options)
    return render_pdf(html, fetcher, options)
