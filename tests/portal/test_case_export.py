"""CSV export of the case list: exactly what the user may see under its filters, formula-safe."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal.case_pages import NOW, case_for, signed_in, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def acme_case(acme, acme_site, acme_contract, acme_agent, releases):
    def _open(**fields):
        fields = {"site": acme_site, **fields}
        return case_for(reporter=acme_agent, organization=acme, release=releases["2026"], **fields)

    return _open


def _export(user, query: str = "") -> list[list[str]]:
    response = signed_in(user).get(f"/cases/export.csv{query}")
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_export_is_a_csv_download(acme_case, acme_viewer):
    acme_case()

    response = signed_in(acme_viewer).get("/cases/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    assert response["Cache-Control"] == "private, no-store"


def test_it_holds_only_the_cases_the_user_may_see(
    acme_case, acme_admin, globex, globex_site, globex_contract, globex_agent, releases
):
    mine = acme_case()
    case_for(reporter=globex_agent, organization=globex, site=globex_site, release=releases["2026"])

    rows = _export(acme_admin)

    assert rows[0][:3] == ["Number", "Title", "Status"]
    assert [row[0] for row in rows[1:]] == [mine.number]


def test_it_follows_the_filters_and_every_page(acme_case, acme_admin, staff_agent):
    opened = [acme_case(title=f"Case {index}") for index in range(55)]
    waiting_case = waiting(opened[0], staff_agent)

    everything = _export(acme_admin, "?sort=received")
    only_waiting = _export(acme_admin, "?status=waiting_on_customer")

    assert [row[0] for row in everything[1:]] == [case.number for case in opened]
    assert [row[0] for row in only_waiting[1:]] == [waiting_case.number]


def test_a_partner_exports_its_end_customers_cases(
    partner, partner_agent, end_customer_site, end_customer_contract, releases, acme_case
):
    acme_case()
    case = case_for(
        reporter=partner_agent,
        organization=partner,
        site=end_customer_site,
        release=releases["2026"],
    )

    rows = _export(partner_agent)

    assert [row[0] for row in rows[1:]] == [case.number]
    assert rows[1][4:7] == ["Northwind", "Initech", "INITECH-DEN"]


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://evil.test","x")', "+1+1", "-2+3", "@SUM(A1)"]
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_get_a_quote(title, acme_case, acme_admin):
    acme_case(title=title)

    rows = _export(acme_admin)

    assert rows[1][1] == f"'{title}"


def test_times_are_in_the_viewers_time_zone(acme_case, acme_admin):
    acme_admin.time_zone = "Europe/Paris"
    acme_admin.save(update_fields=["time_zone"])
    acme_case()

    rows = _export(acme_admin)

    assert rows[1][8] == "2026-03-02T17:00+01:00"


def test_the_export_runs_the_same_queries_for_5_and_60_cases(acme_case, acme_admin):
    client = signed_in(acme_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            b"".join(client.get("/cases/export.csv").streaming_content)
        return len(context.captured_queries)

    for index in range(5):
        acme_case(title=f"Case {index}")
    few = queries()
    for index in range(55):
        acme_case(title=f"More {index}")

    # session, user, membership and the host's brand (brand_home_url), the visible
    # organisations with their sites (the filter's choices), the cases
    assert queries() == few == 6
