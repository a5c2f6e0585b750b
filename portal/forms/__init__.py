"""Forms of the portal pages, one module per area of portal.views."""
