"""Writes of the team page: an organisation's admins invite, re-role, designate and deactivate."""

from __future__ import annotations

import uuid

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contracts.models import Membership, Organization, User
from mail.services.outbox import outbox_enqueue
from portal.branding import brand_base_url, brand_for_organization

Role = Membership.Role


def _other_active_admins(membership: Membership) -> int:
    # Locked, so two admins demoting each other at once cannot leave the team without one.
    admins = (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
    )
    return len(list(admins))


def _refuse_losing_last_admin(membership: Membership, message: str) -> None:
    is_admin = membership.role == Role.ADMIN and membership.is_active
    if is_admin and _other_active_admins(membership) == 0:
        raise ValidationError(message, code="last_admin")


def _existing_person(
    email: str, organization: Organization
) -> tuple[User | None, Membership | None]:
    """Return the account and membership of the address; refuse one we cannot invite."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return None, None
    if user.is_staff:
        raise ValidationError(
            {"email": _("This address belongs to a support staff account; staff are not members.")}
        )
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.organization_id != organization.pk:
        raise ValidationError(
            {
                "email": _(
                    "This address already belongs to another organisation's account. A person "
                    "belongs to one organisation only: ask CONNECT support to move the account."
                )
            }
        )
    if membership is not None and membership.is_active:
        raise ValidationError({"email": _("This person is already a member of your team.")})
    return user, membership


@transaction.atomic
def member_invite(
    *, organization: Organization, email: str, role: str, invited_by: User, full_name: str = ""
) -> Membership:
    """Add a person to the organisation with a role and email them a link to set a password.

    A former member of the same organisation is reactivated; an address of another
    organisation or of staff is refused with the reason.
    """
    email = email.strip().lower()
    user, membership = _existing_person(email, organization)
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name=full_name.strip(),
            language=organization.language,
            time_zone=invited_by.time_zone,
        )
    # The invitation reaches only this inbox and its link is the only way to a password, so
    # whoever signs in has proved the address: no second verification email.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    try:
        with transaction.atomic():
            membership = _membership_join(user, organization, role, membership)
    except IntegrityError:
        raise ValidationError(
            {"email": _("This address was just added to an organisation; reload the page.")}
        ) from None
    _invitation_send(membership=membership, invited_by=invited_by)
    return membership


def _membership_join(
    user: User, organization: Organization, role: str, membership: Membership | None
) -> Membership:
    if membership is None:
        return Membership.objects.create(user=user, organization=organization, role=role)
    membership.role = role
    membership.is_active = True
    membership.save(update_fields=["role", "is_active"])
    return membership


def _invitation_send(*, membership: Membership, invited_by: User) -> None:
    """Queue the invitation email, in the invitee's language, with a one-time password link."""
    user, organization = membership.user, membership.organization
    brand = brand_for_organization(organization)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    with translation.override(user.language):
        role_label = str(Role(membership.role).label)
    outbox_enqueue(
        to_email=user.email,
        recipient=user,
        template="team_invitation",
        language=user.language,
        idempotency_key=f"team-invitation:{membership.pk}:{uuid.uuid4().hex}",
        context={
            "invite_url": brand_base_url(brand) + path,
            "organization": organization.name,
            "invited_by": invited_by.get_full_name(),
            "role_label": role_label,
            "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
            "brand_name": brand.display_name,
            "brand_color": brand.primary_color,
            # The link sets a password: the outbox forgets it once sent.
            "sensitive": True,
        },
    )


@transaction.atomic
def member_set_role(*, membership: Membership, role: str) -> Membership:
    """Give a member another role; the last active admin cannot step down."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    if role != Role.ADMIN:
        _refuse_losing_last_admin(
            membership,
            _("The team needs at least one administrator: make someone else admin first."),
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_set_technical_contact(*, membership: Membership, is_contact: bool) -> Membership:
    """Make a member a designated technical contact (SLP-11, SLP-14), or stop it."""
    if is_contact and not membership.is_active:
        raise ValidationError(_("A deactivated member cannot be a technical contact."))
    membership.is_technical_contact = is_contact
    membership.save(update_fields=["is_technical_contact"])
    return membership


@transaction.atomic
def member_deactivate(*, membership: Membership, by: User | None = None) -> Membership:
    """Take a member's access away; the last active admin cannot be deactivated.

    Nobody deactivates themselves from the team page (``by``): they would lock themselves out
    with one click; another admin does it.
    """
    if by is not None and membership.user_id == by.pk:
        raise ValidationError(
            _("You cannot take away your own access: ask another administrator."),
            code="self_deactivation",
        )
    _refuse_losing_last_admin(
        membership,
        _("The team needs at least one active administrator: make someone else admin first."),
    )
    membership.is_active = False
    # A person without access must stop receiving status updates and notices too.
    membership.is_technical_contact = False
    membership.save(update_fields=["is_active", "is_technical_contact"])
    return membership
