"""Views of the cases app: only the access-checked attachment download lives here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from cases.selectors import attachment_get_for_user


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send an attachment the user may see, always as a download, never rendered inline."""
    attachment = attachment_get_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("Attachment file missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser ignored the download header, the file gets no script and no origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
