"""Typed access to settings: project defaults, overridden by ``EPAPER_*`` environment variables.

Every way of running the crawler (``epaper ...``, ``scrapy crawl epaper``) goes through
:func:`configure` before anything is built, so both see the same settings, and a value of
the wrong type is one line naming the setting, never a traceback from deep inside Scrapy.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import Settings, default_settings

from crawler import settings as defaults
from crawler.errors import ConfigurationError

PREFIX = "EPAPER_"
#: Environment variables beat the settings module (priority 20) and lose to
#: ``-s NAME=VALUE`` on the command line (priority 40).
ENV_PRIORITY = 25

#: The only database drivers the project installs and tests.
SUPPORTED_DRIVERS = ("sqlite", "postgresql+psycopg")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


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


def unknown_env_warnings(environ: Mapping[str, str] | None = None) -> list[str]:
    """One warning per mistyped ``EPAPER_*`` variable, naming the closest real setting.

    >>> unknown_env_warnings({"EPAPER_DATABSE_URL": "sqlite://"})
    ['EPAPER_DATABSE_URL is not a setting and is ignored (did you mean EPAPER_DATABASE_URL?)']
    >>> unknown_env_warnings({"EPAPER_ZZZ": "1"})
    ['EPAPER_ZZZ is not a setting and is ignored']
    """
    warnings = []
    for name in unknown_env_settings(environ):
        # Compared without the prefix every name shares, which would make all look alike.
        suffixes = [known[len(PREFIX) :] for known in setting_names()]
        close = difflib.get_close_matches(name[len(PREFIX) :], suffixes, n=1, cutoff=0.6)
        hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
        warnings.append(f"{name} is not a setting and is ignored{hint}")
    return warnings


def _internal(name: str) -> bool:
    # Variables the test suite and CI use; they are not crawler settings.
    return name.startswith(("EPAPER_TEST_", "EPAPER_CI_"))


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Project settings with environment and explicit overrides applied, checked.

    >>> load_settings({"EPAPER_DATABASE_URL": "sqlite://"}).get("EPAPER_DATABASE_URL")
    'sqlite://'
    >>> load_settings({"EPAPER_STORE_BATCH_SIZE": "50"}).get("EPAPER_STORE_BATCH_SIZE")
    50
    """
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    for name, value in (overrides or {}).items():
        set_checked(settings, name, value, "cmdline")
    return configure(settings, environ)


def set_checked(settings: Settings, name: str, value: Any, priority: int | str) -> None:
    """``settings.set``, with a value Scrapy cannot even store (``-s ITEM_PIPELINES=[1]``
    for a mapping) reported as one line."""
    try:
        settings.set(name, value, priority=priority)
    except (TypeError, ValueError, AttributeError):
        where = "the environment" if priority == ENV_PRIORITY else "the command line"
        msg = f"{name}={value!r} (from {where}) is not a JSON object, as it must be"
        raise ConfigurationError(msg) from None


def configure(settings: Settings, environ: Mapping[str, str] | None = None) -> Settings:
    """Apply the environment and ``EPAPER_PROFILE`` to ``settings`` and check every value.

    The one step both ``epaper`` and ``scrapy crawl`` take before they build a crawler.
    """
    for name, value in env_overrides(environ).items():
        set_checked(settings, name, value, ENV_PRIORITY)
    apply_profile(settings)
    validate_settings(settings)
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


# --- validation ------------------------------------------------------------------------------


def typed_defaults() -> dict[str, Any]:
    """The default of every setting whose type can be checked: Scrapy's, then the project's."""
    typed = (bool, int, float, list, tuple, dict)
    return {
        name: value
        for module in (default_settings, defaults)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, typed)
    }


def validate_settings(settings: Settings) -> None:
    """Check every setting against its default's type, once; strings become typed values.

    Raises :class:`ConfigurationError` naming the setting, its value and where it was set.

    >>> s = Settings({"EPAPER_DOWNLOAD_PDFS": "yes", "DOWNLOAD_DELAY": "0.5"})
    >>> validate_settings(s); s["EPAPER_DOWNLOAD_PDFS"], s["DOWNLOAD_DELAY"]
    (True, 0.5)
    >>> validate_settings(Settings({"EPAPER_MAX_FAILURE_RATIO": "nan"}))
    Traceback (most recent call last):
    ...
    crawler.errors.ConfigurationError: EPAPER_MAX_FAILURE_RATIO='nan' is not a finite number
    """
    for name, default in typed_defaults().items():
        if name not in settings:
            continue
        value = settings[name]
        try:
            checked = _typed(name, value, default)
        except ValueError as exc:
            msg = f"{name}={value!r}{_source(settings, name)} {exc}"
            raise ConfigurationError(msg) from None
        if checked is not value:
            settings.set(name, checked, priority=settings.getpriority(name) or 0)
    for name, check in _CHECKS.items():
        if name not in settings:
            continue
        value = settings[name]
        try:
            check(value)
        except ValueError as exc:
            msg = f"{name}={value!r}{_source(settings, name)} {exc}"
            raise ConfigurationError(msg) from None


def _source(settings: Settings, name: str) -> str:
    priority = settings.getpriority(name) or 0
    if priority == ENV_PRIORITY:
        return " (from the environment)"
    if priority >= 40:
        return " (from the command line)"
    return ""


def _typed(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of ``default``; raises ValueError saying what is wrong."""
    ours = name.startswith(PREFIX)
    if isinstance(default, bool):
        return _boolean(value)
    if isinstance(default, int | float):
        number = _number(value)
        if ours and number < 0:
            msg = "is negative"
            raise ValueError(msg)
        if isinstance(default, int) and ours:
            if number != int(number):
                msg = "is not a whole number"
                raise ValueError(msg)
            return value if isinstance(value, int) else int(number)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return number if isinstance(default, float) or number != int(number) else int(number)
    if isinstance(default, dict) and isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            msg = 'is not a JSON object ({"name": value, ...})'
            raise ValueError(msg)
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    msg = "is not a boolean (true or false, 1 or 0)"
    raise ValueError(msg)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        msg = "is not a number"
        raise ValueError(msg)
    try:
        number = float(value)
    except (TypeError, ValueError):
        msg = "is not a number"
        raise ValueError(msg) from None
    if not math.isfinite(number):
        msg = "is not a finite number"
        raise ValueError(msg)
    return number


def _check_ratio(value: Any) -> None:
    if not 0 <= float(value) <= 1:
        msg = "is not a fraction between 0 and 1"
        raise ValueError(msg)


def _check_positive(value: Any) -> None:
    if float(value) <= 0:
        msg = "must be more than 0"
        raise ValueError(msg)


def _check_database_url(value: Any) -> None:
    check_database_url(str(value or ""))


def check_database_url(url: str) -> None:
    """Raise ValueError unless ``url`` is a database URL of a driver the project ships.

    >>> check_database_url("mysql://me@127.0.0.1/news")
    Traceback (most recent call last):
    ...
    ValueError: names a driver epaper-archive does not ship (use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    use = "(use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        msg = f"is not a database URL {use}"
        raise ValueError(msg) from None
    driver = parsed.drivername
    if driver not in SUPPORTED_DRIVERS and driver != "sqlite+pysqlite":
        msg = f"names a driver epaper-archive does not ship {use}"
        raise ValueError(msg)
    if parsed.get_backend_name() == "postgresql" and not parsed.host and not parsed.query:
        msg = f"names no host {use}"
        raise ValueError(msg)


def _check_base_url_override(value: Any) -> None:
    """An empty override, or an http(s) URL template with at most ``{slug}`` in it."""
    template = str(value or "")
    if not template:
        return
    try:
        url = template.format(slug="slug")
    except (KeyError, IndexError, ValueError):
        msg = "is not a URL template with only {slug} in it (http://HOST:PORT/{slug}/)"
        raise ValueError(msg) from None
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        msg = "is not an http:// or https:// URL template (http://HOST:PORT/{slug}/)"
        raise ValueError(msg)


def _check_today(value: Any) -> None:
    text = str(value or "").strip()
    if not text:
        return
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        msg = "is not a date (YYYY-MM-DD)"
        raise ValueError(msg) from None


#: Checks beyond the type, for settings whose type allows values that make no sense.
_CHECKS = {
    "EPAPER_DATABASE_URL": _check_database_url,
    "EPAPER_BASE_URL_OVERRIDE": _check_base_url_override,
    "EPAPER_TODAY": _check_today,
    "EPAPER_MAX_FAILURE_RATIO": _check_ratio,
    "EPAPER_STORE_BATCH_SIZE": _check_positive,
    "EPAPER_STORE_FLUSH_SECONDS": _check_positive,
    "EPAPER_WARC_MAX_BYTES": _check_positive,
}


class EnvironmentAddon:
    """Scrapy add-on that applies ``EPAPER_*`` environment variables to a crawler.

    ``scrapy crawl`` applies them earlier, before the spider is built (its ``crawl``
    command is :mod:`crawler.commands.crawl`); this covers Scrapy's other commands
    (``scrapy shell``, ``scrapy runspider``), where add-ons are the first hook.
    """

    def update_settings(self, settings: Settings) -> None:
        configure(settings)
