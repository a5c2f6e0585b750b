"""The case: one incident reported by a covered organisation (SLP-4 .. SLP-16)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.limits import (
    CASE_TEXT_MAX_CHARS,
    REFERENCE_MAX_CHARS,
    TITLE_MAX_CHARS,
    max_chars,
)
from contracts.models import Organization
from sla.models import Priority


class Channel(models.TextChoices):
    """How the case reached support; phone and online cases count alike (SLP-13)."""

    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (
    Status.NEW,
    Status.TRIAGED,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CUSTOMER,
)


class Category(models.TextChoices):
    QUESTION = "question", _("Question")
    PROBLEM = "problem", _("Problem")
    BUG = "bug", _("Bug")
    DEFECT = "defect", _("Defect")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class Exclusion(models.TextChoices):
    """Why a request is outside the policy (SLP-16)."""

    NO_CONTRACT = "no_contract", _("No active CONNECT contract for the site")
    UNSUPPORTED_RELEASE = "unsupported_release", _("Release no longer supported")
    MODIFIED = "modified", _("Software altered or modified without authorisation")
    HARDWARE = "hardware", _("Hardware failure, negligence or causes outside our control")
    OBSOLETE_ENVIRONMENT = "obsolete_environment", _("Obsolete or unsupported environment")
    TRAINING = "training", _("Training, on-site help or consulting")
    PROFESSIONAL_SERVICES = (
        "professional_services",
        _("SDK, custom toolpath or post-processor work (professional services)"),
    )


class EscalationLevel(models.IntegerChoices):
    """Order of review when a customer escalates (SLP-12)."""

    NONE = 0, _("Not escalated")
    SUPERVISOR = 1, _("Supervisor")
    SUPPORT_MANAGEMENT = 2, _("Support management")
    EXECUTIVE_SPONSOR = 3, _("Executive sponsor / customer success manager")


class ClockState(models.TextChoices):
    """A clock's state as stored on the row; values match sla.clocks.ClockStatus."""

    NOT_STARTED = "not_started", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    BREACHED = "breached", _("Breached")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """Return cases of organisations the user may see (own, served end customers); staff all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        orgs = Organization.objects.visible_to(user)
        return self.filter(Q(organization__in=orgs) | Q(end_customer__in=orgs))

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    """An incident, with its SLA clocks kept on the row for the sweep and the queue."""

    # Null only inside the creating transaction: the number is made from the pk.
    number = models.CharField(  # noqa: DJ001
        _("number"), max_length=12, unique=True, null=True, editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    organization = models.ForeignKey(
        "contracts.Organization",
        verbose_name=_("covered organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The partner or direct customer whose contract covers the case (SLP-1)."),
    )
    end_customer = models.ForeignKey(
        "contracts.Organization",
        verbose_name=_("end customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="end_customer_cases",
    )
    site = models.ForeignKey(
        "contracts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="cases"
    )
    release = models.ForeignKey(
        "contracts.Release", verbose_name=_("release"), on_delete=models.PROTECT, related_name="+"
    )
    patch = models.ForeignKey(
        "contracts.Patch",
        verbose_name=_("patch level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_cases",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    description = models.TextField(_("description"), validators=[max_chars(CASE_TEXT_MAX_CHARS)])
    environment = models.TextField(
        _("environment"),
        blank=True,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        help_text=_("Operating system, hardware, machine, post-processor."),
    )
    steps = models.TextField(
        _("steps to reproduce"), blank=True, validators=[max_chars(CASE_TEXT_MAX_CHARS)]
    )
    business_impact = models.TextField(
        _("business impact"), blank=True, validators=[max_chars(CASE_TEXT_MAX_CHARS)]
    )
    proposed_priority = models.CharField(
        _("priority proposed by the customer"), max_length=2, choices=Priority.choices
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    exclusion = models.CharField(
        _("exclusion reason"), max_length=30, choices=Exclusion.choices, blank=True
    )
    defect_reference = models.CharField(
        _("defect reference"), max_length=REFERENCE_MAX_CHARS, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        limit_choices_to={"is_staff": True},
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    policy_version = models.ForeignKey(
        "sla.PolicyVersion",
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("support calendar"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Clocks, recomputed from the timeline by every service (never edited by hand).
    response_state = models.CharField(
        _("response clock"), max_length=12, choices=ClockState.choices, default=ClockState.RUNNING
    )
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_state = models.CharField(
        _("resolution clock"),
        max_length=12,
        choices=ClockState.choices,
        default=ClockState.NOT_STARTED,
    )
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # The next instants the sweep must look at this case; null when nothing is pending.
    sla_next_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_update_due_at = models.DateTimeField(
        _("next status update due"), null=True, blank=True, editable=False
    )
    # Kept by the same recompute, for the staff queue: no per-row subquery or clock.
    # The earliest due instant of a clock support is working against (running or breached);
    # null when support owes nothing timed (paused, stopped, not started).
    queue_due_at = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    response_warned = models.BooleanField(default=False, editable=False)
    resolution_warned = models.BooleanField(default=False, editable=False)
    # The last event someone (not the sweep) added to the timeline.
    last_activity_at = models.DateTimeField(_("last activity"), null=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The sweep: "what is due by now" must be one index range scan each.
            models.Index(fields=["sla_next_warn_at"], name="case_next_warn_idx"),
            models.Index(fields=["sla_next_due_at"], name="case_next_due_idx"),
            models.Index(fields=["next_update_due_at"], name="case_next_update_idx"),
            # The portal's list: one organisation's cases, newest first.
            models.Index(fields=["organization", "-received_at"], name="case_org_received_idx"),
            models.Index(fields=["status", "priority"], name="case_status_priority_idx"),
            # The staff queue: most urgent first (breached, then the next due instant).
            models.Index(fields=["queue_due_at", "id"], name="case_queue_due_idx"),
            models.Index(fields=["assignee", "queue_due_at"], name="case_assignee_due_idx"),
            # The staff home's counts, read from the index alone (migration 0005).
            models.Index(
                fields=["status", "assignee", "queue_due_at"], name="case_status_assignee_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def reopen_until(self):
        """Return until when the customer may reopen the resolution (the policy's window).

        None while the case is not resolved. The one rule for case_reopen, the resolved email
        and the case page.
        """
        if self.resolved_at is None:
            return None
        return self.resolved_at + timedelta(days=self.policy_version.reopen_window_days)
