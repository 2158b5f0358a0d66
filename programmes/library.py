"""Keeping the shipped (read-only, ``clinic`` null) library and templates in
step with ``library_data``. Idempotent: a second run changes nothing. Used by
the ``fill_exercise_library`` data migration (with historical models) and by
the ``load_exercise_library`` command (for content updates after a release)."""

from __future__ import annotations

from programmes.library_data import EXERCISES, TEMPLATES


def _models(apps):
    if apps is None:
        from django.apps import apps as live

        apps = live
    return (
        apps.get_model("programmes", "Exercise"),
        apps.get_model("programmes", "ProgrammeTemplate"),
        apps.get_model("programmes", "TemplatePhase"),
        apps.get_model("programmes", "TemplateExercise"),
        apps.get_model("programmes", "OutcomeSchedule"),
    )


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool]:
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


def _template_signature(template) -> list:
    return [
        (
            phase.number,
            phase.name,
            phase.start_week,
            phase.duration_weeks,
            phase.progression_criteria,
            [
                (
                    item.exercise.slug,
                    item.sets,
                    item.reps,
                    item.hold_s,
                    item.duration_min,
                    item.sessions_per_day,
                    item.days_of_week,
                    item.load,
                    item.side,
                    item.notes,
                )
                for item in phase.items.order_by("order")
            ],
        )
        for phase in template.phases.order_by("number")
    ] + [
        (o.instrument_code, list(o.at_weeks), o.every_weeks)
        for o in template.outcomes.order_by("id")
    ]


def _wanted_signature(spec: dict) -> list:
    return [
        (
            phase["number"],
            phase["name"],
            phase["start_week"],
            phase["duration_weeks"],
            phase["progression_criteria"],
            [
                (
                    i["exercise"],
                    i["sets"],
                    i["reps"],
                    i["hold_s"],
                    i["duration_min"],
                    i["sessions_per_day"],
                    i["days_of_week"],
                    i["load"],
                    i["side"],
                    i["notes"],
                )
                for i in phase["items"]
            ],
        )
        for phase in spec["phases"]
    ] + [
        (o["instrument_code"], list(o.get("at_weeks", [])), o.get("every_weeks"))
        for o in spec["outcomes"]
    ]


def library_sync(apps=None) -> dict[str, int]:
    """Create or update the shipped exercises and templates; return counts of changes."""
    Exercise, Template, Phase, Item, Outcome = _models(apps)  # noqa: N806
    fields = _field_names(Exercise)
    changes = {"exercises": 0, "templates": 0}
    by_slug = {}
    for spec in EXERCISES:
        values = {k: v for k, v in spec.items() if k in fields and k != "slug"}
        obj, changed = _upsert(Exercise, {"clinic": None, "slug": spec["slug"]}, values)
        by_slug[spec["slug"]] = obj
        changes["exercises"] += changed
    for spec in EXERCISES:
        obj = by_slug[spec["slug"]]
        links = {
            "progression_id": by_slug[spec["_progression"]].pk if spec["_progression"] else None,
            "regression_id": by_slug[spec["_regression"]].pk if spec["_regression"] else None,
        }
        changed = [k for k, v in links.items() if getattr(obj, k) != v]
        if changed:
            for key in changed:
                setattr(obj, key, links[key])
            obj.save(update_fields=changed)

    template_fields = _field_names(Template)
    for spec in TEMPLATES:
        values = {
            k: v
            for k, v in spec.items()
            if k in template_fields and k not in {"slug", "phases", "outcomes"}
        }
        template, changed = _upsert(Template, {"clinic": None, "slug": spec["slug"]}, values)
        if _template_signature(template) != _wanted_signature(spec):
            # Plans copy their dosage, so rebuilding a template's phases never
            # changes a patient's programme.
            template.phases.all().delete()
            template.outcomes.all().delete()
            for phase_spec in spec["phases"]:
                phase = Phase.objects.create(
                    template=template,
                    **{k: v for k, v in phase_spec.items() if k != "items"},
                )
                Item.objects.bulk_create(
                    Item(
                        phase=phase,
                        order=n,
                        exercise=by_slug[i["exercise"]],
                        **{k: v for k, v in i.items() if k != "exercise"},
                    )
                    for n, i in enumerate(phase_spec["items"])
                )
            Outcome.objects.bulk_create(
                Outcome(
                    template=template,
                    instrument_code=o["instrument_code"],
                    at_weeks=o.get("at_weeks", []),
                    every_weeks=o.get("every_weeks"),
                )
                for o in spec["outcomes"]
            )
            changed = True
        changes["templates"] += changed
    return changes
