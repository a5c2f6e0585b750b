"""Writes of the portal app (one module per area)."""
