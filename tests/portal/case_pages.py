"""Helpers of the case page tests: cases opened through the services, signed-in clients."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from cases import services
from cases.models import Case

# Monday 2 March 2026, 16:00 UTC: 10:00 in Chicago, support open; 2026 is the current release.
NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)


def signed_in(user, *, enforce_csrf: bool = False) -> Client:
    """Return a client logged in as the user."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def case_for(*, reporter, organization, site, release, **fields) -> Case:
    """Open a case through the intake service, with plausible defaults."""
    values = {
        "title": "Post-processor output stops at line 200",
        "description": "Posting any toolpath for the Haas VF-2 stops after 200 lines.",
        "proposed_priority": "P2",
        "channel": "portal",
        **fields,
    }
    return services.case_open(
        reporter=reporter, organization=organization, site=site, release=release, **values
    )


def resolved(case: Case, staff) -> Case:
    """Bring an open case to resolved through the staff services."""
    case = services.case_triage(case=case, by=staff, priority="P2", category="problem")
    return services.case_resolve(case=case, by=staff, kind="settled", body="Apply patch 2026.2.")


def waiting(case: Case, staff, body: str = "Please send the post-processor log.") -> Case:
    """Have support ask the customer for information."""
    case = services.case_triage(case=case, by=staff, priority="P2", category="problem")
    return services.case_request_information(case=case, by=staff, body=body)


def case_numbers(html: str) -> list[str]:
    """Return the case numbers linked from a page, in order."""
    return re.findall(r'href="/cases/(C-\d+)/"', html)
