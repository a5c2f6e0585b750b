"""The queue's CSV export (issue 14, item 1): the current view, every page, same order; staff only."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from cases.services import case_open, case_triage
from common.spreadsheets import BOM

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
EXPORT = "/admin/cases/case/export/"


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


@pytest.fixture
def globex_case(globex, globex_site, globex_contract, globex_agent, release_2026):
    return case_open(
        reporter=globex_agent,
        organization=globex,
        site=globex_site,
        release=release_2026,
        title="Simulation shows false holder collisions",
        description="Machine simulation reports collisions with the BT40 holder.",
        proposed_priority="P3",
        channel="portal",
    )


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_the_export_streams_every_case_of_the_view_in_the_queue_order(
    agent_client, open_case, globex_case
):
    cases = [open_case(title=f"Toolpath case {n}") for n in range(3)]

    response = agent_client.get(EXPORT, {"per_page": "10", "page": "2"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    header, *rows = _rows(response)
    assert header[:4] == ["Number", "Title", "Organisation", "End customer"]
    # Every page, in the order the queue shows them (the export ignores the page asked).
    queue = agent_client.get(QUEUE, {"per_page": "100"})
    assert [row[0] for row in rows] == [row.number for row in queue.context["rows"]]
    assert {row[0] for row in rows} == {c.number for c in [*cases, globex_case]}
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    globex_row = by_number[globex_case.number]
    assert (globex_row["Organisation"], globex_row["Site"], globex_row["Status"]) == (
        "Globex",
        "GLOBEX-LON",
        "New",
    )
    assert globex_row["Response clock"] == "Running"


def test_the_export_keeps_the_filters_and_the_sort(agent_client, open_case, staff_agent):
    urgent = [case_triage(case=open_case(), by=staff_agent, priority="P1") for _ in range(2)]
    open_case()

    response = agent_client.get(EXPORT, {"priority": "P1", "sort": "-number"})

    assert [row[0] for row in _rows(response)[1:]] == [c.number for c in reversed(urgent)]


def test_a_typed_formula_is_exported_as_text(agent_client, open_case):
    open_case(title='=HYPERLINK("http://evil.example/","Open")')

    rows = _rows(agent_client.get(EXPORT))

    assert rows[1][1] == '\'=HYPERLINK("http://evil.example/","Open")'


def test_staff_export_every_tenants_cases(agent_client, open_case, globex_case):
    acme_case = open_case()

    numbers = {row[0] for row in _rows(agent_client.get(EXPORT))[1:]}

    assert numbers == {acme_case.number, globex_case.number}


def test_customers_and_strangers_get_the_admin_login(acme_agent, open_case):
    open_case()
    customer = Client()
    customer.force_login(acme_agent)

    for client in (customer, Client()):
        response = client.get(EXPORT)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_queue_links_to_the_export_of_its_view(agent_client, open_case):
    open_case()

    response = agent_client.get(QUEUE, {"view": "mine", "sla": "breached", "page": "3"})

    assert response.context["export_url"] == f"{EXPORT}?view=mine&sla=breached"
