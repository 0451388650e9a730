"""Blueprints: each view parses the request, calls the core and renders."""
