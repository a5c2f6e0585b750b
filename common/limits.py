"""How long free text may be: one number per kind of text, and the check that enforces it.

Every text a person writes (portal, API, admin, email, import) is refused past its limit
with the same message, by the model field's validator (ModelForms and ModelSerializers
inherit it), by plain forms and serializers, and by the services that take text directly,
so no entry path stores more. Counted in characters as stored (after stripping).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# A case or notice title: one line in a list and in an email subject (the column's width).
TITLE_MAX_CHARS = 200
# A bug or defect reference in the engineering tracker (SLP-7), as the case row stores it.
REFERENCE_MAX_CHARS = 60
# A person's full name, as the user table stores it.
NAME_MAX_CHARS = 150
# Case description, environment, steps to reproduce, business impact: about ten printed
# pages each; logs and dumps belong in attachments, which have their own size limit.
CASE_TEXT_MAX_CHARS = 20_000
# A comment, a portal or staff reply, a reply received by email, information requested or
# given, a resolution and its plan, a withdrawal explanation: as long as a case text.
COMMENT_MAX_CHARS = 20_000
# An escalation or reopen reason: mailed to each supervisor at that level (SLP-12) and read
# at a glance; the detail goes in a comment.
REASON_MAX_CHARS = 2_000
# A notice body, per language, and its links: one email, sent to every technical contact.
NOTICE_BODY_MAX_CHARS = 20_000
# Staff notes on calendars, closures and policy versions.
NOTE_MAX_CHARS = 5_000
# A site's postal address (admin and contracts import).
ADDRESS_MAX_CHARS = 2_000
# A brand's display name: the portal header and the email sender name.
BRAND_NAME_MAX_CHARS = 100


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


# Grouped when the message is read, so a French reader sees "20 000", an English one "20,000".
_grouped = lazy(_number, str)


@deconstructible
class MaxCharsValidator(MaxLengthValidator):
    """Refuse a text longer than the limit, saying the limit and the length it has."""

    message = _("Keep this to at most %(limit)s characters; it has %(count)s.")

    def __call__(self, value: str) -> None:
        count = len(value)
        if count > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit": _grouped(self.limit_value),
                    "count": _grouped(count),
                    "limit_value": self.limit_value,
                    "show_value": count,
                },
            )


def max_chars(limit: int) -> MaxCharsValidator:
    """Return the validator of a text field that may hold at most `limit` characters."""
    return MaxCharsValidator(limit)


def chars_check(value: str, *, limit: int, field: str) -> str:
    """Return `value`, or raise a ValidationError on `field` when it is longer than `limit`."""
    try:
        MaxCharsValidator(limit)(value)
    except ValidationError as exc:
        raise ValidationError({field: exc}) from None
    return value
