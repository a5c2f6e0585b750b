"""Fill the queue's stored fields on cases recorded before they existed.

The same values the clock recompute stores (cases.services.clocks): the warnings the sweep
raised, the last event a person added, and the earliest due instant of a counting clock.
"""

from django.db import migrations
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

_COUNTING = ("running", "breached")


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")

    def warned(clock):
        return Exists(
            CaseEvent.objects.filter(case=OuterRef("pk"), kind="sla_warning", data__clock=clock)
        )

    last = (
        CaseEvent.objects.filter(case=OuterRef("pk"), actor__isnull=False)
        .values("case")
        .annotate(last=Max("at"))
        .values("last")
    )
    Case.objects.update(
        response_warned=warned("response"),
        resolution_warned=warned("resolution"),
        last_activity_at=Coalesce(Subquery(last), "received_at"),
    )
    batch = []
    for case in Case.objects.only(
        "pk", "response_state", "response_due_at", "resolution_state", "resolution_due_at"
    ).iterator(chunk_size=2000):
        dues = [
            due
            for state, due in (
                (case.response_state, case.response_due_at),
                (case.resolution_state, case.resolution_due_at),
            )
            if state in _COUNTING and due is not None
        ]
        if dues:
            case.queue_due_at = min(dues)
            batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["queue_due_at"])
            batch = []
    Case.objects.bulk_update(batch, ["queue_due_at"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_staff_workspace")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
