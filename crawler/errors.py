"""Errors the user sees as one clear line (``epaper: error: ...``), never a stack trace."""

from __future__ import annotations


class EpaperError(Exception):
    """Base of every error reported to the user; ``exit_code`` is the process exit code."""

    exit_code = 1


class ConfigurationError(EpaperError):
    """A setting or argument is invalid."""

    exit_code = 2


class SchemaError(EpaperError):
    """The database schema cannot be used by this version of the code."""

    exit_code = 3
