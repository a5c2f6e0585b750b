"""Support time as people read it: "2 h 15 min", "45 min", "8 h" (every page and email)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def support_duration(minutes: int | None) -> str:
    """Format support minutes as "2 h 15 min", "45 min" or "8 h"; nothing for no value."""
    if minutes is None:
        return ""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
