"""The account menu's link to the brand page, for the people who may use it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from portal.selectors.brands import brand_may_edit

register = template.Library()


@register.simple_tag(takes_context=True)
def brand_page_url(context) -> str:
    """Return the brand page's address for an admin of an organisation with its own brand, else ''.

    Agents, viewers and end customers' admins (who see their partner's brand) get no link.
    """
    user = context.get("user")
    if user is None or not user.is_authenticated or not brand_may_edit(user):
        return ""
    return reverse("portal:brand_edit")
