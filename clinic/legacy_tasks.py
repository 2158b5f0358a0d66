"""Tasks that still answer to the first release's names. A message queued
before an upgrade carries the old name (``programmes.tasks.*``); registering
the same function under it, with the same options, lets it run afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task


def shared_task_with_legacy_names(
    name: str, *, legacy_names: tuple[str, ...], **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """``@shared_task(name=name, **options)``, and the same function with the
    same options under each of ``legacy_names``."""

    def register(fun: Callable[..., Any]) -> Any:
        for legacy_name in legacy_names:
            shared_task(name=legacy_name, **options)(fun)
        return shared_task(name=name, **options)(fun)

    return register
