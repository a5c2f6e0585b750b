"""Optional email and its one-click unsubscribe (RFC 8058): signed links, headers, preferences.

Urgent update notices and policy-change notices are service messages nobody can opt out of;
scheduled update notices are optional, and every one carries the link and headers below.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mail.models import ContactPreference

# The salt of the links already sent while notices lived in the contracts app: changing it
# would break every unsubscribe link in a mailbox.
UNSUBSCRIBE_SALT = "contracts.notices.unsubscribe"


def unsubscribe_token(user: AbstractBaseUser) -> str:
    """Return the signed token of a person's one-click unsubscribe link."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: AbstractBaseUser) -> str:
    """Return the absolute one-click unsubscribe address of a person."""
    path = reverse("updates_unsubscribe", args=[unsubscribe_token(user)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_headers(user: AbstractBaseUser) -> dict[str, str]:
    """Return the List-Unsubscribe headers of an optional email to the person (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_user(token: str) -> AbstractBaseUser:
    """Return the person an unsubscribe token names; refuse a forged or unknown one."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token") from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    return user


def contact_preference_opted_out(user: AbstractBaseUser) -> bool:
    """Tell whether the person turned scheduled update notices off."""
    return ContactPreference.objects.filter(user=user, scheduled_updates_opt_out=True).exists()


@transaction.atomic
def contact_preference_set(
    *, user: AbstractBaseUser, scheduled_updates_opt_out: bool
) -> ContactPreference:
    """Record whether the person wants scheduled update notices."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    if preference.scheduled_updates_opt_out != scheduled_updates_opt_out:
        preference.scheduled_updates_opt_out = scheduled_updates_opt_out
        preference.save(update_fields=["scheduled_updates_opt_out", "updated_at"])
    return preference


def contact_preference_unsubscribe(*, token: str) -> AbstractBaseUser:
    """Opt the person named by the token out of scheduled update notices (one click)."""
    user = unsubscribe_user(token)
    contact_preference_set(user=user, scheduled_updates_opt_out=True)
    return user
