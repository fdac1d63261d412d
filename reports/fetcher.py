"""The only way WeasyPrint may read anything while rendering a report: files inside the report's own template and
asset folders. Every network URL, every other scheme and every file elsewhere (including by `..` or a symlink) is
refused, so text in an assessment can never make the PDF renderer read /etc/passwd or call a server.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

REPORTS_DIR = Path(__file__).resolve().parent
ALLOWED_DIRS: tuple[Path, ...] = (REPORTS_DIR / "templates", REPORTS_DIR / "assets")
TEMPLATES_DIR_URL = (REPORTS_DIR / "templates").as_uri() + "/"


class RefusedURL(ValueError):
    """A URL the report renderer is not allowed to read."""


def allowed_path(url: str, roots: Iterable[Path] = ALLOWED_DIRS) -> Path:
    """The local file a URL names, when it lies inside one of `roots`; anything else raises RefusedURL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise RefusedURL(f"refused {parts.scheme or 'relative'} URL: {url[:200]}")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"refused remote file URL: {url[:200]}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    for root in roots:
        if path.is_relative_to(root.resolve()) and path.is_file():
            return path
    raise RefusedURL(f"refused file outside the report assets: {path}")


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves only the report's own template and asset files."""

    def __init__(self, roots: Iterable[Path] = ALLOWED_DIRS) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.roots = tuple(roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = allowed_path(url, self.roots)
        except RefusedURL:
            self.refused.append(url)
            raise
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
