"""Writes of a person's saved filters of the case list (issue 15).

A saved filter is personal: only its owner lists, applies or deletes it, and what it holds
is the list form's valid filters, checked again each time it is applied.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import SavedFilter
from portal.models.saved_filters import SAVED_FILTER_NAME_MAX_CHARS, SAVED_FILTERS_MAX
from portal.selectors.saved_filters import saved_filters_cache_key


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")}, code="required")
    if len(name) > SAVED_FILTER_NAME_MAX_CHARS:
        raise ValidationError(
            {
                "name": _("A filter name has at most %(max)d characters.")
                % {"max": SAVED_FILTER_NAME_MAX_CHARS}
            },
            code="max_length",
        )
    return name


def saved_filter_save(*, owner, name: str, filters: dict[str, str]) -> tuple[SavedFilter, bool]:
    """Save the filters under the name, replacing those of an own filter of that name.

    Return the saved filter and whether it is new. `filters` are the list form's valid ones.
    """
    name = _clean_name(name)
    own = SavedFilter.objects.filter(owner=owner)
    with transaction.atomic():
        if not own.filter(name=name).exists() and own.count() >= SAVED_FILTERS_MAX:
            raise ValidationError(
                _("You have %(max)d saved filters: delete one first.") % {"max": SAVED_FILTERS_MAX},
                code="too_many",
            )
        # update_or_create: a second click on Save while the first is stored updates the
        # same row (it retries after the unique constraint refuses a duplicate).
        saved, created = SavedFilter.objects.update_or_create(
            owner=owner, name=name, defaults={"filters": filters}
        )
    _forget(owner)
    return saved, created


def saved_filter_delete(*, owner, pk: int) -> SavedFilter:
    """Delete one of the person's own saved filters; another's is SavedFilter.DoesNotExist."""
    with transaction.atomic():
        saved = SavedFilter.objects.get(owner=owner, pk=pk)
        saved.delete()
    _forget(owner)
    return saved


def _forget(owner) -> None:
    # Now, and again once an enclosing transaction commits: a page read in between must not
    # keep the list as it was before the change.
    key = saved_filters_cache_key(owner)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
