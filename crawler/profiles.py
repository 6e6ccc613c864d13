"""Settings profiles: named overrides for a kind of target (``EPAPER_PROFILE``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.errors import ConfigurationError

#: Each profile's overrides. ``mock``: the project's own site on 127.0.0.1, which wants
#: no politeness, short timeouts and quick retries.
PROFILES: Mapping[str, Mapping[str, Any]] = {
    "mock": {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 5,
        "EPAPER_RETRY_BACKOFF_BASE": 0.05,
        "EPAPER_RETRY_BACKOFF_MAX": 0.5,
        "LOG_LEVEL": "WARNING",
    },
}

#: Profiles sit above the settings module (20) and below environment variables (25).
PROFILE_PRIORITY = 22


def profile_settings(name: str) -> Mapping[str, Any]:
    """The overrides of profile ``name`` ("" means none).

    >>> profile_settings("mock")["DOWNLOAD_DELAY"]
    0
    >>> profile_settings("fast")
    Traceback (most recent call last):
    ...
    crawler.errors.ConfigurationError: EPAPER_PROFILE: unknown profile 'fast' (known: mock)
    """
    if not name:
        return {}
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        msg = f"EPAPER_PROFILE: unknown profile {name!r} (known: {known})"
        raise ConfigurationError(msg) from None
