"""Sealed outbox contexts: one-time links are stored encrypted and forgotten once done with.

Account emails (password reset, address verification, invitations) carry a link that signs
its holder in. Their context is marked ``"sensitive": True`` by the caller; the outbox seals
it before writing the row, so the admin's outgoing-email page, a database dump or a backup
shows ciphertext, never the link. Delivery opens the seal in memory to render the email, and
once the message is sent or has failed for good the sealed body is dropped (``redact``).

The key is derived from SECRET_KEY (and each of SECRET_KEY_FALLBACKS, so a rotated key still
opens messages sealed before the rotation). Fernet gives authenticated encryption: a changed
or foreign ciphertext is refused, not rendered.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

SENSITIVE = "sensitive"
SEALED = "sealed"
# Kept in clear beside the seal: what the admin may show of a sensitive message.
_CLEAR_KEYS = ("subject",)
_SALT = b"connect.mail.sealed-context.v1"


class SealBroken(Exception):
    """A sealed context could not be opened: wrong key, damaged, or already redacted."""


def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(_SALT + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def is_sensitive(context: dict) -> bool:
    return bool(context.get(SENSITIVE))


def seal(context: dict) -> dict:
    """Return the context to store: a sensitive one encrypted, any other unchanged."""
    if not is_sensitive(context) or SEALED in context or context.get("redacted"):
        return context
    secret = {key: value for key, value in context.items() if key != SENSITIVE}
    token = _keys().encrypt(json.dumps(secret, sort_keys=True).encode())
    clear = {key: context[key] for key in _CLEAR_KEYS if key in context}
    return {SENSITIVE: True, SEALED: token.decode(), **clear}


def unseal(context: dict) -> dict:
    """Return the context to render with: a sealed one opened in memory, any other unchanged."""
    if not is_sensitive(context):
        return context
    if context.get("redacted"):
        raise SealBroken("the one-time content of this message was removed")
    if SEALED not in context:
        # Written before sealing existed (migrated rows are sealed by mail 0004).
        return context
    try:
        opened = _keys().decrypt(context[SEALED].encode())
    except (InvalidToken, TypeError, ValueError) as exc:
        raise SealBroken("the sealed content cannot be opened with this SECRET_KEY") from exc
    return {SENSITIVE: True, **json.loads(opened)}


def redact(context: dict) -> dict:
    """Return what is kept of a sensitive context once the message is done with: no body."""
    if not is_sensitive(context):
        return context
    return {SENSITIVE: True, "redacted": True}
