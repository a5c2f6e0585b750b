"""The notice form offers only the releases that get updates on the publish day (SLP-2)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ReleaseFactory
from tests.notices.cast import ADMIN, T0, notice

pytestmark = pytest.mark.usefixtures("admin_pages")


def offered(response) -> list[str]:
    """Return the labels of the release checkboxes the form shows."""
    field = response.context["adminform"].form.fields["releases"]
    return [label for _value, label in field.widget.choices]


def test_the_add_form_offers_the_current_and_previous_release_only(sender, admin_world):
    response = sender.get(f"{ADMIN}add/")

    assert offered(response) == ["CONNECT CAM 2027 · Current", "CONNECT CAM 2026 · Previous"]
    assert "CONNECT CAM 2025" not in response.content.decode()


def test_a_release_not_shipped_yet_is_not_offered(sender, admin_world, product):
    ReleaseFactory(product=product, version="2028", release_date=T0.date() + dt.timedelta(days=5))

    assert "CONNECT CAM 2028" not in " ".join(offered(sender.get(f"{ADMIN}add/")))


def test_a_scheduled_draft_is_offered_the_releases_of_its_publish_day(sender, admin_world, product):
    ReleaseFactory(product=product, version="2028", release_date=T0.date() + dt.timedelta(days=5))
    draft = notice([admin_world["2027"]], kind="scheduled", publish_at=T0 + dt.timedelta(days=10))

    response = sender.get(f"{ADMIN}{draft.pk}/change/")

    # On its publish day 2028 is current and 2026 no longer gets updates.
    assert offered(response) == ["CONNECT CAM 2028 · Current", "CONNECT CAM 2027 · Previous"]


def test_a_saved_release_that_lost_its_support_stays_shown_so_it_can_be_unchecked(
    sender, admin_world, product
):
    draft = notice([admin_world["2026"]])
    ReleaseFactory(product=product, version="2028", release_date=T0.date())

    response = sender.get(f"{ADMIN}{draft.pk}/change/")

    assert "CONNECT CAM 2026 · Unsupported" in offered(response)
    assert "CONNECT CAM 2025 · Unsupported" not in offered(response)
    assert response.context["adminform"].form.initial["releases"] == [admin_world["2026"]]
