"""The ``planner`` command: the CLI's commands and the web server's ``serve``, joined.

The one module above both the web layer and the CLI (see the import-linter
contracts in pyproject.toml): neither imports the other.
"""
from __future__ import annotations

from planner.cli.main import main
from planner.web.serve import serve

main.add_command(serve)

__all__ = ["main"]
