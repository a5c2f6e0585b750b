"""Staff admin of software update notices: write, preview, publish, follow delivery (SLP-14)."""

from notices.admin.notice import UpdateNoticeAdmin
from notices.admin.permissions import staff_may_send_notices

__all__ = ["UpdateNoticeAdmin", "staff_may_send_notices"]
