"""What a notice must be before it goes out: supported releases, both languages (SLP-2, SLP-14)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from notices.models import UpdateNotice
from notices.services.publish import (
    update_notice_publish,
    update_notice_save,
    update_notice_unschedule,
)
from tests.factories import ReleaseFactory
from tests.notices.cast import T0, notice


@pytest.fixture(autouse=True)
def _at_t0():
    with time_machine.travel(T0, tick=False):
        yield


def test_a_notice_for_an_unsupported_release_is_refused_with_the_reason(releases):
    with pytest.raises(ValidationError) as caught:
        notice([releases["2025"], releases["2026"]])

    message = " ".join(caught.value.message_dict["releases"])
    assert "CONNECT CAM 2025 is no longer supported on 2026-11-02" in message
    assert "current and the previous release" in message
    assert "2026 is" not in message
    assert not UpdateNotice.objects.exists()


def test_a_release_not_shipped_yet_is_refused(releases, product):
    upcoming = ReleaseFactory(product=product, version="2028", release_date=dt.date(2027, 10, 15))

    with pytest.raises(ValidationError) as caught:
        notice([upcoming])

    assert "not released yet" in caught.value.message_dict["releases"][0]


def test_support_is_judged_on_the_day_a_scheduled_notice_goes_out(releases, product):
    # 2028 ships before the publish day, so 2026 drops out of support by then (SLP-2).
    ReleaseFactory(product=product, version="2028", release_date=T0.date() + dt.timedelta(days=5))

    with pytest.raises(ValidationError) as caught:
        notice(
            [releases["2026"]],
            kind=UpdateNotice.Kind.SCHEDULED,
            publish_at=T0 + dt.timedelta(days=10),
        )

    assert "no longer supported on 2026-11-12" in caught.value.message_dict["releases"][0]


def test_a_notice_without_a_french_body_is_refused_with_a_clear_error(releases):
    with pytest.raises(ValidationError) as caught:
        notice([releases["2026"]], body_fr="  ")

    assert caught.value.message_dict["body_fr"] == [
        "Write the French body too: every notice goes out in English and French, "
        "each contact reads it in their own language."
    ]
    assert not UpdateNotice.objects.exists()


def test_a_notice_without_a_french_title_is_refused(releases):
    with pytest.raises(ValidationError) as caught:
        notice([releases["2026"]], title_fr="")

    assert "French title" in caught.value.message_dict["title_fr"][0]


def test_a_notice_without_any_release_is_refused(releases):
    with pytest.raises(ValidationError) as caught:
        notice([])

    assert caught.value.message_dict["releases"] == ["Choose at least one affected release."]


def test_a_scheduled_notice_needs_its_publish_time(releases):
    with pytest.raises(ValidationError) as caught:
        notice([releases["2026"]], kind=UpdateNotice.Kind.SCHEDULED, publish_at=None)

    assert "publish_at" in caught.value.message_dict


def test_a_bad_link_is_refused_and_named(releases):
    with pytest.raises(ValidationError) as caught:
        notice([releases["2026"]], links="Notes | ftp://files.example.com/notes")

    assert caught.value.message_dict["links"] == [
        "“ftp://files.example.com/notes” is not a web address (http or https)."
    ]


def test_links_read_as_label_and_address_pairs(releases):
    draft = notice(
        [releases["2026"]],
        links="Release notes | https://example.com/notes\n\nhttps://example.com/download\n",
    )

    assert draft.link_list() == [
        {"label": "Release notes", "url": "https://example.com/notes"},
        {"label": "https://example.com/download", "url": "https://example.com/download"},
    ]


def test_an_urgent_notice_goes_out_at_once_even_with_a_publish_time_ahead(
    releases, django_capture_on_commit_callbacks
):
    draft = notice([releases["2026"]], publish_at=T0 + dt.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        urgent = update_notice_publish(notice=draft)

    assert urgent.status == UpdateNotice.Status.PUBLISHING
    assert urgent.published_at == T0
    assert len(callbacks) == 1  # the fan-out task, queued once the publication commits
    urgent.refresh_from_db()
    assert urgent.status == UpdateNotice.Status.SENT


def test_a_published_notice_cannot_be_changed_or_published_again(releases):
    urgent = update_notice_publish(notice=notice([releases["2026"]]))
    urgent.title_en = "Something else"

    with pytest.raises(ValidationError, match="only a draft can be changed"):
        update_notice_save(notice=urgent, releases=[releases["2026"]])
    with pytest.raises(ValidationError, match="only a draft can be changed"):
        update_notice_publish(notice=urgent)
    urgent.refresh_from_db()
    assert urgent.title_en == "Fix for the post-processor crash"


def test_a_scheduled_notice_can_go_back_to_draft_before_it_is_sent(releases):
    scheduled = update_notice_publish(
        notice=notice([releases["2026"]], kind=UpdateNotice.Kind.SCHEDULED)
    )
    assert scheduled.status == UpdateNotice.Status.SCHEDULED

    draft = update_notice_unschedule(notice=scheduled)

    assert draft.status == UpdateNotice.Status.DRAFT
    with pytest.raises(ValidationError, match="Only a notice that is scheduled"):
        update_notice_unschedule(notice=draft)
