"""Keeping the shipped (read-only, ``clinic`` null) exercise library in step
with ``library_data``. Idempotent: a second run changes nothing. Used by the
``fill_*`` data migrations (with historical models) and by the
``load_exercise_library`` command (for content updates after a release)."""

from __future__ import annotations

from typing import Any

from exercises.library_data import EXERCISES


def field_names(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def upsert(model: Any, lookup: dict, values: dict) -> tuple[Any, bool]:
    """Create, or update only when something differs (no empty history rows)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def exercises_sync(Exercise) -> tuple[dict, int]:  # noqa: N803 (a model class, live or historical)
    """Create or update the shipped exercises; (exercise by slug, changes)."""
    fields = field_names(Exercise)
    changes = 0
    by_slug: dict[str, Any] = {}
    for spec in EXERCISES:
        values = {k: v for k, v in spec.items() if k in fields and k != "slug"}
        obj, changed = upsert(Exercise, {"clinic": None, "slug": spec["slug"]}, values)
        by_slug[spec["slug"]] = obj
        changes += changed
    for spec in EXERCISES:
        obj = by_slug[spec["slug"]]
        links = {
            "progression_id": by_slug[spec["_progression"]].pk if spec["_progression"] else None,
            "regression_id": by_slug[spec["_regression"]].pk if spec["_regression"] else None,
        }
        changed_links = [k for k, v in links.items() if getattr(obj, k) != v]
        if changed_links:
            for key in changed_links:
                setattr(obj, key, links[key])
            obj.save(update_fields=changed_links)
    return by_slug, changes
