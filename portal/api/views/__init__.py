"""Views of the API, one module per area: they parse, call a selector or service, render."""
