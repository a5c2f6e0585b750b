"""Template context of every portal page: account options and the notice banners of base.html."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from notices.selectors import update_notices_unread_urgent_for_user
from sla.models import PolicyVersion


def _upcoming_policy_change() -> PolicyVersion | None:
    """Return the next announced policy version not yet in force (SLP-17)."""
    return (
        PolicyVersion.objects.published()
        .filter(effective_from__gt=timezone.now())
        .order_by("effective_from")
        .first()
    )


def accounts(request: HttpRequest) -> dict:
    """Tell templates whether self sign-up is open (it is not unless configured)."""
    return {"signup_open": settings.ACCOUNT_ALLOW_REGISTRATION}


def notice_banners(request: HttpRequest) -> dict:
    """Offer unread urgent update notices and an upcoming policy change to signed-in people.

    Lazy, so pages that do not show the banners (the admin) run no query for them.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "urgent_notices_unread": SimpleLazyObject(
            lambda: update_notices_unread_urgent_for_user(user)
        ),
        "policy_change_upcoming": SimpleLazyObject(_upcoming_policy_change),
    }
