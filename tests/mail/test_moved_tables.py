"""Issue 11: a database of the old layout (outbox and notices in contracts) migrates without loss.

The database is taken back to contracts 0005, filled through the models of that state, then
migrated forward; every row must be found through the mail and notices models, with its links.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contracts.models import Release, User
from mail.models import ContactPreference, OutboxMessage
from notices.models import NoticeDelivery, NoticeRead, UpdateNotice

OLD_LAYOUT = [("contracts", "0005_notices")]
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _old_rows(apps) -> dict[str, int]:
    """Write a user, a release, two emails, a sent notice, its delivery and read, a preference."""
    old = {
        name: apps.get_model("contracts", name)
        for name in (
            "User",
            "Product",
            "Release",
            "OutboxMessage",
            "UpdateNotice",
            "NoticeDelivery",
            "NoticeRead",
            "ContactPreference",
        )
    }
    user = old["User"].objects.create(email="old@layout.test", language="fr")
    product = old["Product"].objects.create(name="CONNECT CAM", code="connect-cam-old")
    release = old["Release"].objects.create(
        product=product, version="2026", release_date=dt.date(2026, 1, 15)
    )
    sent = old["OutboxMessage"].objects.create(
        idempotency_key="notice:old:1",
        to_email=user.email,
        recipient=user,
        language="fr",
        template="update_notice",
        context={"title": "Mise à jour"},
        state="sent",
        sent_at=T0,
    )
    pending = old["OutboxMessage"].objects.create(
        idempotency_key="case:old:2", to_email=user.email, language="en", template="case_reply"
    )
    notice = old["UpdateNotice"].objects.create(
        kind="urgent",
        status="sent",
        title_en="Fix",
        title_fr="Correctif",
        body_en="Apply.",
        body_fr="Appliquez.",
        published_at=T0,
        sent_at=T0,
        recipients_count=1,
        sites_count=1,
        created_by=user,
    )
    notice.releases.add(release)
    delivery = old["NoticeDelivery"].objects.create(
        notice=notice, user=user, message=sent, sites=["OLD-01"]
    )
    read = old["NoticeRead"].objects.create(notice=notice, user=user)
    preference = old["ContactPreference"].objects.create(user=user, scheduled_updates_opt_out=True)
    return {
        "user": user.pk,
        "release": release.pk,
        "sent": sent.pk,
        "pending": pending.pk,
        "notice": notice.pk,
        "delivery": delivery.pk,
        "read": read.pk,
        "preference": preference.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_old_layout_are_all_found_in_the_new_apps():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate(OLD_LAYOUT)
    old_apps = executor.loader.project_state(OLD_LAYOUT).apps
    ids = _old_rows(old_apps)
    # A staff group allowed to change update notices before the move keeps that right.
    old_ct = old_apps.get_model("contenttypes", "ContentType")
    old_perm = old_apps.get_model("auth", "Permission")
    notice_type, _ = old_ct.objects.get_or_create(app_label="contracts", model="updatenotice")
    change, _ = old_perm.objects.get_or_create(
        content_type=notice_type,
        codename="change_updatenotice",
        defaults={"name": "Can change update notice"},
    )
    group = old_apps.get_model("auth", "Group").objects.create(name="Old layout editors")
    group.permissions.add(change)

    _migrate(leaves)
    ContentType.objects.clear_cache()

    sent = OutboxMessage.objects.get(pk=ids["sent"])
    assert (sent.idempotency_key, sent.state, sent.recipient_id) == (
        "notice:old:1",
        "sent",
        ids["user"],
    )
    assert sent.context == {"title": "Mise à jour"}
    assert OutboxMessage.objects.get(pk=ids["pending"]).state == OutboxMessage.State.PENDING
    notice = UpdateNotice.objects.get(pk=ids["notice"])
    assert (notice.title_fr, notice.status, notice.created_by_id) == (
        "Correctif",
        "sent",
        ids["user"],
    )
    assert list(notice.releases.values_list("pk", flat=True)) == [ids["release"]]
    assert Release.objects.get(pk=ids["release"]).update_notices.get() == notice
    delivery = NoticeDelivery.objects.get(pk=ids["delivery"])
    assert (delivery.notice_id, delivery.message_id, delivery.sites) == (
        ids["notice"],
        ids["sent"],
        ["OLD-01"],
    )
    assert sent.notice_delivery == delivery
    assert NoticeRead.objects.get(pk=ids["read"]).notice_id == ids["notice"]
    assert User.objects.get(pk=ids["user"]).contact_preference.pk == ids["preference"]
    assert ContactPreference.objects.get(pk=ids["preference"]).scheduled_updates_opt_out
    # The content type moved with the model: the group's right now names the notices app.
    assert set(
        Group.objects.get(name="Old layout editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == {("notices", "change_updatenotice")}
    assert not ContentType.objects.filter(app_label="contracts", model="updatenotice").exists()
    assert Permission.objects.filter(content_type__app_label="notices").exists()
    # New rows continue the old ids rather than colliding with them.
    fresh = OutboxMessage.objects.create(
        idempotency_key="after:move", to_email="new@layout.test", language="en", template="x"
    )
    assert fresh.pk > ids["pending"]


def test_the_new_tables_carry_the_apps_names():
    assert OutboxMessage._meta.db_table == "mail_outboxmessage"
    assert ContactPreference._meta.db_table == "mail_contactpreference"
    assert UpdateNotice._meta.db_table == "notices_updatenotice"
    assert UpdateNotice.releases.through._meta.db_table == "notices_updatenotice_releases"
    assert NoticeDelivery._meta.db_table == "notices_noticedelivery"
