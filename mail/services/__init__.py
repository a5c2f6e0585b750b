"""Email in and out: the outbox and its delivery, unsubscribe (DESIGN.md, Email)."""
