"""Reads of a person's saved filters of the case list (issue 15).

The list shows them on every page of /cases/: kept in the cache (no query), dropped whenever
one is saved or deleted (portal.services.saved_filters).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.http import urlencode

from portal.models import SavedFilter
from portal.selectors.case_list import FILTER_NAMES

# Bounds how long a change made outside the services (the admin, a shell) stays unseen.
SAVED_FILTERS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class SavedFilterLink:
    """A saved filter as the list offers it: its name and the query string it applies."""

    pk: int
    name: str
    query: str


def filters_query_string(filters: dict[str, str]) -> str:
    """Return the query string of list filters, in the list's order (whatever JSON kept)."""
    return urlencode([(name, filters[name]) for name in FILTER_NAMES if filters.get(name)])


def saved_filters_cache_key(user) -> str:
    return f"portal:case-filters:{user.pk}"


def saved_filter_links_for_user(user) -> list[SavedFilterLink]:
    """Return the person's own saved filters, by name (from the cache when it has them)."""
    key = saved_filters_cache_key(user)
    links = cache.get(key)
    if links is None:
        links = [
            SavedFilterLink(pk, name, filters_query_string(filters))
            for pk, name, filters in SavedFilter.objects.filter(owner=user).values_list(
                "pk", "name", "filters"
            )
        ]
        cache.set(key, links, SAVED_FILTERS_CACHE_SECONDS)
    return links
