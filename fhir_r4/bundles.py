"""Bundles (a whole record; search results with paging links) and
OperationOutcome errors, built through fhir.resources like everything else."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone
from fhir.resources.bundle import Bundle
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.resource import Resource

from fhir_r4 import codes

FHIR_JSON = "application/fhir+json"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def full_url(resource: Resource) -> str:
    return f"{codes.api_base()}/{resource.resource_type}/{resource.id}"


def collection_bundle(resources: list[Resource]) -> Bundle:
    """A patient's whole record (Bundle type ``collection``)."""
    return Bundle(
        type="collection",
        timestamp=timezone.now().isoformat(),
        entry=[{"fullUrl": full_url(r), "resource": r} for r in resources],
    )


class PagingError(ValueError):
    """A bad ``_count`` or ``_page``; the message goes into the OperationOutcome."""


def page_params(query) -> tuple[int, int]:
    """(page size, page number) from ``_count`` and ``_page``, checked."""
    try:
        size = int(query.get("_count", DEFAULT_PAGE_SIZE))
        page = int(query.get("_page", 1))
    except ValueError:
        raise PagingError("_count and _page must be whole numbers.") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise PagingError(f"_count must be between 1 and {MAX_PAGE_SIZE}.")
    if page < 1:
        raise PagingError("_page must be 1 or more.")
    return size, page


def searchset_bundle(
    resources: list[Resource], *, url: str, query: dict, size: int, page: int
) -> Bundle:
    """One page of results, with ``self``, ``first``, ``previous``, ``next`` and
    ``last`` links carrying the same search parameters."""
    total = len(resources)
    last = max(1, math.ceil(total / size))

    def link(relation: str, number: int) -> dict:
        params = {**query, "_count": size, "_page": number}
        return {"relation": relation, "url": f"{url}?{urlencode(params)}"}

    links = [link("self", page), link("first", 1)]
    if page > 1:
        links.append(link("previous", min(page - 1, last)))
    if page < last:
        links.append(link("next", page + 1))
    links.append(link("last", last))
    chunk = resources[(page - 1) * size : page * size]
    return Bundle(
        type="searchset",
        timestamp=timezone.now().isoformat(),
        total=total,
        link=links,
        entry=[{"fullUrl": full_url(r), "resource": r, "search": {"mode": "match"}} for r in chunk]
        or None,
    )


def operation_outcome(code: str, message: str) -> OperationOutcome:
    return OperationOutcome(issue=[{"severity": "error", "code": code, "diagnostics": message}])


def fhir_response(resource: Resource, *, status: int = 200, headers: dict | None = None):
    # One serialisation, indented by fhir.resources itself (stdlib json here:
    # the same text as re-indenting its compact output, without the second
    # encode and the parse between).
    response = HttpResponse(
        resource.json(indent=2, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# OperationOutcome issue type per HTTP status (the FHIR issue-type value set).
ISSUE_CODE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
}


def error_response(status: int, message: str, *, headers: dict | None = None):
    return fhir_response(
        operation_outcome(ISSUE_CODE.get(status, "exception"), message),
        status=status,
        headers=headers,
    )
