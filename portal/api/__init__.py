"""The REST API of the portal (DESIGN.md, API): DRF under /api/v1/, token auth, OpenAPI 3."""
