"""Bounded dates and limited free text: one mechanism for every stored field.

A date a user can enter (a birth date, a plan start, a reminder pause...) is
bounded where the model is, not at the one form that showed a problem:

- ``BoundedDateField`` is a ``DateField`` whose bounds are validated by the
  model (``full_clean``) and by every form built from it, with the message
  "Enter a date from 1 Jan 1900 to 31 Dec 2100.";
- ``@bounded_dates`` on the model class adds a database CHECK constraint for
  each bounded field, so a write path that skips validation (a service, the
  shell, an import) cannot store 9999-12-31 either. One such row once made
  every reminder planner run fail with ``OverflowError`` for every clinic.

Plain forms take their date fields from the model (``model_date_formfield``)
so the bound is said once. ``tests/test_security_probe.py`` fails on a stored
``DateField`` without bounds and on a form date or text field without limits.

Free text: ``FreeTextField`` is a ``TextField`` with a 4,000-character limit
(``FREE_TEXT_MAX``) checked by the model and by its forms ("at most 4,000
characters"). The bounds live in the code, not in migrations: both fields
deconstruct as Django's own, so migrations only carry the limit and the CHECK.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

# The widest range any stored date may take. Wide enough for every real
# clinical date, narrow enough that date arithmetic (plans, reminders, weeks)
# can never overflow (date.max is 9999-12-31).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

# Free text (notes, reasons, instructions); a search box takes 200.
FREE_TEXT_MAX = 4000
SEARCH_MAX = 200
# Passwords: the hasher's work grows with the length.
PASSWORD_MAX = 256

# A reminder pause is at most a year from the day it is set.
PAUSE_MAX_DAYS = 366


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def date_range_message(low: date, high: date) -> str:
    return f"Enter a date from {_day(low)} to {_day(high)}."


@deconstructible
class DateRangeValidator:
    """Rejects a date outside [low, high] with one clear message."""

    def __init__(self, low: date = DATE_MIN, high: date = DATE_MAX) -> None:
        self.low, self.high = low, high

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        day = value.date() if hasattr(value, "date") and callable(value.date) else value
        if not (self.low <= day <= self.high):
            raise ValidationError(date_range_message(self.low, self.high), code="date_range")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DateRangeValidator)
            and self.low == other.low
            and self.high == other.high
        )

    def __hash__(self) -> int:
        return hash((self.low, self.high))


class BoundedDateField(models.DateField):
    """A ``DateField`` with bounds (default 1900-01-01 to 2100-12-31).

    Validated by the model and its forms; ``@bounded_dates`` on the model
    adds the database CHECK. Deconstructs as a plain ``DateField``.
    """

    def __init__(
        self, *args: Any, min_date: date = DATE_MIN, max_date: date = DATE_MAX, **kwargs: Any
    ) -> None:
        if min_date > max_date:
            raise ValueError("min_date after max_date")
        self.min_date, self.max_date = min_date, max_date
        super().__init__(*args, **kwargs)

    @property
    def range_validator(self) -> DateRangeValidator:
        return DateRangeValidator(self.min_date, self.max_date)

    @property
    def validators(self) -> list:  # type: ignore[override]
        return [*super().validators, self.range_validator]

    def formfield(self, *args: Any, **kwargs: Any) -> Any:
        field = super().formfield(*args, **kwargs)
        if field is not None and self.range_validator not in field.validators:
            field.validators.append(self.range_validator)
        return field

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs

    def check_constraint_name(self, model: type[models.Model]) -> str:
        return f"{model._meta.db_table}_{self.column}_range"[:63]

    def check_constraint(self, model: type[models.Model]) -> models.CheckConstraint:
        condition = Q(**{f"{self.name}__gte": self.min_date, f"{self.name}__lte": self.max_date})
        if self.null:
            condition |= Q(**{f"{self.name}__isnull": True})
        return models.CheckConstraint(condition=condition, name=self.check_constraint_name(model))


M = TypeVar("M", bound=type[models.Model])


def bounded_dates(model: M) -> M:
    """Class decorator: a database CHECK for each ``BoundedDateField``.

    Raises on a plain ``DateField``: every stored date of the model is
    bounded, or says why not by being a ``DateTimeField`` set by the system.
    """
    meta = model._meta
    existing = {c.name for c in meta.constraints}
    added = []
    for field in meta.local_fields:
        if isinstance(field, models.DateTimeField):
            continue
        if isinstance(field, models.DateField) and not isinstance(field, BoundedDateField):
            raise TypeError(f"{meta.label}.{field.name}: use clinic.dates.BoundedDateField")
        if isinstance(field, BoundedDateField):
            constraint = field.check_constraint(model)
            if constraint.name not in existing:
                added.append(constraint)
    constraints = [*meta.constraints, *added]
    meta.constraints = constraints
    # The migration autodetector reads options the class declared.
    meta.original_attrs["constraints"] = constraints
    return model


def model_date_formfield(model: type[models.Model], name: str, **kwargs: Any) -> forms.DateField:
    """A form field for a plain form that takes the model field's bounds."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.DateField):
        raise TypeError(f"{model._meta.label}.{name} is not a date field")
    kwargs.setdefault("required", not field.blank)
    formfield = field.formfield(**kwargs)
    assert isinstance(formfield, forms.DateField)
    return formfield


class FreeTextField(models.TextField):
    """A ``TextField`` limited to ``FREE_TEXT_MAX`` characters by the model
    and its forms. Deconstructs as a plain ``TextField`` with ``max_length``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", FREE_TEXT_MAX)
        super().__init__(*args, **kwargs)

    @property
    def validators(self) -> list:  # type: ignore[override]
        return [*super().validators, MaxLengthValidator(self.max_length)]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs
