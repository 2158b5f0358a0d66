"""``{{ field|bs_field }}``: one form field in Bootstrap 5 markup (label,
control, help text, errors), written in Python.

The markup is crispy-bootstrap5's for the widgets used here, made in a
fraction of the time: crispy renders a dozen nested templates per field, and
the busiest pages show many fields (an assessment about 70, the plan page 15
per exercise). Forms seen rarely (login, patient form) keep crispy.
"""

from __future__ import annotations

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHOICE_INPUTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
REQUIRED_MARK = mark_safe('<span class="asteriskField">*</span>')  # nosec B308 B703 (a constant)


def _control_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


def _label(field, css: str, tag: str = "label") -> SafeString:
    if not field.label:
        return SafeString("")
    required = field.field.required
    for_attr = format_html(' for="{}"', field.id_for_label) if tag == "label" else ""
    return format_html(
        '<{}{} class="{}{}">{}{}</{}>',
        tag,
        for_attr,
        css,
        " requiredField" if required else "",
        field.label,
        REQUIRED_MARK if required else "",
        tag,
    )


def _help_and_errors(field) -> SafeString:
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    errors = format_html_join(
        "",
        '<div id="error_{}_{}" class="invalid-feedback d-block" role="alert"><strong>{}</strong></div>',
        ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
    )
    return format_html("{}{}", help_text, errors)


def _choices(field, invalid: str) -> SafeString:
    """Radio buttons or checkboxes, one ``form-check`` each, in a fieldset."""
    options = format_html_join(
        "",
        '<div class="form-check"><input type="{}" name="{}" value="{}" class="form-check-input{}"{}>'
        '<label for="{}" class="form-check-label">{}</label></div>',
        (
            (
                option.data["type"],
                option.data["name"],
                option.data["value"],
                invalid,
                flatatt(option.data["attrs"]),
                option.id_for_label,
                option.choice_label,
            )
            for option in field.subwidgets
        ),
    )
    described = (
        format_html(' aria-describedby="{}_helptext"', field.auto_id) if field.help_text else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}>{}{}{}</fieldset></div>',
        field.auto_id,
        described,
        _label(field, "form-label fs-6", tag="legend"),
        options,
        _help_and_errors(field),
    )


@register.filter
def bs_field(field) -> SafeString:
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, CHOICE_INPUTS):
        return _choices(field, invalid)
    css = f"{widget.attrs.get('class', '')} {_control_class(widget)}{invalid}".strip()
    control = field.as_widget(attrs={"class": css})
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div id="div_{}" class="mb-3 form-check">{}{}{}</div>',
            field.auto_id,
            control,
            _label(field, "form-check-label"),
            _help_and_errors(field),
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}</div>',
        field.auto_id,
        _label(field, "form-label"),
        control,
        _help_and_errors(field),
    )
