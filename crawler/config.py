"""Typed access to settings: project defaults, overridden by ``EPAPER_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from scrapy.settings import Settings

from crawler import settings as defaults

PREFIX = "EPAPER_"
#: Environment variables beat the settings module (priority 20) and lose to
#: ``-s NAME=VALUE`` on the command line (priority 40).
ENV_PRIORITY = 25


def setting_names() -> list[str]:
    """Every ``EPAPER_*`` setting the project defines, sorted.

    >>> "EPAPER_DATABASE_URL" in setting_names()
    True
    """
    return sorted(name for name in vars(defaults) if name.startswith(PREFIX))


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``EPAPER_*`` settings that the environment overrides.

    Only names the project defines are taken, so a typo is not silently ignored
    elsewhere: :func:`unknown_env_settings` reports it.

    >>> env_overrides({"EPAPER_DATABASE_URL": "sqlite://", "HOME": "/root"})
    {'EPAPER_DATABASE_URL': 'sqlite://'}
    """
    env = os.environ if environ is None else environ
    known = set(setting_names())
    return {name: value for name, value in env.items() if name in known}


def unknown_env_settings(environ: Mapping[str, str] | None = None) -> list[str]:
    """``EPAPER_*`` environment variables that name no setting (likely typos).

    >>> unknown_env_settings({"EPAPER_DATABSE_URL": "x", "EPAPER_DATABASE_URL": "y"})
    ['EPAPER_DATABSE_URL']
    """
    env = os.environ if environ is None else environ
    known = set(setting_names())
    return sorted(n for n in env if n.startswith(PREFIX) and n not in known and not _internal(n))


def _internal(name: str) -> bool:
    # Variables the test suite and CI use; they are not crawler settings.
    return name.startswith(("EPAPER_TEST_", "EPAPER_CI_"))


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Project settings with environment and explicit overrides applied, in that order.

    >>> load_settings({"EPAPER_DATABASE_URL": "sqlite://"}).get("EPAPER_DATABASE_URL")
    'sqlite://'
    """
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.update(env_overrides(environ), priority=ENV_PRIORITY)
    if overrides:
        settings.update(dict(overrides), priority="cmdline")
    apply_profile(settings)
    return settings


def apply_profile(settings: Settings) -> None:
    """Apply the overrides of ``EPAPER_PROFILE`` below any explicit setting."""
    from crawler.profiles import PROFILE_PRIORITY, profile_settings

    settings.update(
        dict(profile_settings(str(settings.get("EPAPER_PROFILE") or ""))), priority=PROFILE_PRIORITY
    )


def database_url(settings: Settings | None = None) -> str:
    """The archive database URL (``EPAPER_DATABASE_URL``).

    >>> database_url(load_settings(environ={}))
    'sqlite:///data/epaper.sqlite3'
    """
    s = settings if settings is not None else load_settings()
    return str(s.get("EPAPER_DATABASE_URL"))


class EnvironmentAddon:
    """Scrapy add-on that applies ``EPAPER_*`` environment variables under ``scrapy crawl``."""

    def update_settings(self, settings: Settings) -> None:
        settings.update(env_overrides(), priority=ENV_PRIORITY)
        apply_profile(settings)
