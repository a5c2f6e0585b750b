"""Rate limits of the token endpoint, stricter than the API's defaults (anon and user).

They guard password guessing, so only POST (credentials for a token) counts against them;
revoking a token keeps the API's user rate. The client address comes from DRF's get_ident,
which trusts X-Forwarded-For only as far as NUM_PROXIES (TRUSTED_PROXY_COUNT) says.
"""

from __future__ import annotations

import hashlib

from rest_framework.throttling import SimpleRateThrottle


class TokenIPThrottle(SimpleRateThrottle):
    """Limit token requests per client address: password guessing from one place."""

    scope = "auth_token"
    rate = "10/min"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenEmailThrottle(SimpleRateThrottle):
    """Limit token requests per account: guessing one password from many addresses."""

    scope = "auth_token_email"
    rate = "20/hour"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data if request.method == "POST" else None
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        # Hashed, so the cache never holds the address itself.
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
