"""Keeping the shipped (read-only, ``clinic`` null) exercise library and
condition templates in step with the data files. Idempotent: a second run
changes nothing. Used by the ``fill_*`` data migrations (with historical
models) and by the ``load_exercise_library`` command (for content updates
after a release)."""

from __future__ import annotations

from django.apps import apps as live_apps

from exercises.library import exercises_sync, field_names, upsert
from programmes.template_data import TEMPLATES


def _models(apps):
    apps = apps or live_apps
    return (
        apps.get_model("exercises", "Exercise"),
        apps.get_model("programmes", "ProgrammeTemplate"),
        apps.get_model("programmes", "TemplatePhase"),
        apps.get_model("programmes", "TemplateExercise"),
        apps.get_model("programmes", "OutcomeSchedule"),
    )


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
    by_slug, exercise_changes = exercises_sync(Exercise)
    changes = {"exercises": exercise_changes, "templates": 0}

    template_fields = field_names(Template)
    for spec in TEMPLATES:
        values = {
            k: v
            for k, v in spec.items()
            if k in template_fields and k not in {"slug", "phases", "outcomes"}
        }
        template, changed = upsert(Template, {"clinic": None, "slug": spec["slug"]}, values)
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
