"""Messages in the record: the timeline (conversations filed to the record),
the subject-access export and erasure."""

from __future__ import annotations

from django.urls import reverse

from messaging.models import FiledConversation, Message, MessageNotice
from patients import erasure, subject_access, timeline
from patients.subject_access import (
    CLINICIAN_ENTERED,
    PATIENT_ENTERED,
    Field,
    Record,
    Section,
    _plain,
)


@timeline.register
def filed_conversations(*, patient, viewer, limit: int) -> list[timeline.TimelineEntry]:
    """Conversations filed to the record (clinical content: not for reception)."""
    if viewer is not None and not viewer.sees_clinical_content:
        return []
    rows = (
        FiledConversation.objects.filter(patient=patient)
        .select_related("filed_by")
        .only("id", "filed_at", "messages_count", "filed_by__first_name", "filed_by__last_name")
        .order_by("-filed_at")[:limit]
    )
    return [
        timeline.TimelineEntry(
            at=row.filed_at,
            title=f"Messages filed to the record by {row.filed_by.get_full_name() if row.filed_by else 'staff'}",
            detail=f"{row.messages_count} messages",
            url=reverse("messaging:filed", args=[row.pk]),
            kind="note",
        )
        for row in rows
    ]


@subject_access.register
def messages_section(*, patient) -> Section | None:
    rows = list(
        Message.objects.filter(conversation__patient=patient)
        .select_related("sender", "about__exercise")
        .order_by("created_at", "id")
    )
    filed = list(FiledConversation.objects.filter(patient=patient).order_by("filed_at"))
    if not rows and not filed:
        return None
    records = []
    for message in rows:
        source = PATIENT_ENTERED if message.from_patient else CLINICIAN_ENTERED
        author = (
            "you"
            if message.from_patient
            else (message.sender.get_full_name() if message.sender else "the care team")
        )
        fields = [
            Field("created_at", "sent", _plain(message.created_at), source),
            Field("from", "from", author, source),
            Field("body", "text", message.body, source),
            Field("read_at", "read by the other side", _plain(message.read_at), source),
        ]
        if message.about_id:
            fields.append(Field("about", "about", message.about.exercise.name, source))
        records.append(Record(title="Message", fields=fields))
    for note in filed:
        records.append(
            Record(
                title="Messages filed to the record",
                fields=[
                    Field("filed_at", "filed", _plain(note.filed_at), CLINICIAN_ENTERED),
                    Field("transcript", "transcript", note.transcript, CLINICIAN_ENTERED),
                ],
            )
        )
    return Section(title="Messages with the care team", records=records)


@erasure.register
def erase_messages(*, patient) -> None:
    """Blank the text of every message and filed transcript (ids, times and
    read state stay, as elsewhere); drop pending notices."""
    Message.objects.filter(conversation__patient=patient).update(body="", red_flags=[])
    FiledConversation.objects.filter(patient=patient).update(transcript="")
    MessageNotice.objects.filter(conversation__patient=patient, state="pending").update(
        state="skipped", reason="erased"
    )
