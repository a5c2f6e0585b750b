"""The customer's satisfaction rating of a resolution: one question, good or bad (issue 15).

Good or bad, as support desks ask it (Zendesk's CSAT asks exactly that): one click is more
often given than a 1 to 5 score, a team reads its rate as the share of good answers, and each
bad answer is worth opening. One rating per resolution: a case reopened and resolved again is
asked again, and each rating stays on the case, with its timeline event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from common.limits import REASON_MAX_CHARS, max_chars


class Satisfaction(models.TextChoices):
    GOOD = "good", _("Good, I am satisfied")
    BAD = "bad", _("Bad, I am not satisfied")


class CaseRatingQuerySet(models.QuerySet):
    def for_resolution(self, case: Case) -> CaseRating | None:
        """Return the rating of the case's current resolution; None if unrated or not resolved."""
        if case.resolved_at is None:
            return None
        ratings = self.filter(case=case, resolved_at=case.resolved_at)
        return ratings.select_related("rated_by").first()


def current_rating_score() -> Subquery:
    """Return the score of each case's current resolution ("good", "bad" or null), for a queue.

    One indexed look-up per row read (caserating_one_per_resolution); a reopened case has no
    resolved_at, so the rating of its previous resolution no longer shows.
    """
    ratings = CaseRating.objects.filter(case=OuterRef("pk"), resolved_at=OuterRef("resolved_at"))
    # At most one row (the unique constraint): no ORDER BY for the database to plan.
    return Subquery(ratings.order_by().values("score")[:1])


class CaseRating(models.Model):
    """How the customer rated one resolution of a case, with an optional comment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    # Which resolution: the case's resolved_at when rated (set on each resolution, cleared
    # when the case is reopened).
    resolved_at = models.DateTimeField(_("resolution rated"))
    score = models.CharField(_("rating"), max_length=4, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True, validators=[max_chars(REASON_MAX_CHARS)])
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated"))

    objects = CaseRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer rating")
        verbose_name_plural = _("customer ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "resolved_at"], name="caserating_one_per_resolution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.score} {self.rated_at:%Y-%m-%d %H:%M}"

    @property
    def is_good(self) -> bool:
        return self.score == Satisfaction.GOOD
