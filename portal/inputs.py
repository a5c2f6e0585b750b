"""Refuse text no database can take at the door: a clear 400 instead of a 500 further in.

``BadInputMiddleware`` (before sessions, CSRF and views) checks the path, every query parameter
and every field of a posted form (names and values) with ``common.text``; JSON
bodies are checked by the API's parser (``portal.api.parsers``). A refusal is a ``BadInput``
answered by ``handler400`` (``portal.urls``): JSON under /api/, the 400 page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.text import TextProblem, text_problem

PROBLEM_MESSAGES = {
    TextProblem.NUL: _(
        "The request contains a NUL character, which the portal does not accept. "
        "Remove it and try again."
    ),
    TextProblem.CONTROL: _(
        "The request contains a control character, which the portal does not accept. "
        "Remove it and try again."
    ),
    TextProblem.SURROGATE: _(
        "The request contains an invalid character (a lone surrogate), which the portal "
        "does not accept. Remove it and try again."
    ),
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInput(BadRequest):
    """A request holding text the portal refuses; `code` is what the API's error carries."""

    def __init__(self, problem: TextProblem) -> None:
        super().__init__(problem.value)
        self.code = problem.value
        # Lazy: the answer is worded in the request's language, known only when rendered.
        self.detail = PROBLEM_MESSAGES[problem]


def _texts(request: HttpRequest) -> Iterator[tuple[str, bool]]:
    """Yield every text of the request a view may read, with whether it may span lines."""
    yield request.path_info, False
    yield from _fields(request.GET)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        yield from _fields(request.POST)
        # Django already drops non-printable characters from uploaded file names.
        yield from ((key, False) for key in request.FILES)


def _fields(fields) -> Iterator[tuple[str, bool]]:
    for key, values in fields.lists():
        yield key, False
        for value in values:
            yield value, True


def request_text_problem(request: HttpRequest) -> TextProblem | None:
    """Return the first problem of the request's path, query or form, or None."""
    for text, multiline in _texts(request):
        problem = text_problem(text, multiline=multiline)
        if problem is not None:
            return problem
    return None


class BadInputMiddleware:
    """Answer 400 to a request whose path, query or form holds a NUL or control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_text_problem(request)
        if problem is None:
            return self.get_response(request)
        # Answered, not raised: Django logs the 400 in one line, without a traceback.
        return get_resolver().resolve_error_handler(400)(request, BadInput(problem))


def request_language(request: HttpRequest) -> str:
    """Return the request's language, also when refused before LocaleMiddleware ran."""
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def bad_request_page(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 400 page, saying what was wrong when the portal knows.

    Rendered without the request: it may come from before sessions and users, or name a
    host the portal does not serve, so the page shows the default brand and no account.
    """
    detail = exception.detail if isinstance(exception, BadInput) else None
    with translation.override(request_language(request)):
        return HttpResponseBadRequest(render_to_string("400.html", {"detail": detail}))
