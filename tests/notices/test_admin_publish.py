"""Publishing from the admin: publish now or schedule, each after a confirmation (SLP-14)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core import mail

from mail.models import ContactPreference, OutboxMessage
from notices.models import UpdateNotice
from notices.services.publish import update_notice_fanout_run
from tests.notices.cast import ADMIN, T0, messages_of, notice, notice_form

pytestmark = pytest.mark.usefixtures("admin_pages")
CONTACTS = {"admin@acme.test", "responsable@acme.test"}


def scheduled(releases, publish_at: dt.datetime) -> UpdateNotice:
    """Create a scheduled draft, written an hour before T0 so its time may already be past."""
    with time_machine.travel(T0 - dt.timedelta(hours=1), tick=False):
        return notice([releases["2026"]], kind="scheduled", publish_at=publish_at)


def test_publish_now_on_the_change_page_saves_then_asks_for_confirmation(sender, admin_world):
    draft = notice([admin_world["2026"]])
    data = notice_form([admin_world["2026"]], title_en="Licence server fix, v2", _publish="1")

    response = sender.post(f"{ADMIN}{draft.pk}/change/", data)

    assert response["Location"] == f"{ADMIN}{draft.pk}/publish/"
    draft.refresh_from_db()
    assert (draft.title_en, draft.status) == ("Licence server fix, v2", "draft")
    assert OutboxMessage.objects.count() == 0


def test_the_change_page_of_a_draft_offers_publish_now_or_schedule(sender, admin_world):
    urgent = notice([admin_world["2026"]])
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))

    urgent_page = sender.get(f"{ADMIN}{urgent.pk}/change/").content.decode()
    later_page = sender.get(f"{ADMIN}{later.pk}/change/").content.decode()

    assert 'value="Publish now" name="_publish"' in urgent_page
    assert 'value="Schedule" name="_publish"' in later_page


def test_the_confirmation_shows_the_audience_size_and_sends_nothing(sender, admin_world):
    draft = notice([admin_world["2026"]])

    response = sender.get(f"{ADMIN}{draft.pk}/publish/")

    audience = response.context["audience"]
    assert (audience.recipients, audience.sites, audience.opted_out) == (2, 1, 0)
    page = response.content.decode()
    assert "2 recipients" in page and "1 affected site" in page
    assert "It goes out now, to every affected contact." in page
    assert 'value="Publish now" id="confirm-publish"' in page
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.DRAFT
    assert OutboxMessage.objects.count() == 0


def test_confirming_an_urgent_notice_sends_it_once_to_each_contact(
    sender, admin_world, django_capture_on_commit_callbacks
):
    draft = notice([admin_world["2026"]])

    with django_capture_on_commit_callbacks(execute=True):
        response = sender.post(f"{ADMIN}{draft.pk}/publish/", {"step": "send"})

    assert response["Location"] == f"{ADMIN}{draft.pk}/progress/"
    assert Counter(email.to[0] for email in mail.outbox) == Counter(CONTACTS)
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.SENT


def test_confirming_a_scheduled_notice_schedules_it_for_its_publish_time(sender, admin_world):
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))

    page = sender.get(f"{ADMIN}{later.pk}/publish/").content.decode()
    response = sender.post(f"{ADMIN}{later.pk}/publish/", {"step": "schedule"}, follow=True)

    assert "It will go out at its publish time" in page
    assert 'value="Schedule" id="confirm-publish"' in page
    later.refresh_from_db()
    assert later.status == UpdateNotice.Status.SCHEDULED
    assert "Scheduled: it goes out 2026-11-03 10:00 UTC." in response.content.decode()
    assert OutboxMessage.objects.count() == 0


def test_the_confirmation_counts_the_contacts_left_out_by_their_opt_out(
    sender, admin_world, acme_admin
):
    ContactPreference.objects.create(user=acme_admin, scheduled_updates_opt_out=True)
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))
    urgent = notice([admin_world["2026"]])

    later_response = sender.get(f"{ADMIN}{later.pk}/publish/")
    urgent_audience = sender.get(f"{ADMIN}{urgent.pk}/publish/").context["audience"]

    audience = later_response.context["audience"]
    assert (audience.recipients, audience.opted_out) == (1, 1)
    assert "1 contact left out: opted out of scheduled notices" in later_response.content.decode()
    assert (urgent_audience.recipients, urgent_audience.opted_out) == (2, 0)


def test_a_draft_past_its_publish_time_says_it_was_never_sent(sender, admin_world):
    overdue = scheduled(admin_world, T0 - dt.timedelta(minutes=30))

    changelist = sender.get(ADMIN).content.decode()
    change = sender.get(f"{ADMIN}{overdue.pk}/change/").content.decode()

    assert "Draft - publish time passed, not sent" in changelist
    assert 'id="overdue"' in change
    assert "this notice was never sent: it is still a draft, and nobody received it" in change
    assert 'value="Publish now" name="_publish"' in change


def test_publishing_a_draft_past_its_publish_time_sends_it_at_once(
    sender, admin_world, django_capture_on_commit_callbacks
):
    overdue = scheduled(admin_world, T0 - dt.timedelta(minutes=30))

    confirmation = sender.get(f"{ADMIN}{overdue.pk}/publish/")
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(f"{ADMIN}{overdue.pk}/publish/", {"step": "send"})

    assert confirmation.context["step"] == "send"
    overdue.refresh_from_db()
    assert (overdue.status, overdue.published_at) == (UpdateNotice.Status.SENT, T0)
    assert Counter(email.to[0] for email in mail.outbox) == Counter(CONTACTS)


def selected(*notices: UpdateNotice, **extra) -> dict:
    return {"action": "publish_selected", "_selected_action": [n.pk for n in notices], **extra}


def test_the_changelist_action_confirms_with_each_audience_before_sending(sender, admin_world):
    urgent = notice([admin_world["2026"]])
    sent = notice([admin_world["2026"]], title_en="Already out")
    update_notice_fanout_run(notice=sent)

    response = sender.post(ADMIN, selected(urgent, sent))

    rows = {row["notice"].pk: row for row in response.context["rows"]}
    assert rows[urgent.pk]["step"] == "send"
    assert (rows[urgent.pk]["audience"].recipients, rows[urgent.pk]["audience"].sites) == (2, 1)
    assert rows[sent.pk]["step"] is None
    assert "Left as it is (Sent)." in response.content.decode()
    assert messages_of(urgent).count() == 0


def test_the_confirmed_action_sends_urgent_drafts_and_schedules_the_others(
    sender, admin_world, django_capture_on_commit_callbacks
):
    urgent = notice([admin_world["2026"]])
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        steps = {f"step-{urgent.pk}": "send", f"step-{later.pk}": "schedule"}
        response = sender.post(ADMIN, selected(urgent, later, post="yes", **steps), follow=True)

    urgent.refresh_from_db()
    later.refresh_from_db()
    assert (urgent.status, later.status) == ("sent", "scheduled")
    assert Counter(email.to[0] for email in mail.outbox) == Counter(CONTACTS)
    page = response.content.decode()
    assert "1 notice is being sent." in page and "1 notice is scheduled." in page


def test_staff_outside_management_may_not_confirm_nor_use_the_action(
    admin_world, staff_agent, staff_login
):
    client = staff_login(staff_agent)
    draft = notice([admin_world["2026"]])

    assert client.get(f"{ADMIN}{draft.pk}/publish/").status_code == 403
    assert "publish_selected" not in client.get(ADMIN).content.decode()
    client.post(ADMIN, selected(draft, post="yes"))
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.DRAFT


def test_a_notice_changed_since_its_confirmation_is_shown_again_not_sent(sender, admin_world):
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))
    # Confirmed as "schedule"; meanwhile somebody made it urgent.
    UpdateNotice.objects.filter(pk=later.pk).update(kind=UpdateNotice.Kind.URGENT)

    response = sender.post(f"{ADMIN}{later.pk}/publish/", {"step": "schedule"})
    unconfirmed = sender.post(f"{ADMIN}{later.pk}/publish/")

    assert response["Location"] == unconfirmed["Location"] == f"{ADMIN}{later.pk}/publish/"
    later.refresh_from_db()
    assert later.status == UpdateNotice.Status.DRAFT
    assert OutboxMessage.objects.count() == 0


def test_the_action_leaves_a_notice_changed_since_its_confirmation(sender, admin_world):
    later = scheduled(admin_world, T0 + dt.timedelta(days=1))
    data = selected(later, post="yes", **{f"step-{later.pk}": "schedule"})
    UpdateNotice.objects.filter(pk=later.pk).update(kind=UpdateNotice.Kind.URGENT)

    response = sender.post(ADMIN, data, follow=True)

    assert "changed since the confirmation: it was left as it is." in response.content.decode()
    later.refresh_from_db()
    assert later.status == UpdateNotice.Status.DRAFT
