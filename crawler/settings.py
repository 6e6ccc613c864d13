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

# --- Mock site (mocksite) -------------------------------------------------------

#: The seed page's visible text (鲁中晨报 2021-10-20 第05版), read at run time and never
#: copied into the repository; a relative path starts at the repository root. When the
#: file is absent the mock site generates that page like any other.
EPAPER_MOCKSITE_SEED_FILE = "../shared/seed/000_c2c7fcfff5388598.txt"

# --- Crawl ---------------------------------------------------------------------------------

#: A named set of overrides applied on top of these defaults (see crawler/profiles.py):
#: ``mock`` lifts the politeness limits for the project's own mock site. Empty: none.
EPAPER_PROFILE = ""

#: The date taken as "today" (YYYY-MM-DD): the newest issue a crawl or update asks for.
#: Empty: today's date in China (UTC+8). The tests set the mock site's date.
EPAPER_TODAY = ""

#: A run fails (exit status 1, ``crawl_runs.finish_reason`` = ``failed``) when more than
#: this fraction of a paper's fetched URLs failed for good.
EPAPER_MAX_FAILURE_RATIO = 0.05

#: An issue may ask for at most this many article URLs in one run; the next is a recorded
#: failure (the issue stays partial with the reason) and the rest are not requested, so an
#: endless chain of new 下一篇 links costs a bounded number of requests. The mock site's
#: issues have at most 166 articles, the thickest real dailies about 1,000.
EPAPER_MAX_ARTICLES_PER_ISSUE = 3000
#: A page (an issue's page list, a page's articles, an article's parts or images) may link
#: to at most this many URLs; a page with more is a recorded failure of that page and
#: none of its links is requested. The mock site lists at most 24 pages an issue and 12
#: articles a page; real papers about 100 pages on their thickest days and 60 articles a page.
EPAPER_MAX_LINKS_PER_PAGE = 1000

#: Slugs of papers whose robots.txt is not obeyed (only for a site whose robots.txt
#: blocks its own e-paper by mistake and whose owner agrees). Empty: obey everywhere.
EPAPER_ROBOTSTXT_IGNORE: list[str] = []

#: Retries wait ``base * 2**(n-1)`` seconds before the n-th retry, at most ``max`` seconds;
#: a ``Retry-After`` header (429, 503) is honoured up to ``max``.
EPAPER_RETRY_BACKOFF_BASE = 1.0
EPAPER_RETRY_BACKOFF_MAX = 60.0

# --- Storage pipeline ----------------------------------------------------------------------

#: Items are stored in one transaction per batch: every this many items ...
EPAPER_STORE_BATCH_SIZE = 200
#: ... and at least every this many seconds (and when the crawl closes).
EPAPER_STORE_FLUSH_SECONDS = 2.0
#: One writer at a time per archive (crawler/db/lock.py): a run that finds the archive's
#: lock held waits for it when true (``--wait``), else exits at once with status 4.
EPAPER_LOCK_WAIT = False

# --- Workers (epaper enqueue / worker / status, crawler/distributed.py) ------------------

#: Days of one paper in one queued partition (``epaper enqueue --days-per-partition``): a
#: partition is the unit that a killed worker's successor runs again, so keep it small.
EPAPER_WORKER_PARTITION_DAYS = 3
#: Partitions one ``epaper worker`` process crawls at once (``--concurrency``), each in its
#: own ``epaper crawl`` child; never two of one paper.
EPAPER_WORKER_CONCURRENCY = 1
#: A worker that has sent no heartbeat for this many seconds is taken for dead, and its
#: running partitions are queued again for the other workers.
EPAPER_WORKER_STALLED_SECONDS = 30.0
#: A partition whose crawl failed (exit status 1) is tried again this many times before it
#: is ``failed`` in ``epaper status``; one refused by a locked archive, without limit.
EPAPER_WORKER_RETRIES = 2

# --- Raw archive (crawler/warc.py, crawler/archive.py, crawler/files.py) -----------------------

#: Folder of the WARC files: every response the crawl receives is kept there (request,
#: response or revisit, and context records, gzip per record). Empty: no WARC is written
#: (and ``captures`` stays empty).
EPAPER_WARC_DIR = "data/warc"
#: First part of each WARC file's name: ``{prefix}-{UTC time}-{host}-{pid}-{serial}.warc.gz``.
EPAPER_WARC_PREFIX = "epaper"
#: A WARC file is closed and the next one started before it would grow past this size.
EPAPER_WARC_MAX_BYTES = 1_000_000_000

#: Download each page's PDF (PDF 版). Off: a PDF weighs 0.5-5 MB where a page's HTML weighs
#: tens of kB, so PDFs multiply disk use and the site's bandwidth by ten or more.
EPAPER_DOWNLOAD_PDFS = False
#: Download article images. Off: they add about one request per two articles, which at
#: one request a second per site makes a backfill half again as long.
EPAPER_DOWNLOAD_IMAGES = False
#: A content-addressed copy of every downloaded PDF and image, outside the WARC
#: (``ab/cd/abcd....pdf``, named by SHA-256, never by URL). Empty: the WARC copy only.
EPAPER_FILES_DIR = ""
#: Files larger than this stay in the WARC only.
EPAPER_FILES_MAX_BYTES = 8 * 1024 * 1024

# --- Scrapy: politeness towards real sites -------------------------------------------------

#: A browser's user agent: several e-paper sites answer 403/404 to unknown agents.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
ROBOTSTXT_OBEY = True
# At most one request a second per site, and slower when the site slows down.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0  # exactly DOWNLOAD_DELAY between requests: never faster
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# An e-paper page is tens of kB; anything this large is an error page or an attack.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
LOG_LEVEL = "INFO"

# --- Scrapy: components an e-paper crawl does without ---------------------------------------
# Each one's cost per request was measured on its own (docs/benchmarks.md, "Scrapy's
# components"); robots.txt, the user agent, timeouts, redirects, retries, decompression and
# the off-site check stay. So does the Referer header (12 µs a request): a browser sends it,
# image servers that refuse hot-linking want it, and without it Scrapy's redirect middleware
# warns at every start. Cookies (11 µs) and the telnet console serve no e-paper crawl; nor
# does the remote-control server, an HTTP endpoint that runs the Python code sent to it.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Every URL the spider fetches comes from dates and links, never from an entry page that
# forwards by <meta http-equiv=refresh> (a family reads those itself: an issue's stub by its
# Family.issue_refresh, within the same issue); a dated page that forwards elsewhere must
# fail as that page, not be parsed as another. 21 µs a response.
METAREFRESH_ENABLED = False
# Scrapy's byte counts (downloader/request_bytes ...): the run keeps its own counters
# (crawl_runs). 21 µs a response (13 on the way out, 8 on the way in).
DOWNLOADER_STATS = False
# The path is fixed (calendar, issue, page, article, part): no depth to limit or count.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of every response, however
# little it holds: with the default, 100, the whole crawl takes 30 % more CPU per article.
# A response yields one or two items and at most a page list of requests; 1 costs 5 % more
# than 8 (docs/benchmarks.md, setting_ab).
CONCURRENT_ITEMS = 8

DOWNLOADER_MIDDLEWARES = {
    # No e-paper site asks for HTTP authentication.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Next to the downloader: it sees every answer as sent (before decompression,
    # redirects and retries) and archives it.
    "crawler.archive.ArchiveMiddleware": 950,
    # After the archive, before Scrapy follows it: a redirect to another host fails loudly.
    "crawler.offsite.OffsiteRedirectMiddleware": 940,
}
ITEM_PIPELINES = {
    "crawler.files.FileStorePipeline": 290,
    "crawler.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    # First: nothing opens the database before the archive's writer lock is held.
    "crawler.locking.WriterLockExtension": 0,
    "crawler.runs.RunRecorder": 500,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# ``EPAPER_*`` environment variables override the values above under ``scrapy crawl`` too:
# its ``crawl`` command (crawler/commands/crawl.py) applies them, and checks every setting,
# before Scrapy builds anything; the add-on does it for Scrapy's other commands.
COMMANDS_MODULE = "crawler.commands"
ADDONS = {"crawler.config.EnvironmentAddon": 0}
