"""Checking uploads by what they contain, never by their names (issue 15).

Pictures (JPEG, PNG, WebP) are decoded and re-encoded by Pillow: what is stored
is a new file with no metadata at all (EXIF including GPS, XMP, ICC, comments,
anything appended after the image), turned upright first so that EXIF
orientation is kept in the pixels. Videos (MP4, WebM) are recognised by their
container signature and kept as uploaded, within the clinic's size limit.

A file that carries web-page code (SVG, an HTML page renamed ``.jpg``, an
image/HTML polyglot) is refused before any decoding, with a clear message.
Nothing is stored for a refused file.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from clinic.storage import media_storage

PICTURE_MAX_BYTES = 15 * 1024 * 1024
PICTURE_MAX_PIXELS = 40_000_000
THUMBNAIL_PX = 320
PHONE_PX = 960
PICTURE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42",
    b"avc1", b"M4V ", b"dash", b"mmp4", b"MSNV",
}  # fmt: skip
# Markup a browser would run as a document (SVG, HTML, XML).
WEB_CODE = re.compile(
    rb"<(svg|html|script|body|iframe|object|embed|!doctype|\?xml)[\s>/]", re.IGNORECASE
)

MSG_WEB_CODE = (
    "This file contains web-page code (for example SVG or HTML), not a picture or a "
    "video, so it cannot be added. Save the picture as JPEG, PNG or WebP and try again."
)
MSG_NOT_MEDIA = (
    "This file is not a JPEG, PNG or WebP picture or an MP4 or WebM video "
    "(checked by its content, whatever its name)."
)
MSG_PICTURE_BIG = "This picture is larger than 15 MB. Make it smaller and try again."
MSG_PICTURE_PIXELS = "This picture has more than 40 megapixels. Make it smaller and try again."
MSG_BROKEN = "This picture could not be read (the file may be damaged)."


class MediaRefusedError(ValueError):
    """A refused upload; ``str(error)`` is the message for the user."""


@dataclass
class CheckedMedia:
    kind: str  # "picture" or "video"
    content: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def _read(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    return data


def _video_type(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "video/mp4", "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "video/webm", "webm"
    return None


def check_upload(upload, *, max_video_bytes: int) -> CheckedMedia:
    """The checked content of an uploaded file, or ``MediaRefusedError``."""
    limit = max(PICTURE_MAX_BYTES, max_video_bytes)
    data = _read(upload, limit)
    head = data[:64]
    video = _video_type(head)
    if video is not None:
        if len(data) > max_video_bytes:
            raise MediaRefusedError(
                f"This video is larger than {max_video_bytes // (1024 * 1024)} MB, the "
                "limit your clinic set. Record a shorter clip and try again."
            )
        # A video that is also a page: markup in its first kilobytes.
        if WEB_CODE.search(data[:4096]):
            raise MediaRefusedError(MSG_WEB_CODE)
        content_type, extension = video
        return CheckedMedia("video", data, content_type, extension)
    if WEB_CODE.search(data):
        raise MediaRefusedError(MSG_WEB_CODE)
    if len(data) > PICTURE_MAX_BYTES:
        raise MediaRefusedError(MSG_PICTURE_BIG)
    return _reencode(data)


def _reencode(data: bytes) -> CheckedMedia:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(PICTURE_FORMATS))
            if image.width * image.height > PICTURE_MAX_PIXELS:
                raise MediaRefusedError(MSG_PICTURE_PIXELS)
            image.load()
    except MediaRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRefusedError(MSG_PICTURE_PIXELS) from None
    except Image.UnidentifiedImageError:
        raise MediaRefusedError(MSG_NOT_MEDIA) from None
    except (OSError, SyntaxError, ValueError):
        raise MediaRefusedError(MSG_BROKEN) from None
    source_format = image.format or "JPEG"
    # Orientation is kept in the pixels; then nothing of the old file travels on.
    upright = ImageOps.exif_transpose(image)
    content, content_type, extension = encode(upright, source_format)
    return CheckedMedia(
        "picture", content, content_type, extension, width=upright.width, height=upright.height
    )


def encode(image: Image.Image, source_format: str = "JPEG") -> tuple[bytes, str, str]:
    """A fresh file of the picture's pixels only (no metadata of any kind)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    clean = Image.new("RGBA" if has_alpha else "RGB", image.size)
    clean.paste(image.convert("RGBA" if has_alpha else "RGB"))
    out = io.BytesIO()
    if source_format == "WEBP":
        clean.save(out, "WEBP", quality=85)
        return out.getvalue(), "image/webp", "webp"
    if has_alpha or source_format == "PNG":
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg", "jpg"


def store(content: bytes, *, folder: str, extension: str) -> str:
    """Save bytes under a random name in the private media storage."""
    name = f"{folder}/{uuid.uuid4().hex}.{extension}"
    return media_storage().save(name, ContentFile(content))


def rendition(original: bytes, longest_side: int) -> tuple[bytes, str]:
    """A smaller copy of a checked picture: (bytes, extension)."""
    image = Image.open(io.BytesIO(original), formats=list(PICTURE_FORMATS))
    source_format = image.format or "JPEG"
    image.load()
    image.thumbnail((longest_side, longest_side))
    content, _type, extension = encode(image, source_format)
    return content, extension
