"""Fixtures of the notice admin tests: the admin's pages at T0, a sender, a small world."""

from __future__ import annotations

import pytest
import time_machine

from tests.notices.cast import LOCMEM, T0, contact, runs


@pytest.fixture
def admin_pages(settings):
    """Serve the admin's static files without a manifest, keep emails in memory, stop at T0."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def admin_world(releases, acme, acme_site, acme_contract, acme_admin, globex_site):
    """Acme runs 2026 with two designated contacts; Globex runs the unsupported 2025."""
    runs(acme_site, releases["2026"])
    runs(globex_site, releases["2025"])
    contact(acme, "responsable@acme.test", language="fr")
    return releases


@pytest.fixture
def sender(staff_contract_admin, staff_login):
    """A contract administrator signed in to the admin: may write and publish notices."""
    return staff_login(staff_contract_admin)
