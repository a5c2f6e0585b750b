"""Branding: host first, then the organisation (an end customer gets its partner's), then the
default; validated logos and readable colours; per-brand CSS by checksum (DESIGN.md, Branding)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from PIL import Image

from portal.branding import brand_for_request, brand_resolve
from portal.colours import TEXT_DARK, TEXT_LIGHT, contrast_ratio, readable_text_colour
from portal.models import Brand

pytestmark = pytest.mark.django_db

HOST = "support.northwind.example"


@pytest.fixture(autouse=True)
def _hosts_and_media(settings, tmp_path):
    settings.ALLOWED_HOSTS = ["testserver", HOST, "help.acme.example"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def default_brand(db) -> Brand:
    return Brand.objects.get(is_default=True)


@pytest.fixture
def northwind_brand(partner) -> Brand:
    return Brand.objects.create(
        organization=partner, display_name="Northwind Care", primary_color="#123456", host=HOST
    )


@pytest.fixture
def acme_brand(acme) -> Brand:
    return Brand.objects.create(
        organization=acme, display_name="Acme Help", primary_color="#7a1f1f"
    )


def _image(fmt: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(buffer, format=fmt)
    return buffer.getvalue()


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


# --- Resolution order ----------------------------------------------------------------------


def test_the_default_brand_shows_when_nothing_else_applies(client, default_brand):
    html = client.get("/accounts/login/").content.decode()

    assert "<span>CONNECT Support</span>" in html


def test_the_host_brands_the_sign_in_page_before_anyone_signs_in(northwind_brand):
    html = _client().get("/accounts/login/", HTTP_HOST=HOST).content.decode()

    assert "<span>Northwind Care</span>" in html
    assert "<title>" in html and "Northwind Care</title>" in html


def test_the_host_wins_over_the_users_own_organisation(northwind_brand, acme_brand):
    # Signed in, Acme's people are sent off Northwind's host first (test_brand_host.py).
    brand = brand_resolve(host=HOST, organization_id=acme_brand.organization_id)

    assert brand == northwind_brand


def test_a_signed_in_user_sees_its_organisations_brand(acme_brand, acme_agent, default_brand):
    html = _client(acme_agent).get("/sites/").content.decode()

    assert "<span>Acme Help</span>" in html


def test_an_end_customers_people_see_their_partners_brand(northwind_brand, end_customer_user):
    html = _client(end_customer_user).get("/sites/").content.decode()

    assert "<span>Northwind Care</span>" in html


def test_an_end_customer_with_its_own_brand_still_gets_the_partners(
    northwind_brand, end_customer, end_customer_user
):
    Brand.objects.create(organization=end_customer, display_name="Initech Own")

    html = _client(end_customer_user).get("/sites/").content.decode()

    assert "<span>Northwind Care</span>" in html


def test_other_organisations_fall_back_to_the_default_brand(acme_brand, globex_admin):
    html = _client(globex_admin).get("/sites/").content.decode()

    assert "<span>CONNECT Support</span>" in html


def test_without_any_brand_row_the_built_in_default_is_used(db):
    Brand.objects.all().delete()

    brand = brand_resolve(host="anything.example", organization_id=None)

    assert brand.display_name == "CONNECT Support" and brand.pk is None


def test_the_brand_is_resolved_once_per_request(
    rf, acme_brand, acme_agent, django_assert_num_queries
):
    request = rf.get("/")
    request.user = acme_agent

    with django_assert_num_queries(2):  # membership, brand
        first = brand_for_request(request)
        second = brand_for_request(request)

    assert first is second and first.display_name == "Acme Help"


# --- Stylesheet and logo -------------------------------------------------------------------


def test_each_brand_gets_a_stylesheet_named_by_checksum_and_cached_for_a_year(
    acme_brand, acme_agent
):
    html = _client(acme_agent).get("/sites/").content.decode()
    href = html.split('<link rel="stylesheet" href="/brand/')[1].split('"')[0]

    response = Client().get(f"/brand/{href}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    css = response.content.decode()
    assert "--brand: #7a1f1f;" in css and f"--brand-contrast: {TEXT_LIGHT};" in css


def test_the_stylesheet_is_rebuilt_when_the_cache_was_emptied(acme_brand, acme_agent):
    from django.core.cache import cache

    html = _client(acme_agent).get("/sites/").content.decode()
    href = html.split('<link rel="stylesheet" href="/brand/')[1].split('"')[0]
    cache.clear()

    assert "#7a1f1f" in Client().get(f"/brand/{href}").content.decode()


def test_changing_a_colour_changes_the_stylesheet_address(acme_brand, acme_agent):
    client = _client(acme_agent)
    before = client.get("/sites/").content.decode()
    acme_brand.primary_color = "#1f3a7a"
    acme_brand.save()

    after = client.get("/sites/").content.decode()

    link = '<link rel="stylesheet" href="/brand/'
    assert before.split(link)[1][:20] != after.split(link)[1][:20]


def test_an_unknown_stylesheet_checksum_is_404(db):
    assert Client().get("/brand/0123456789abcdef0123.css").status_code == 404


def test_a_brand_logo_is_shown_and_served_with_long_caching(acme, acme_agent):
    brand = Brand(organization=acme, display_name="Acme Help")
    brand.logo = SimpleUploadedFile("acme.png", _image(), content_type="image/png")
    brand.full_clean()
    brand.save()

    html = _client(acme_agent).get("/sites/").content.decode()
    src = html.split('<img class="brand-logo" src="')[1].split('"')[0]
    response = Client().get(src)

    assert brand.logo.name.startswith("brands/") and "acme" not in brand.logo.name
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]


def test_only_files_a_brand_points_at_are_served(acme, settings):
    stray = settings.MEDIA_ROOT / "brands" / ("a" * 32 + ".png")
    stray.parent.mkdir(parents=True)
    stray.write_bytes(_image())

    assert Client().get("/brand/logo/" + "a" * 32 + ".png").status_code == 404
    assert Client().get("/brand/logo/..%2Fcases%2Fsecret.txt").status_code == 404


# --- Validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,name", [("PNG", "a.png"), ("JPEG", "a.jpg"), ("GIF", "a.gif"), ("WEBP", "a.webp")]
)
def test_png_jpeg_gif_and_webp_logos_are_accepted(acme, fmt, name):
    brand = Brand(organization=acme, display_name="Acme")
    brand.logo = SimpleUploadedFile(name, _image(fmt))

    brand.full_clean()


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a readable image",
        ),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "not a readable image"),
        ("logo.bmp", None, "PNG, JPEG, GIF or WebP"),
        ("logo.png.html", None, "PNG, JPEG, GIF or WebP"),
        ("logo.gif", None, "PNG, JPEG, GIF or WebP"),
    ],
)
def test_bad_logos_are_refused_with_the_reason(acme, name, content, message):
    if content is None:
        content = _image("BMP") if name.endswith(".bmp") else _image("PNG")
    brand = Brand(organization=acme, display_name="Acme")
    brand.logo = SimpleUploadedFile(name, content)

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert message in " ".join(error.value.message_dict["logo"])


def test_a_logo_over_one_megabyte_is_refused(acme):
    brand = Brand(organization=acme, display_name="Acme")
    brand.logo = SimpleUploadedFile("big.png", _image() + b"\0" * (1024 * 1024))

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert "1 MB" in error.value.message_dict["logo"][0]


def test_a_huge_image_is_refused(acme):
    brand = Brand(organization=acme, display_name="Acme")
    brand.logo = SimpleUploadedFile("wide.png", _image(size=(5000, 10)))

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert "4096" in error.value.message_dict["logo"][0]


@pytest.mark.parametrize("colour", ["0b5cad", "#0b5ca", "#0b5cadd", "red", "#gggggg", "#0b5cad;}"])
def test_a_colour_must_be_hash_and_six_hex_digits(acme, colour):
    brand = Brand(organization=acme, display_name="Acme", primary_color=colour)

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert "six hexadecimal digits" in error.value.message_dict["primary_color"][0]


def test_a_colour_on_which_no_text_is_readable_is_refused(acme):
    brand = Brand(organization=acme, display_name="Acme", accent_color="#777777")

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert "4.5:1" in error.value.message_dict["accent_color"][0]


@pytest.mark.parametrize(
    "background,text",
    [
        ("#0b5cad", TEXT_LIGHT),
        ("#000000", TEXT_LIGHT),
        ("#ffd700", TEXT_DARK),
        ("#ffffff", TEXT_DARK),
    ],
)
def test_the_readable_text_colour_is_chosen_and_reaches_wcag_aa(background, text):
    assert readable_text_colour(background) == text
    assert contrast_ratio(background, text) >= 4.5


def test_colours_and_host_are_stored_lowercase(acme):
    brand = Brand(
        organization=acme, display_name="Acme", primary_color="#0B5CAD", host="Help.Acme.Example"
    )

    brand.full_clean()

    assert brand.primary_color == "#0b5cad" and brand.host == "help.acme.example"


@pytest.mark.parametrize(
    "host",
    ["https://help.acme.example", "help.acme.example:8443", "help acme", "help.acme.example/x"],
)
def test_a_host_must_be_a_bare_host_name(acme, host):
    brand = Brand(organization=acme, display_name="Acme", host=host)

    with pytest.raises(ValidationError) as error:
        brand.full_clean()

    assert "host name only" in error.value.message_dict["host"][0]


def test_two_brands_cannot_share_a_host(acme, globex):
    Brand.objects.create(organization=acme, display_name="Acme", host="help.example")

    with pytest.raises(ValidationError):
        Brand(organization=globex, display_name="Globex", host="HELP.example").full_clean()


def test_there_is_one_default_brand(default_brand):
    with pytest.raises(IntegrityError):
        Brand.objects.create(is_default=True, display_name="Second default")


def test_brand_names_with_html_render_inert(acme, acme_agent):
    Brand.objects.create(organization=acme, display_name="<script>alert(1)</script>")

    html = _client(acme_agent).get("/sites/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_staff_edit_brands_in_the_admin(staff_superuser, staff_login, acme):
    client = staff_login(staff_superuser)

    response = client.post(
        "/admin/portal/brand/add/",
        {
            "display_name": "Acme Help",
            "organization": acme.pk,
            "primary_color": "#777777",
            "accent_color": "#1F7A3A",
            "host": "",
        },
    )

    assert response.status_code == 200
    assert "4.5:1" in response.content.decode()
    assert not Brand.objects.filter(organization=acme).exists()


def test_the_demo_seeds_the_distributors_brand_once(db):
    from contracts.demo import NORTHWIND
    from portal.demo import seed_brands
    from tests.factories import OrganizationFactory

    OrganizationFactory(name=NORTHWIND, kind="distributor")

    assert seed_brands() == 1
    assert seed_brands() == 0
    assert Brand.objects.get(organization__name=NORTHWIND).display_name == "Northwind Support"


def test_staff_upload_a_logo_in_the_admin(staff_superuser, staff_login, acme):
    client = staff_login(staff_superuser)
    logo = SimpleUploadedFile("Acme Logo.PNG", _image(), content_type="image/png")

    response = client.post(
        "/admin/portal/brand/add/",
        {
            "display_name": "Acme Help",
            "organization": acme.pk,
            "primary_color": "#7A1F1F",
            "accent_color": "#1f7a3a",
            "host": "Help.Acme.Example",
            "logo": logo,
        },
    )

    brand = Brand.objects.get(organization=acme)
    assert response.status_code == 302
    assert brand.host == "help.acme.example" and brand.primary_color == "#7a1f1f"
    assert brand.logo.name.endswith(".png") and " " not in brand.logo.name
