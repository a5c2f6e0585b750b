"""Serializers of the API, one module per area; every field is listed explicitly."""
