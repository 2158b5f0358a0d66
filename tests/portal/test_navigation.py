"""Issue 18: the phone tab bar and the More page (the browser test checks the
widths at 360 px)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _tabbar(body: str) -> str:
    return re.search(r'<nav aria-label="Portal tabs".*?</nav>', body, re.S).group(0)


def test_the_tab_bar_has_the_four_most_used_destinations_and_more(portal):
    body = portal.get(reverse("portal:progress")).content.decode()
    tabbar = _tabbar(body)
    labels = re.findall(r"</span>([^<]+)</a>", tabbar)
    assert labels == ["Today", "Check-in", "Questionnaires", "Progress", "More"]
    assert f'href="{reverse("portal:progress")}" aria-current="page"' in tabbar


def test_more_lists_the_other_destinations_and_log_out(portal):
    response = portal.get(reverse("portal:more"))
    body = response.content.decode()
    for name in ("portal:programme", "portal:reminders", "portal:my-data"):
        assert f'href="{reverse(name)}"' in body
    assert f'action="{reverse("portal:logout")}"' in body
    # More stays marked in the tab bar on the pages it leads to.
    reminders = _tabbar(portal.get(reverse("portal:reminders")).content.decode())
    assert f'href="{reverse("portal:more")}" aria-current="page"' in reminders


def test_pages_before_login_have_no_tab_bar(client):
    body = client.get(reverse("portal:login")).content.decode()
    assert "Portal tabs" not in body
