"""Enumerating the project's URL patterns, for the access matrix."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def iter_url_patterns(
    patterns=None, prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str]]:
    """(name or "<unnamed>", route) for every URL pattern, namespaces joined."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_url_patterns(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name:
                name = f"{namespace}:{name}" if namespace else name
            yield name or "<unnamed>", route
