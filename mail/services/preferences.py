"""Who wants which optional email (issue 12): the preferences each Topic is checked against."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from mail.models import TOPIC_FIELDS, ContactPreference, Topic

# What nobody can turn off, as the preferences page names it.
ALWAYS_SENT = (
    _("account emails: invitations, password resets, address confirmations"),
    _("information requested on your case (SLP-8)"),
    _("escalation requests and SLA breach alerts to staff (SLP-12)"),
    _("urgent software update notices (SLP-14)"),
    _("policy-change notices (SLP-17) and contract expiry notices (SLP-3)"),
)


def contact_preference_get(user: AbstractBaseUser) -> ContactPreference:
    """Return the person's preferences, unsaved defaults when they never chose."""
    saved = ContactPreference.objects.filter(user=user).first()
    # By id: assigning the user would leave the unsaved defaults cached on it as if saved.
    return saved or ContactPreference(user_id=user.pk)


def contact_preference_receives(user: AbstractBaseUser, topic: str) -> bool:
    """Tell whether the person receives the emails of the topic (always for no topic)."""
    if not topic:
        return True
    return contact_preference_get(user).receives(topic)


def contact_preference_opted_out(user: AbstractBaseUser) -> bool:
    """Tell whether the person turned scheduled update notices off."""
    return not contact_preference_receives(user, Topic.SCHEDULED_UPDATES)


@transaction.atomic
def contact_preference_set_topics(
    *, user: AbstractBaseUser, receive: dict[str, bool]
) -> ContactPreference:
    """Record which topics the person receives; a change revokes earlier unsubscribe links."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    changed = []
    for topic, wanted in receive.items():
        field, receive_value = TOPIC_FIELDS[Topic(topic)]
        value = receive_value if wanted else not receive_value
        if getattr(preference, field) != value:
            setattr(preference, field, value)
            changed.append(field)
    if changed:
        preference.version = F("version") + 1
        preference.save(update_fields=[*changed, "version", "updated_at"])
        preference.refresh_from_db(fields=["version"])
    return preference


def contact_preference_set(
    *, user: AbstractBaseUser, scheduled_updates_opt_out: bool
) -> ContactPreference:
    """Record whether the person wants scheduled update notices."""
    return contact_preference_set_topics(
        user=user, receive={Topic.SCHEDULED_UPDATES: not scheduled_updates_opt_out}
    )
