"""Erasure hooks: each app that holds personal data about a patient registers
an eraser, ``fn(*, patient)``, which erases or pseudonymises that data inside
the erasure transaction (patients.services.erasure_request_execute). Keep ids;
the audit trail (ids only) is never touched."""

from __future__ import annotations

from collections.abc import Callable

Eraser = Callable[..., None]
_erasers: list[Eraser] = []


def register(eraser: Eraser) -> Eraser:
    _erasers.append(eraser)
    return eraser


def erasers() -> list[Eraser]:
    return list(_erasers)


def erase_free_text(queryset, fields: list[str]) -> int:
    """Blank the free-text fields of the rows and drop their history versions,
    which hold the old text. Ids and structured codes stay. Returns the rows."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    model._default_manager.filter(pk__in=ids).update(**dict.fromkeys(fields, ""))
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).delete()
    return len(ids)
