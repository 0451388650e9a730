"""Presenters: the core's results shaped for pages, maps, charts and forms (no Flask)."""
