"""Reads of the portal pages, one module per area; each starts from a visible_to(user) selector."""
