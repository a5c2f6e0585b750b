"""A person's saved filters of the portal's case list (issue 15).

Not the staff queue's SavedView (cases.models.SavedView): that one keeps a query string of
the queue, whose filters (assignee, organisation, built-in views) a customer does not have,
and the queue lists every SavedView of its reader as a tab. A saved filter keeps the portal
list's own filters, checked again by the list's form each time it is used, so it can only
ever narrow what its owner may see at that moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SAVED_FILTER_NAME_MAX_CHARS = 80
# Enough for a day's work; past this a person deletes one first.
SAVED_FILTERS_MAX = 20


class SavedFilter(models.Model):
    """A combination of the case list's filters that one person saved under a name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_case_filters",
    )
    name = models.CharField(_("name"), max_length=SAVED_FILTER_NAME_MAX_CHARS)
    # The list form's valid filters, by field name ({"status": "closed", "q": "licence"}).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
