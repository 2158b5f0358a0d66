"""``crispy_blank``: the plan page's blank forms come from a cache that only
ever holds markup identical to what crispy renders."""

from datetime import date

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.utils import translation

from clinic.templatetags import blank_forms
from programmes.forms import GoalForm


class Example(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the referral")
    side = forms.ChoiceField(choices=[("l", "Left"), ("r", "Right")])


class Dated(forms.Form):
    on = forms.DateField(initial=date.today, widget=forms.DateInput(format="%Y-%m-%d"))


def render(form, tag: str = "crispy_blank") -> str:
    template = Template("{% load blank_forms crispy_forms_tags %}{{ form|" + tag + " }}")
    return template.render(Context({"form": form}))


@pytest.fixture(autouse=True)
def _empty_cache():
    blank_forms._rendered.clear()
    yield
    blank_forms._rendered.clear()


def test_a_blank_form_renders_exactly_as_crispy_and_is_cached_once():
    assert render(Example()) == render(Example(), "crispy")
    assert render(Example()) == render(Example(), "crispy")
    assert len(blank_forms._rendered) == 1


@pytest.mark.django_db
def test_the_plan_pages_goal_form_is_cached_with_the_same_markup():
    assert render(GoalForm()) == render(GoalForm(), "crispy")
    assert len(blank_forms._rendered) == 1


def test_a_bound_form_shows_its_own_values_and_errors():
    render(Example())
    html = render(Example(data={"name": "Ann <3", "side": "x"}))
    assert 'value="Ann &lt;3"' in html
    assert "Select a valid choice." in html
    assert len(blank_forms._rendered) == 1


def test_the_initial_values_and_the_language_are_part_of_the_key():
    with time_machine.travel("2026-03-01 12:00Z", tick=False):
        assert 'value="2026-03-01"' in render(Dated())
    with time_machine.travel("2026-03-02 12:00Z", tick=False):
        assert 'value="2026-03-02"' in render(Dated())
    with translation.override("pl"):
        render(Example())
    assert len(blank_forms._rendered) == 3


def test_a_form_with_its_own_init_is_never_cached():
    class PerUser(Example):
        def __init__(self, *args, user, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["name"].label = user

    assert "Ann" in render(PerUser(user="Ann"))
    assert "Bob" in render(PerUser(user="Bob"))
    assert not blank_forms._rendered
