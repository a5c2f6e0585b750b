"""Two agents resolving the same case at once record one resolution (DESIGN.md, Case lifecycle)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases import services
from cases.models import CaseEvent, EventKind
from cases.services import TransitionRefused
from mail.models import OutboxMessage


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_resolving_at_once_give_one_resolution(case_in, staff_agent, staff_supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    case = case_in("in_progress")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def resolve(agent) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            services.case_resolve(case=case, by=agent, kind="settled", body=f"Fixed by {agent}")
            outcomes.append("resolved")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=resolve, args=(a,)) for a in (staff_agent, staff_supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "resolved"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.RESOLUTION).count() == 1
    status_moves = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS, new_value="resolved")
    assert status_moves.count() == 1
    # One resolution email per customer recipient, not two.
    assert OutboxMessage.objects.filter(template="case_resolved").count() == 1
