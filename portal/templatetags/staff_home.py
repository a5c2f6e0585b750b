"""The staff home on the admin index: the signed-in staff member's counts and queue views."""

from __future__ import annotations

from django import template
from django.utils import timezone

from portal.selectors.staff_home import StaffHome, staff_home_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_home(context: template.Context) -> StaffHome | None:
    """Return the staff home of the request's user (None: they may not read cases)."""
    return staff_home_for(context["request"].user, now=timezone.now())
