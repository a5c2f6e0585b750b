"""The shared cast and switches of the whole suite."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest):
    """Run tasks in-process unless a test asks for a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Keep rate limits and TOTP replay marks from leaking between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return "connect-test-pass-9"


@pytest.fixture
def make_user(db, password: str):
    """Build a user; staff=True gives a staff account."""
    from contracts.models import User

    def _make(email: str, *, staff: bool = False, **extra) -> User:
        return User.objects.create_user(email=email, password=password, is_staff=staff, **extra)

    return _make


@pytest.fixture
def customer(make_user):
    return _verified(make_user("customer@example.test"))


@pytest.fixture
def staff_user(make_user):
    return _verified(make_user("agent@vendor.test", staff=True))


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
