"""One-click unsubscribe (RFC 8058) of each kind of optional email: signed links and headers.

A link names a person, a Topic and the version of their preferences when it was made; it
expires after UNSUBSCRIBE_MAX_AGE and is revoked by any change of preference. It carries no
email address, and the page it opens names none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mail.models import ContactPreference, Topic
from mail.services.preferences import contact_preference_get, contact_preference_set_topics

# The salt of the links already sent while notices lived in the contracts app: changing it
# would break every unsubscribe link in a mailbox.
UNSUBSCRIBE_SALT = "contracts.notices.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


@dataclass(frozen=True)
class Unsubscription:
    """What a valid link names: whose email, of which kind."""

    user: AbstractBaseUser
    topic: Topic


def _version(user: AbstractBaseUser) -> int:
    # An unsaved person (an admin preview's sample recipient) has no preferences yet.
    return contact_preference_get(user).version if user.pk is not None else 0


def unsubscribe_token(
    user: AbstractBaseUser, topic: str = Topic.SCHEDULED_UPDATES, version: int | None = None
) -> str:
    """Return the signed token of a person's one-click unsubscribe link for one topic.

    `version` is that of the person's preferences, read here unless the caller has it.
    """
    version = _version(user) if version is None else version
    payload = {"u": user.pk, "t": str(topic), "v": version}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(
    user: AbstractBaseUser, topic: str = Topic.SCHEDULED_UPDATES, version: int | None = None
) -> str:
    """Return the absolute one-click unsubscribe address of a person for one topic."""
    path = reverse("mail_unsubscribe", args=[unsubscribe_token(user, topic, version)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_headers(
    user: AbstractBaseUser, topic: str = Topic.SCHEDULED_UPDATES, version: int | None = None
) -> dict[str, str]:
    """Return the List-Unsubscribe headers of an optional email to the person (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, topic, version)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


_INVALID = _(
    "This unsubscribe link is not valid any more. Change your email preferences in "
    "your profile on the portal."
)


def unsubscribe_read(token: str) -> Unsubscription:
    """Return whom and what a link unsubscribes; refuse a forged, expired or revoked one."""
    try:
        payload = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE.total_seconds()
        )
        # Links sent before topics existed name the person only: scheduled update notices.
        user_id, topic = payload["u"], Topic(payload.get("t", Topic.SCHEDULED_UPDATES))
        version = int(payload.get("v", 0))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(_INVALID, code="bad_token") from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or _version(user) != version:
        raise ValidationError(_INVALID, code="bad_token")
    return Unsubscription(user=user, topic=topic)


def unsubscribe_user(token: str) -> AbstractBaseUser:
    """Return the person a valid unsubscribe token names."""
    return unsubscribe_read(token).user


def contact_preference_unsubscribe(*, token: str) -> ContactPreference:
    """Turn off the kind of email the link names, for the person it names (one click)."""
    unsubscription = unsubscribe_read(token)
    return contact_preference_set_topics(
        user=unsubscription.user, receive={unsubscription.topic: False}
    )
