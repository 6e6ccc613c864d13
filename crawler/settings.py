"""The one source of every setting: Scrapy's own and the project's ``EPAPER_*`` settings.

Each ``EPAPER_*`` value here is the default; an environment variable of the same
name overrides it (see :func:`crawler.config.load_settings`), and so does
``scrapy crawl -s NAME=VALUE``. Every setting is documented in
``docs/configuration.md``; a test fails when one is not.
"""

from __future__ import annotations

BOT_NAME = "epaper-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Storage -------------------------------------------------------------------------------

#: SQLAlchemy URL of the archive database. SQLite by default (opened with WAL and
#: foreign keys on); PostgreSQL through ``postgresql+psycopg://user@host/db``.
EPAPER_DATABASE_URL = "sqlite:///data/epaper.sqlite3"

# --- Paper registry ------------------------------------------------------------------------

#: Repoints every paper of the registry (crawler/papers.toml) at another host that serves
#: the same paths, e.g. the mock site: a template such as ``http://127.0.0.1:8000/{slug}/``.
#: Empty means each paper's real base URL.
EPAPER_BASE_URL_OVERRIDE = ""

# --- Scrapy --------------------------------------------------------------------------------

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# ``EPAPER_*`` environment variables override the values above under ``scrapy crawl`` too.
ADDONS = {"crawler.config.EnvironmentAddon": 0}
