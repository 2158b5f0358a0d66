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
