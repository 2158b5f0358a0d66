"""``bs_field``: Bootstrap 5 markup for one field, as the pages show it."""

from django import forms
from django.template import Context, Template


class Example(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="As on the referral")
    pain = forms.ChoiceField(
        label="Pain", choices=[("0", "None"), ("1", "Some")], widget=forms.RadioSelect
    )
    smoker = forms.BooleanField(label="Smoker", required=False)
    side = forms.ChoiceField(label="Side", choices=[("l", "Left"), ("r", "Right")], required=False)
    days = forms.MultipleChoiceField(
        label="Days", choices=[("1", "Mon"), ("2", "Tue")], widget=forms.CheckboxSelectMultiple
    )


def render(form, name: str) -> str:
    template = Template("{% load bootstrap_fields %}{{ field|bs_field }}")
    return template.render(Context({"field": form[name]}))


def test_a_text_field_has_its_label_help_and_required_mark_linked_by_ids():
    html = render(Example(), "name")
    assert '<label for="id_name" class="form-label requiredField">Name &lt;b&gt;' in html
    assert 'class="form-control"' in html and 'aria-describedby="id_name_helptext"' in html
    assert '<div id="id_name_helptext" class="form-text">As on the referral</div>' in html


def test_errors_mark_the_control_invalid_and_are_announced_escaped():
    form = Example(data={"name": "", "pain": "9"})
    form.errors["name"] = ["Enter <script>"]
    name = render(form, "name")
    assert "form-control is-invalid" in name
    assert 'role="alert"><strong>Enter &lt;script&gt;</strong>' in name
    pain = render(form, "pain")
    assert pain.count("form-check-input is-invalid") == 2
    assert "Select a valid choice" in pain


def test_radios_and_checkboxes_are_a_fieldset_with_a_legend_and_keep_the_choice():
    form = Example(data={"pain": "1", "days": ["2"]})
    pain = render(form, "pain")
    assert '<fieldset><legend class="form-label fs-6 requiredField">Pain' in pain
    assert 'value="1" class="form-check-input" id="id_pain_1" checked required>' in pain
    assert '<label for="id_pain_1" class="form-check-label">Some</label>' in pain
    days = render(form, "days")
    assert 'type="checkbox" name="days" value="2" class="form-check-input"' in days
    assert days.count("checked") == 1


def test_a_checkbox_and_a_select_get_their_bootstrap_classes():
    smoker = render(Example(), "smoker")
    assert 'class="mb-3 form-check"' in smoker and 'class="form-check-input"' in smoker
    assert '<label for="id_smoker" class="form-check-label">Smoker</label>' in smoker
    assert 'class="form-select"' in render(Example(), "side")
