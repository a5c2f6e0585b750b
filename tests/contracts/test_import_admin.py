"""The admin upload page of the contracts import and the record of runs (issue 3 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.admin.imports import MAX_UPLOAD_BYTES
from contracts.models import Contract, ImportRun, Organization, User

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "contracts" / "samples" / "contracts.csv"
UPLOAD_URL = "admin:contracts_importrun_upload"
CHANGELIST_URL = "admin:contracts_importrun_changelist"


def staff(email: str, *, superuser: bool = False, permissions: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user(
        email=email, password="x-unused-9", is_staff=True, is_superuser=superuser
    )
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    # The admin is closed to staff without an authenticator (StaffMFARequiredMiddleware).
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture(autouse=True)
def _plain_static(settings):
    """Serve static URLs without the collectstatic manifest production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_client(client):
    client.force_login(staff("root@vendor.test", superuser=True))
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def bad_sample() -> bytes:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace("America/Los_Angeles", "America/Hollywood", 1)
    return "".join(lines).encode()


def test_the_changelist_links_to_the_upload_page(admin_client):
    response = admin_client.get(reverse(CHANGELIST_URL))

    assert response.status_code == 200
    assert reverse(UPLOAD_URL) in response.content.decode()


def test_uploading_the_sample_imports_it_and_goes_back_with_a_message(admin_client):
    response = admin_client.post(
        reverse(UPLOAD_URL), {"file": upload("contracts.csv", SAMPLE.read_bytes())}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(CHANGELIST_URL)
    page = response.content.decode()
    assert "Imported contracts.csv: organizations created=11" in page
    assert Contract.objects.count() == 13
    run = ImportRun.objects.get()
    assert run.user.email == "root@vendor.test"
    assert run.file_name == "contracts.csv"


def test_a_refused_file_shows_the_table_of_errors_and_saves_nothing(admin_client):
    response = admin_client.post(
        reverse(UPLOAD_URL), {"file": upload("contracts.csv", bad_sample())}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert "<td>6</td><td>site_time_zone</td>" in page
    assert "“America/Hollywood” is not a known time zone" in page
    assert "nothing was saved" in page
    assert not Organization.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_dry_run_upload_saves_nothing(admin_client):
    response = admin_client.post(
        reverse(UPLOAD_URL),
        {"file": upload("contracts.csv", SAMPLE.read_bytes()), "dry_run": "on"},
        follow=True,
    )

    assert "Checked contracts.csv, nothing saved (dry run)" in response.content.decode()
    assert not Organization.objects.exists()
    assert ImportRun.objects.get().dry_run


def test_only_csv_files_are_accepted(admin_client):
    response = admin_client.post(
        reverse(UPLOAD_URL), {"file": upload("contracts.xlsx", SAMPLE.read_bytes())}
    )

    assert response.status_code == 200
    assert "Choose a .csv file." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_reading(admin_client):
    big = SAMPLE.read_bytes() + b"\n" * MAX_UPLOAD_BYTES

    response = admin_client.post(reverse(UPLOAD_URL), {"file": upload("big.csv", big)})

    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_html_in_a_file_is_shown_as_text(admin_client):
    text = SAMPLE.read_text(encoding="utf-8").replace("America/Chicago", "<b>x</b>", 1)

    response = admin_client.post(reverse(UPLOAD_URL), {"file": upload("x.csv", text.encode())})

    page = response.content.decode()
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_staff_without_the_right_to_add_contracts_cannot_import(client):
    client.force_login(staff("agent@vendor.test", permissions=("view_importrun",)))

    get = client.get(reverse(UPLOAD_URL))
    post = client.post(reverse(UPLOAD_URL), {"file": upload("c.csv", SAMPLE.read_bytes())})
    changelist = client.get(reverse(CHANGELIST_URL))

    assert get.status_code == post.status_code == 403
    assert not Organization.objects.exists()
    assert changelist.status_code == 200
    assert reverse(UPLOAD_URL) not in changelist.content.decode()


def test_a_contract_administrator_may_import(client):
    client.force_login(
        staff("contracts@vendor.test", permissions=("add_contract", "view_importrun"))
    )

    response = client.post(reverse(UPLOAD_URL), {"file": upload("c.csv", SAMPLE.read_bytes())})

    assert response.status_code == 302
    assert Contract.objects.count() == 13


def test_a_portal_user_is_sent_to_the_login(client):
    client.force_login(User.objects.create_user(email="customer@example.test"))

    response = client.get(reverse(UPLOAD_URL))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_run_page_shows_its_errors_read_only(admin_client):
    admin_client.post(reverse(UPLOAD_URL), {"file": upload("contracts.csv", bad_sample())})
    run = ImportRun.objects.get()

    response = admin_client.get(reverse("admin:contracts_importrun_change", args=[run.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>6</td><td>site_time_zone</td>" in page
    assert 'name="_save"' not in page
