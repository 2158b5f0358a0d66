"""The patient handout as a PDF, made with WeasyPrint (issue 15).

WeasyPrint never reaches the network: its URL fetcher serves the handout's own
stylesheet from the static files and the pictures from the private media
storage, and only the pictures the handout itself shows (the caller passes
them); any other URL is refused.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.template.loader import render_to_string

from clinic.pdf import document_path, html_to_pdf, static_css
from clinic.storage import media_storage

_MEDIA = re.compile(r"^/files/exercise/([0-9a-f-]{36})/(thumb|phone|original)/$")

logger = logging.getLogger(__name__)


class HandoutFetcher:
    def __init__(self, pictures: dict[str, Any]):
        self.pictures = pictures  # media id -> ExerciseMedia

    def __call__(self, url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
        path = document_path(url)
        match = _MEDIA.match(path)
        if match and match.group(1) in self.pictures:
            item = self.pictures[match.group(1)]
            name = item.stored_name(match.group(2)) or item.file
            with media_storage().open(name, "rb") as handle:
                data = handle.read()
            return {"string": data, "mime_type": _image_type(name)}
        css = static_css(path)
        if css is not None:
            return css
        raise ValueError("Not part of the handout.")


def _image_type(name: str) -> str:
    if name.endswith(".png"):
        return "image/png"
    if name.endswith(".webp"):
        return "image/webp"
    return "image/jpeg"


def handout_pdf(context: dict[str, Any]) -> bytes:
    """The handout template rendered for print, as PDF bytes."""
    pictures = {}
    for phase in context.get("phases", []):
        for p in phase["rows"]:
            for item in getattr(p.exercise, "media_items", []):
                if item.is_picture:
                    pictures[str(item.pk)] = item
    html = render_to_string("programmes/plan_handout.html", {**context, "pdf": True})
    return html_to_pdf(html, url_fetcher=HandoutFetcher(pictures))
