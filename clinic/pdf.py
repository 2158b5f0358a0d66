"""PDF documents made with WeasyPrint (handouts, assessment summaries).

WeasyPrint never reaches the network: documents are rendered against a base
URL that resolves nowhere, and the URL fetcher serves only our own stylesheets
from the static files; callers that show pictures add them to the fetcher
(see ``programmes.pdf``). Any other URL is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

BASE_URL = "https://document.invalid/"
_STATIC_CSS = re.compile(r"^/static/(.+\.css)$")

Fetcher = Callable[..., dict[str, Any]]


def document_path(url: str) -> str:
    """The path of a URL inside the document; refuses anything outside it."""
    if not url.startswith(BASE_URL):
        raise ValueError("The document fetches nothing from outside.")
    return "/" + url[len(BASE_URL) :].split("?", 1)[0]


def static_css(path: str) -> dict[str, Any] | None:
    """One of our stylesheets, for the fetcher; None when ``path`` is not one."""
    match = _STATIC_CSS.match(path)
    if not match:
        return None
    found = finders.find(match.group(1))
    if found:
        with open(str(found), "rb") as handle:
            return {"string": handle.read(), "mime_type": "text/css"}
    with staticfiles_storage.open(match.group(1)) as handle:
        return {"string": handle.read(), "mime_type": "text/css"}


def static_only_fetcher(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    css = static_css(document_path(url))
    if css is None:
        raise ValueError("Not part of the document.")
    return css


def html_to_pdf(html: str, *, url_fetcher: Fetcher = static_only_fetcher) -> bytes:
    """The rendered page as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher).write_pdf()
