"""Software update notices (SLP-2, SLP-14): write, check, publish or schedule; preferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import ContactPreference, NoticeRead, Release, UpdateNotice, User
from contracts.services.releases import SUPPORTED, SupportStatus, support_statuses

UNSUBSCRIBE_SALT = "contracts.notices.unsubscribe"
_EDITABLE = ("kind", "title_en", "title_fr", "body_en", "body_fr", "links", "publish_at")


# --- Writing and publishing -------------------------------------------------------------


def update_notice_check_releases(*, releases: Iterable[Release], on: dt.date) -> None:
    """Refuse releases that get no updates on the day: unsupported or not yet shipped (SLP-2)."""
    releases = list(releases)
    if not releases:
        raise ValidationError({"releases": _("Choose at least one affected release.")})
    product_ids = {release.product_id for release in releases}
    siblings = Release.objects.filter(product_id__in=product_ids).only(
        "pk", "product_id", "release_date"
    )
    statuses = support_statuses(siblings, on=on)
    errors = []
    for release in releases:
        status = statuses[release.pk]
        if status == SupportStatus.UNSUPPORTED:
            errors.append(
                _(
                    "%(release)s is no longer supported on %(day)s: only the current and the "
                    "previous release get updates (SLP-2, SLP-14)."
                )
                % {"release": release, "day": on.isoformat()}
            )
        elif status not in SUPPORTED:
            errors.append(
                _("%(release)s is not released yet on %(day)s: it cannot need an update.")
                % {"release": release, "day": on.isoformat()}
            )
    if errors:
        raise ValidationError({"releases": errors})


def notice_publish_day(*, kind: str, publish_at: dt.datetime | None, now: dt.datetime) -> dt.date:
    """Return the day a notice goes out: today for urgent or overdue ones, else its publish day."""
    if kind == UpdateNotice.Kind.URGENT or publish_at is None or publish_at <= now:
        return timezone.localdate(now)
    return timezone.localdate(publish_at)


def _publish_day(notice: UpdateNotice, now: dt.datetime) -> dt.date:
    return notice_publish_day(kind=notice.kind, publish_at=notice.publish_at, now=now)


def _locked_draft(notice: UpdateNotice) -> UpdateNotice:
    current = UpdateNotice.objects.select_for_update().get(pk=notice.pk)
    if current.status != UpdateNotice.Status.DRAFT:
        raise ValidationError(
            _("This notice is %(status)s: only a draft can be changed or published.")
            % {"status": current.get_status_display().lower()},
            code="not_draft",
        )
    return current


@transaction.atomic
def update_notice_save(
    *, notice: UpdateNotice, releases: Iterable[Release], by: User | None = None
) -> UpdateNotice:
    """Create or change a draft notice; refuse a missing French text or an unsupported release."""
    releases = list(releases)
    if notice.pk is not None:
        current = _locked_draft(notice)
        for field in _EDITABLE:
            setattr(current, field, getattr(notice, field))
        notice = current
    elif by is not None:
        notice.created_by = by
    errors: dict[str, list] = {}
    try:
        notice.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        update_notice_check_releases(releases=releases, on=_publish_day(notice, timezone.now()))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    notice.save()
    notice.releases.set(releases)
    return notice


def update_notice_create(
    *,
    kind: str,
    title_en: str,
    title_fr: str,
    body_en: str,
    body_fr: str,
    releases: Iterable[Release],
    links: str = "",
    publish_at: dt.datetime | None = None,
    by: User | None = None,
) -> UpdateNotice:
    """Create a draft notice in both languages."""
    notice = UpdateNotice(
        kind=kind,
        title_en=title_en,
        title_fr=title_fr,
        body_en=body_en,
        body_fr=body_fr,
        links=links,
        publish_at=publish_at,
    )
    return update_notice_save(notice=notice, releases=releases, by=by)


@transaction.atomic
def update_notice_publish(
    *, notice: UpdateNotice, now: dt.datetime | None = None, enqueue: bool = True
) -> UpdateNotice:
    """Send an urgent notice at once; schedule a scheduled one for its publish time.

    With ``enqueue=False`` the caller runs the fan-out itself (the publish_notice command).
    """
    now = now or timezone.now()
    current = _locked_draft(notice)
    current.full_clean()
    update_notice_check_releases(releases=current.releases.all(), on=_publish_day(current, now))
    if current.is_mandatory or current.publish_at <= now:
        current.status = UpdateNotice.Status.PUBLISHING
        current.published_at = now
        current.save(update_fields=["status", "published_at"])
        if enqueue:
            _fanout_on_commit(current.pk)
    else:
        current.status = UpdateNotice.Status.SCHEDULED
        current.save(update_fields=["status"])
    return current


@transaction.atomic
def update_notice_unschedule(*, notice: UpdateNotice) -> UpdateNotice:
    """Return a scheduled notice to draft, so it can be changed before it goes out."""
    changed = UpdateNotice.objects.filter(
        pk=notice.pk, status=UpdateNotice.Status.SCHEDULED
    ).update(status=UpdateNotice.Status.DRAFT)
    if changed != 1:
        raise ValidationError(
            _("Only a notice that is scheduled and not yet sent can go back to draft.")
        )
    notice.refresh_from_db()
    return notice


def _fanout_on_commit(notice_id: int) -> None:
    from contracts.tasks import notice_fanout

    transaction.on_commit(lambda: notice_fanout.delay(notice_id))


def update_notice_claim_due(*, notice_id: int, now: dt.datetime) -> bool:
    """Start a scheduled notice whose time has come; False if it was not due or not scheduled."""
    # Compare-and-set: of two beats (or a beat and the command) at once, one starts the notice.
    claimed = UpdateNotice.objects.filter(
        pk=notice_id, status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).update(status=UpdateNotice.Status.PUBLISHING, published_at=now)
    return claimed == 1


def update_notices_publish_due(*, now: dt.datetime | None = None) -> int:
    """Start every scheduled notice whose publish time has come; return how many (beat)."""
    now = now or timezone.now()
    due = UpdateNotice.objects.filter(
        status=UpdateNotice.Status.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True)
    started = 0
    for pk in list(due):
        if update_notice_claim_due(notice_id=pk, now=now):
            _fanout_on_commit(pk)
            started += 1
    return started


# --- Preferences and reading --------------------------------------------------------------


def unsubscribe_token(user: User) -> str:
    """Return the signed token of a person's one-click unsubscribe link."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    """Return the absolute one-click unsubscribe address of a person."""
    path = reverse("updates_unsubscribe", args=[unsubscribe_token(user)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_user(token: str) -> User:
    """Return the person an unsubscribe token names; refuse a forged or unknown one."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token") from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError(_("This unsubscribe link is not valid."), code="bad_token")
    return user


@transaction.atomic
def contact_preference_set(*, user: User, scheduled_updates_opt_out: bool) -> ContactPreference:
    """Record whether the person wants scheduled update notices."""
    preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
    if preference.scheduled_updates_opt_out != scheduled_updates_opt_out:
        preference.scheduled_updates_opt_out = scheduled_updates_opt_out
        preference.save(update_fields=["scheduled_updates_opt_out", "updated_at"])
    return preference


def contact_preference_unsubscribe(*, token: str) -> User:
    """Opt the person named by the token out of scheduled update notices (one click)."""
    user = unsubscribe_user(token)
    contact_preference_set(user=user, scheduled_updates_opt_out=True)
    return user


def update_notice_mark_read(*, notice: UpdateNotice, user: User) -> None:
    """Record that the person opened the notice, so its banner stops showing."""
    NoticeRead.objects.get_or_create(notice=notice, user=user)
