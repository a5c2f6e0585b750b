"""Root pytest configuration: settings every test process needs before Django loads."""

import os

# Tests never need a real secret; a deployment must set its own (see README).
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("EMAIL_URL", "memory://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
