"""Admin pages whose models moved to another app keep answering at their old address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect

# The outbox and update notices left the contracts app (issue 11); bookmarks and links
# in staff emails still name the old admin pages.
MOVED_ADMIN_MODELS = {"outboxmessage": "mail", "updatenotice": "notices"}


def admin_model_moved(request: HttpRequest, model: str, rest: str) -> HttpResponsePermanentRedirect:
    """Send an old contracts admin address of a moved model to the same page in its new app."""
    target = f"/admin/{MOVED_ADMIN_MODELS[model]}/{model}/{rest}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
