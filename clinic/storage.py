"""Private file storage for pictures, videos and clips (issue 15).

Everything goes through Django's storage API under ``STORAGES["media"]``: the
local filesystem by default (``DJANGO_MEDIA_ROOT``), S3-compatible object
storage with django-storages when ``MEDIA_STORAGE=s3``. Nothing is ever served
from ``MEDIA_URL``: the serving views check access first, then stream a local
file (with HTTP range requests) or redirect to a short-lived signed URL.
"""

from __future__ import annotations

import re

from django.core.files.storage import Storage, storages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

# What a served file may do in the browser: nothing (a picture or a video is
# shown by the page that embeds it, never run as a document of our origin).
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def media_storage() -> Storage:
    return storages["media"]


def is_local(storage: Storage) -> bool:
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def _harden(response: HttpResponse | StreamingHttpResponse, content_type: str):
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, max-age=300"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    return response


def _file_iter(handle, length: int):
    try:
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def serve_private(request: HttpRequest, name: str, content_type: str):
    """The file ``name`` of the media storage, to a request already allowed to
    have it: a local file with range support, or a redirect to a signed URL."""
    storage = media_storage()
    if not is_local(storage):
        return HttpResponseRedirect(storage.url(name))
    try:
        size = storage.size(name)
    except OSError:  # the row outlived its file (removed by hand): nothing to serve
        raise Http404("No such file.") from None
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # the last N bytes
            start = max(size - int(last), 0)
            end = size - 1
        if start >= size or start > end:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return _harden(refused, content_type)
        handle = storage.open(name, "rb")
        handle.seek(start)
        length = end - start + 1
        partial = StreamingHttpResponse(_file_iter(handle, length), status=206)
        partial["Content-Range"] = f"bytes {start}-{end}/{size}"
        partial["Content-Length"] = str(length)
        return _harden(partial, content_type)
    whole = FileResponse(storage.open(name, "rb"))
    whole["Content-Length"] = str(size)
    return _harden(whole, content_type)


def delete_quietly(*names: str) -> None:
    """Remove stored files (a missing one is fine)."""
    storage = media_storage()
    for name in names:
        if name:
            storage.delete(name)
