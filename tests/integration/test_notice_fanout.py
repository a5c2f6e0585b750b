"""A real worker on Redis fans an update notice out to a real SMTP server, once per person."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
from harness import CeleryWorker, publishing_to, wait_for, worker_env

from mail.models import OutboxMessage
from mail.services.preferences import contact_preference_set
from notices.models import NoticeDelivery, UpdateNotice
from notices.services.audience import notice_audience_chunks
from notices.services.fanout import notice_fanout, update_notice_fanout_chunk
from notices.services.publish import update_notice_publish
from tests.factories import ContractFactory, OrganizationFactory, SiteFactory
from tests.notices.cast import contact, notice, runs

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def notice_worker(django_db_setup, smtp_server, tmp_path_factory):
    """A real worker on Redis whose own tasks (chunks, deliveries) stay on the test's queue.

    Built like the shared `celery_worker` fixture, with settings that make the worker
    send the tasks it queues itself to the queue it consumes.
    """
    from django.db import connection

    from portal.celery import app as celery_app

    if connection.vendor != "postgresql":
        pytest.fail("the worker test needs DATABASE_URL on PostgreSQL (the worker shares the DB)")
    broker = celery_app.conf.broker_url
    if not broker.startswith(("redis://", "rediss://")):
        pytest.fail(f"CELERY_BROKER_URL must be a redis:// URL for a real worker, not {broker!r}")
    queue = f"connect-it-notices-{uuid.uuid4().hex[:10]}"
    env = worker_env(
        queue=queue,
        broker=broker,
        email_url=smtp_server.url,
        settings_module="tests.integration.notice_worker_settings",
    )
    worker = CeleryWorker(
        queue=queue, env=env, log_path=tmp_path_factory.mktemp("celery") / "worker.log"
    )
    with publishing_to(queue):
        try:
            yield worker.start()
        finally:
            worker.stop()


@pytest.fixture
def audience(releases, partner):
    """Four expected contacts on 2026, and two who must hear nothing."""
    expected = []
    for n in range(3):
        org = OrganizationFactory(name=f"Fanout customer {n}")
        site = SiteFactory(organization=org, code=f"FAN-{n}")
        ContractFactory(holder=org, sites=[site])
        runs(site, releases["2026"])
        expected.append(contact(org, f"fanout{n}@example.test"))
    served = OrganizationFactory(name="Fanout end customer", kind="end_customer", partner=partner)
    served_site = SiteFactory(organization=served, code="FAN-END")
    ContractFactory(holder=served, sites=[served_site])
    runs(served_site, releases["2026"])
    expected.append(contact(partner, "fanout-partner@example.test"))
    # Opted out of scheduled notices: an urgent one still reaches them.
    contact_preference_set(user=expected[0], scheduled_updates_opt_out=True)

    other = OrganizationFactory(name="Fanout other release")
    other_site = SiteFactory(organization=other, code="FAN-OTHER")
    ContractFactory(holder=other, sites=[other_site])
    runs(other_site, releases["2027"])
    contact(other, "fanout-unaffected@example.test")
    return {user.email for user in expected}


def test_a_notice_reaches_exactly_its_recipients_once_despite_a_crash_and_a_double_task(
    notice_worker, smtp_server, releases, audience
):
    urgent = update_notice_publish(notice=notice([releases["2026"]]), enqueue=False)
    # A first run writes one chunk, then dies; the fan-out task is then sent twice.
    first = next(notice_audience_chunks(urgent, day=urgent.published_at.date(), size=1))
    update_notice_fanout_chunk(notice_id=urgent.pk, user_ids=first)
    notice_fanout.delay(urgent.pk)
    notice_fanout.delay(urgent.pk)

    def all_received() -> bool:
        return all(smtp_server.sink.messages_to(address) for address in audience)

    try:
        wait_for(all_received, timeout=30, what="every recipient's email")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{notice_worker.log()}") from None
    time.sleep(2)  # the duplicate tasks have run by now

    received = Counter(
        address
        for address in [*audience, "fanout-unaffected@example.test"]
        for _message in smtp_server.sink.messages_to(address)
    )
    assert received == Counter(dict.fromkeys(audience, 1)), notice_worker.log()
    assert NoticeDelivery.objects.filter(notice=urgent).count() == len(audience)
    messages = OutboxMessage.objects.filter(idempotency_key__startswith=f"notice:{urgent.pk}:")
    assert sorted(messages.values_list("state", flat=True)) == ["sent"] * len(audience)
    urgent.refresh_from_db()
    assert urgent.status == UpdateNotice.Status.SENT
    email = smtp_server.sink.messages_to("fanout-partner@example.test")[0]
    assert "Fix for the post-processor crash" in email["Subject"]
    assert email["List-Unsubscribe"] is None
