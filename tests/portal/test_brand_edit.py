"""The brand page: an organisation admin edits name, colours and logo, with a preview and a
contrast check (issue 15); host name, default flag and organisation stay with staff."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from portal.colours import MIN_CONTRAST, TEXT_DARK, TEXT_LIGHT, contrast_check, contrast_ratio
from portal.models import Brand

pytestmark = pytest.mark.django_db

URL = "/branding/"
PREVIEW_URL = "/branding/preview/"
# The same patterns as test_csp.py: nothing inline that the page's policy would block.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _image(fmt: str = "PNG", size: tuple[int, int] = (120, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _logo(name: str = "logo.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image() if content is None else content)


def _form(**changes) -> dict:
    return {
        "display_name": "Acme Help",
        "primary_color": "#123456",
        "accent_color": "#1f7a3a",
        **changes,
    }


def _stored_logos() -> set[str]:
    try:
        return set(default_storage.listdir("brands")[1])
    except FileNotFoundError:
        return set()


@pytest.fixture
def acme_brand(acme) -> Brand:
    return Brand.objects.create(
        organization=acme, display_name="Acme Care", primary_color="#7a1f1f", host="help.acme.test"
    )


@pytest.fixture
def globex_brand(globex) -> Brand:
    return Brand.objects.create(organization=globex, display_name="Globex Desk")


@pytest.fixture
def end_customer_admin(end_customer):
    from tests.factories import MembershipFactory

    return MembershipFactory(organization=end_customer, role="admin").user


# --- Who may open it -------------------------------------------------------------------------


def test_an_admin_opens_the_form_without_the_staff_only_fields(acme_admin, acme_brand):
    page = _client(acme_admin).get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    for field in ("display_name", "primary_color", "accent_color", "logo"):
        assert f'name="{field}"' in html
    for staff_only in ("host", "is_default", "organization"):
        assert f'name="{staff_only}"' not in html
    assert 'value="Acme Care"' in html and "help.acme.test" in html


@pytest.mark.parametrize("who", ["acme_agent", "acme_viewer", "stranger"])
def test_agents_viewers_and_people_of_no_organisation_get_the_portal_403(who, request, acme_brand):
    client = _client(request.getfixturevalue(who))

    page = client.get(URL)

    assert page.status_code == 403
    assert "You may not open this page" in page.content.decode()
    assert 'class="site-header"' in page.content.decode()
    assert client.post(URL, _form(display_name="Taken over")).status_code == 403
    assert client.post(PREVIEW_URL, _form()).status_code == 403
    acme_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Care"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_account_menu_links_the_page_for_admins_only(
    acme_admin, acme_agent, acme_viewer, end_customer_admin
):
    assert 'href="/branding/"' in _client(acme_admin).get("/sites/").content.decode()
    for person in (acme_agent, acme_viewer, end_customer_admin):
        assert 'href="/branding/"' not in _client(person).get("/sites/").content.decode()


def test_an_end_customers_admin_is_told_to_ask_its_partner_and_cannot_save(
    end_customer_admin, end_customer, partner
):
    client = _client(end_customer_admin)

    page = client.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Northwind" in html and 'name="display_name"' not in html
    assert client.post(URL, _form()).status_code == 403
    assert client.post(PREVIEW_URL, _form()).status_code == 403
    assert not Brand.objects.filter(organization=end_customer).exists()


# --- Tenancy: the admin's own organisation, nothing else ------------------------------------


def test_the_first_save_creates_the_organisations_brand_and_records_who(acme_admin, acme):
    response = _client(acme_admin).post(URL, _form())

    assert response.status_code == 302 and response["Location"] == URL
    brand = Brand.objects.get(organization=acme)
    assert (brand.display_name, brand.primary_color, brand.is_default) == (
        "Acme Help",
        "#123456",
        False,
    )
    assert brand.updated_by == acme_admin and brand.updated_at is not None


def test_a_save_changes_only_the_admins_own_brand_whatever_the_form_names(
    acme_admin, acme_brand, globex_brand, globex
):
    _client(acme_admin).post(
        URL,
        _form(
            organization=globex.pk,
            host="evil.example",
            is_default="on",
            primary_color="#0B5CAD",
        ),
    )

    acme_brand.refresh_from_db()
    globex_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Help" and acme_brand.primary_color == "#0b5cad"
    assert acme_brand.host == "help.acme.test" and not acme_brand.is_default
    assert acme_brand.organization_id != globex.pk
    assert globex_brand.display_name == "Globex Desk" and globex_brand.updated_by is None
    assert Brand.objects.filter(is_default=True).count() == 1


def test_a_partners_brand_reaches_the_end_customers_it_serves(
    partner_admin, end_customer_user, end_customer_site
):
    _client(partner_admin).post(URL, _form(display_name="Northwind Care"))

    html = _client(end_customer_user).get("/sites/").content.decode()

    assert "<span>Northwind Care</span>" in html


def test_another_tenants_people_keep_their_own_look(acme_admin, globex_admin):
    _client(acme_admin).post(URL, _form(display_name="Acme Help"))

    html = _client(globex_admin).get("/sites/").content.decode()

    assert "Acme Help" not in html and "<span>CONNECT Support</span>" in html


def test_on_another_organisations_host_the_page_sends_the_admin_home(
    acme_admin, acme_brand, partner, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "support.northwind.test"]
    settings.SITE_URL = "https://portal.vendor.test"
    Brand.objects.create(
        organization=partner, display_name="Northwind Care", host="support.northwind.test"
    )
    client = _client(acme_admin, HTTP_HOST="support.northwind.test")

    assert client.get(URL)["Location"] == f"https://help.acme.test{URL}"
    assert client.post(URL, _form(display_name="Renamed")).status_code == 403
    acme_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Care"


# --- Contrast -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "text", "figure", "verdict"),
    [
        ("#123456", TEXT_LIGHT, 12.7, True),
        ("#ffcc00", TEXT_DARK, 12.4, True),
        ("#767676", TEXT_LIGHT, 4.5, True),
        # 4.478:1 is shown as 4.4, never rounded up to a passing-looking 4.5.
        ("#777777", TEXT_LIGHT, 4.4, False),
        ("#7b7b7b", TEXT_DARK, 4.4, False),
    ],
)
def test_the_contrast_check_gives_the_text_colour_the_figure_and_the_verdict(
    colour, text, figure, verdict
):
    check = contrast_check(colour)

    assert (check.text, check.ratio, check.passes) == (text, figure, verdict)
    assert check.passes == (contrast_ratio(text, colour) >= MIN_CONTRAST)


def test_the_shown_figure_never_contradicts_the_verdict():
    for grey in range(256):
        check = contrast_check(f"#{grey:02x}{grey:02x}{grey:02x}")
        assert (check.ratio >= MIN_CONTRAST) == check.passes


def test_a_colour_without_readable_text_is_refused_with_its_figure(acme_admin, acme_brand):
    page = _client(acme_admin).post(URL, _form(primary_color="#777777"))

    html = page.content.decode()
    assert page.status_code == 400
    assert "would be hard to read" in html
    assert "White text: 4.4:1 — too low: choose a darker colour" in html
    acme_brand.refresh_from_db()
    assert acme_brand.primary_color == "#7a1f1f"


def test_a_light_colour_too_pale_for_dark_text_asks_for_a_lighter_one(acme_admin):
    page = _client(acme_admin).post(PREVIEW_URL, _form(accent_color="#7b7b7b"))

    assert "Near-black text: 4.4:1 — too low: choose a lighter colour" in page.content.decode()


def test_a_passing_colour_shows_its_figure(acme_admin):
    html = _client(acme_admin).get(URL).content.decode()

    # No brand yet: the form starts from the default colours.
    assert "White text: 6.6:1 — passes AA" in html


def test_the_figure_is_written_the_french_way_in_french(acme_admin):
    client = _client(acme_admin)
    client.cookies["django_language"] = "fr"

    html = client.post(PREVIEW_URL, _form(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "12,7:1" in html


def test_a_colour_that_is_not_hex_is_refused(acme_admin, acme):
    page = _client(acme_admin).post(URL, _form(primary_color="blue"))

    assert page.status_code == 400
    assert "six hexadecimal digits" in page.content.decode()
    assert not Brand.objects.filter(organization=acme).exists()


# --- Logo -----------------------------------------------------------------------------------


def test_a_png_logo_is_stored_rewritten_and_served(acme_admin, acme_brand):
    upload = _image() + b"<html><script>alert(1)</script></html>"

    response = _client(acme_admin).post(URL, _form(logo=_logo(content=upload)))

    assert response.status_code == 302
    acme_brand.refresh_from_db()
    stored = acme_brand.logo.read()
    assert b"<script>" not in stored and Image.open(io.BytesIO(stored)).size == (120, 40)
    served = _client(acme_admin).get(f"/brand/logo/{Path(acme_brand.logo.name).name}")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_large_logo_is_stored_scaled_down(acme_admin, acme):
    _client(acme_admin).post(URL, _form(logo=_logo(content=_image(size=(2000, 500)))))

    stored = Brand.objects.get(organization=acme).logo
    assert Image.open(stored).size == (1024, 256)


def test_a_jpeg_loses_its_exif_data(acme_admin, acme):
    exif = Image.Exif()
    exif[0x010E] = "GPS 48.85N 2.35E"
    jpeg = _image("JPEG", exif=exif.tobytes())

    _client(acme_admin).post(URL, _form(logo=_logo("photo.JPG", jpeg)))

    stored = Brand.objects.get(organization=acme).logo
    assert stored.name.endswith(".jpg")
    assert b"GPS 48.85N" not in stored.read()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not a readable"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a readable",
        ),
        ("logo.png", _image("JPEG"), "whose name ends as its type"),
        ("logo.png", _image(size=(4097, 8)), "at most 4096 pixels"),
        ("logo.png", _image() + b"\0" * (1024 * 1024), "1 MB or smaller"),
    ],
    ids=["html-named-png", "svg", "jpeg-named-png", "too-wide", "too-big"],
)
def test_a_logo_that_is_not_a_safe_image_is_refused(acme_admin, acme_brand, name, content, message):
    before = _stored_logos()

    page = _client(acme_admin).post(URL, _form(display_name="Renamed", logo=_logo(name, content)))

    assert page.status_code == 400
    assert message in page.content.decode()
    acme_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Care" and not acme_brand.logo
    assert _stored_logos() == before


def test_a_new_logo_replaces_the_old_file(acme_admin, acme, django_capture_on_commit_callbacks):
    client = _client(acme_admin)
    client.post(URL, _form(logo=_logo()))
    first = Brand.objects.get(organization=acme).logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(logo=_logo("second.png")))

    second = Brand.objects.get(organization=acme).logo.name
    assert second != first
    assert default_storage.exists(second) and not default_storage.exists(first)


def test_the_logo_can_be_removed(acme_admin, acme, django_capture_on_commit_callbacks):
    client = _client(acme_admin)
    client.post(URL, _form(logo=_logo()))
    stored = Brand.objects.get(organization=acme).logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(remove_logo="on"))

    assert not Brand.objects.get(organization=acme).logo
    assert not default_storage.exists(stored)


# --- Preview --------------------------------------------------------------------------------


def test_the_preview_shows_the_values_without_saving(acme_admin, acme_brand):
    page = _client(acme_admin).post(
        PREVIEW_URL,
        _form(display_name="Acme Next", primary_color="#FFCC00"),
        HTTP_HX_REQUEST="true",
    )

    html = page.content.decode()
    assert page.status_code == 200 and "<html" not in html
    assert "<span>Acme Next</span>" in html
    assert 'href="/brand/preview/colours.css?primary=ffcc00&amp;accent=1f7a3a"' in html
    assert "Near-black text: 12.4:1 — passes AA" in html
    acme_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Care" and acme_brand.primary_color == "#7a1f1f"


def test_the_preview_shows_a_new_logo_before_it_is_saved(acme_admin, acme):
    page = _client(acme_admin).post(PREVIEW_URL, _form(logo=_logo()))

    assert 'src="data:image/png;base64,' in page.content.decode()
    assert not Brand.objects.filter(organization=acme).exists()


def test_the_preview_lists_what_stops_saving(acme_admin):
    page = _client(acme_admin).post(
        PREVIEW_URL, _form(display_name="", primary_color="#777777", logo=_logo(content=b"<html>"))
    )

    html = page.content.decode()
    assert "Not ready to save yet" in html
    assert "data:image" not in html
    assert "not a readable image" in html and "would be hard to read" in html
    # An unusable value keeps the current one in the header, so the preview still renders.
    assert "<span>Acme</span>" in html


def test_the_preview_button_works_without_javascript(acme_admin, acme_brand):
    page = _client(acme_admin).post(URL, _form(display_name="Acme Next", preview="1"))

    assert page.status_code == 200 and "<span>Acme Next</span>" in page.content.decode()
    acme_brand.refresh_from_db()
    assert acme_brand.display_name == "Acme Care"


def test_a_page_sent_back_says_the_chosen_logo_must_be_chosen_again(acme_admin, acme):
    page = _client(acme_admin).post(URL, _form(primary_color="#777777", logo=_logo()))

    assert page.status_code == 400
    assert "choose the file again" in page.content.decode()
    assert not Brand.objects.filter(organization=acme).exists()


def test_the_preview_stylesheet_scopes_the_colours_to_the_preview(client):
    response = client.get("/brand/preview/colours.css", {"primary": "FFCC00", "accent": "123456"})

    css = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert css.startswith(".brand-preview {") and ":root" not in css
    assert "--brand: #ffcc00;" in css and f"--brand-contrast: {TEXT_DARK};" in css
    assert "--accent: #123456;" in css and f"--accent-contrast: {TEXT_LIGHT};" in css


@pytest.mark.parametrize(
    "query",
    [
        {"primary": "12345g", "accent": "123456"},
        {"primary": "123456\n", "accent": "123456"},
        {"primary": "#123456", "accent": "123456"},
        {"primary": "123456}body{x:y", "accent": "123456"},
        {"primary": "123456"},
    ],
)
def test_the_preview_stylesheet_refuses_anything_but_six_hex_digits(client, query):
    assert client.get("/brand/preview/colours.css", query).status_code == 404


def test_the_page_and_its_preview_need_nothing_the_csp_blocks(acme_admin, acme_brand):
    client = _client(acme_admin)
    pages = [
        client.get(URL),
        client.post(URL, _form(primary_color="#777777")),
        client.post(PREVIEW_URL, _form(logo=_logo())),
    ]

    for page in pages:
        html = page.content.decode()
        assert not INLINE_SCRIPT.search(html)
        assert not INLINE_STYLE.search(html)
        assert not EVENT_HANDLER.search(html)


# --- The saved brand on the portal ----------------------------------------------------------


def test_the_saved_brand_shows_on_the_portal(acme_admin, acme_agent, acme_site):
    _client(acme_admin).post(URL, _form(display_name="Acme Help", primary_color="#ffcc00"))
    agent = _client(acme_agent)

    html = agent.get("/sites/").content.decode()

    assert "<span>Acme Help</span>" in html
    stylesheet = re.search(r'href="(/brand/[0-9a-f]{20}\.css)"', html).group(1)
    css = agent.get(stylesheet).content.decode()
    assert "--brand: #ffcc00;" in css and f"--brand-contrast: {TEXT_DARK};" in css


def test_before_the_first_save_the_page_says_which_brand_people_see(acme_admin):
    html = _client(acme_admin).get(URL).content.decode()

    assert "no brand of its own yet: your people see CONNECT Support" in html
    assert "Last change" not in html
    # The form starts from the organisation's name and the default colours.
    assert 'value="Acme"' in html and 'value="#0b5cad"' in html


def test_the_page_says_who_changed_the_brand_last(acme_admin, acme):
    client = _client(acme_admin)
    client.post(URL, _form())

    html = client.get(URL).content.decode()

    assert "by admin@acme.test" in html and "Brand saved" in html


# --- Cost -----------------------------------------------------------------------------------


def test_the_page_and_the_preview_run_a_pinned_number_of_queries(
    acme_admin, acme_brand, django_assert_num_queries
):
    client = _client(acme_admin)
    client.get(URL)

    # Every portal page's six (test_query_counts.PAGE), and the organisation's brand.
    with django_assert_num_queries(7):
        client.get(URL)
    # An htmx answer's four (test_query_counts.PARTIAL), and the organisation's brand.
    with django_assert_num_queries(5):
        client.post(PREVIEW_URL, _form(), HTTP_HX_REQUEST="true")
