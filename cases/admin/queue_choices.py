"""The choice lists of the queue's filters and bulk actions: staff and organisations, cached.

Every queue page offers them, and they change a few times a day at most: they are read from
the cache, so a page spends no query on them. A staff member or organisation added shows up
within CHOICES_SECONDS; a filter on an id missing from the list still works (the filter reads
the id, not the list).
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from contracts.models import Organization, User

CHOICES_SECONDS = 300
_STAFF_KEY = "staff-queue:choices:staff"
_ORGANIZATIONS_KEY = "staff-queue:choices:organizations"


def staff_choices() -> list[tuple[str, str]]:
    """Return (id, name) of every active staff member, by name."""
    choices = cache.get(_STAFF_KEY)
    if choices is None:
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")
        choices = [
            (str(pk), full_name or email)
            for pk, full_name, email in staff.values_list("pk", "full_name", "email")
        ]
        cache.set(_STAFF_KEY, choices, CHOICES_SECONDS)
    return choices


def organization_choices() -> list[tuple[str, str]]:
    """Return (id, name) of every organisation, by name."""
    choices = cache.get(_ORGANIZATIONS_KEY)
    if choices is None:
        rows = Organization.objects.order_by("name").values_list("pk", "name")
        choices = [(str(pk), name) for pk, name in rows]
        cache.set(_ORGANIZATIONS_KEY, choices, CHOICES_SECONDS)
    return choices


def choices_forget() -> None:
    """Drop the cached lists (tests, or after a bulk import of staff or organisations)."""
    cache.delete_many(
        [key + suffix for key in (_STAFF_KEY, _ORGANIZATIONS_KEY) for suffix in ("", ":html")]
    )


def options_html(choices: list[tuple[str, str]], selected: str) -> SafeString:
    """Return the <option> elements of a list, the selected value marked.

    Built in Python, not by a form widget: an organisation list runs to hundreds of options
    and the widget renders each through a template.
    """
    marked = mark_safe(" selected")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, marked if value == selected else "", label) for value, label in choices),
    )


def options_marked(options: SafeString, selected: str) -> SafeString:
    """Return rendered options (of options_html, nothing selected) with one value selected.

    The long lists (organisations, staff) are rendered once per cache period, not per page.
    """
    if not selected:
        return options
    value = f'value="{escape(selected)}"'
    return mark_safe(options.replace(f"<option {value}>", f"<option {value} selected>", 1))


def organization_options() -> SafeString:
    """Return the organisations as rendered options, nothing selected (cached with the list)."""
    return _rendered(_ORGANIZATIONS_KEY, organization_choices)


def staff_options() -> SafeString:
    """Return the active staff as rendered options, nothing selected (cached with the list)."""
    return _rendered(_STAFF_KEY, staff_choices)


def _rendered(key: str, choices) -> SafeString:
    html = cache.get(f"{key}:html")
    if html is None:
        html = options_html(choices(), "")
        cache.set(f"{key}:html", html, CHOICES_SECONDS)
    return mark_safe(html)
