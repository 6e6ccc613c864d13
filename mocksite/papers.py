"""The papers the mock site serves: slug, name, CMS family per era, schedule and archive extent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mocksite import words

#: The CMS families the mock site renders (one module each under ``mocksite``).
FOUNDER = "founder"
FOUNDER_NAVI = "founder_navi"  # Founder classic's navi.xml variant (content_P_N articles)
PEOPLES_DAILY = "peoples_daily"
FOUNDER_PC = "founder_pc"
PAPERINDEX = "paperindex"
FAMILIES = (FOUNDER, FOUNDER_NAVI, PEOPLES_DAILY, FOUNDER_PC, PAPERINDEX)

#: The day the default archive is built around. rmrb's switch to Founder new (2024-12-01)
#: lies inside every paper's archive and lzcb's archive reaches back past 2021-10-20.
DEFAULT_TODAY = dt.date(2025, 3, 31)


@dataclass(frozen=True, slots=True)
class Era:
    """A stretch of days a paper is served by one CMS family (``until`` inclusive).

    ``mount`` is where the era's site lives below ``/<slug>/``: "" for the paper's home, and
    ``HOST/PATH/`` for an era on another host, where the registry's override puts it
    (``crawler.registry.mount_path``). ``page_numbers`` replaces the paper's for the era.
    """

    family: str
    since: dt.date
    until: dt.date | None = None
    mount: str = ""
    page_numbers: str | None = None


@dataclass(frozen=True, slots=True)
class MockPaper:
    """One paper of the mock site. ``code`` names its files (``KJRB2023021001.pdf``)."""

    slug: str
    name: str
    eras: tuple[Era, ...]
    code: str
    variant: str  # template variant inside the family, modelled on one real site
    places: tuple[str, ...]
    topics: tuple[str, ...]
    first_page_name: str
    schedule: str = "daily"  # "daily", "weekdays" (Mon-Fri) or "six_days" (Mon-Sat)
    encoding: str = "utf-8"
    page_numbers: str = "padded"  # "padded" (01), "plain" (1) or "letters" (A01)
    node_base: int = 2  # Founder classic: node id of page 1 (node_2.htm)
    id_base: int = 100_000  # article ids (content_N) start here
    min_pages: int = 4
    max_pages: int = 12
    cutoff: dt.date | None = None  # older dates answer 404 although the calendar lists them
    byline_style: str = "people"  # "people" (本报记者), "dazhong" (大众报业), "hubei" (全媒记者)
    spaced_names: bool = False  # two-character page names printed with a space (综 合)
    #: The site keeps only the last N years of issues (counted back from its clock) and
    #: answers ``gone_status`` for every URL of an older date (人民日报: 2 years, 403).
    window_years: int | None = None
    gone_status: int = 404
    #: A day without an issue: its issue index answers 200 with a page of this title
    #: (科技日报's soft 404) instead of 404.
    soft_404_title: str | None = None

    def kept(self, date: dt.date, today: dt.date) -> bool:
        """Whether the site still keeps ``date``'s issue on ``today`` (its rolling window).

        >>> rmrb = PAPERS_BY_SLUG["rmrb"]
        >>> [rmrb.kept(dt.date(2023, 3, d), DEFAULT_TODAY) for d in (31, 30)]
        [True, False]
        """
        if self.window_years is None:
            return True
        try:
            earliest = today.replace(year=today.year - self.window_years)
        except ValueError:  # 29 February
            earliest = dt.date(today.year - self.window_years, 3, 1)
        return date >= earliest

    @property
    def first_date(self) -> dt.date:
        """The paper's first issue date.

        >>> PAPERS_BY_SLUG["lzcb"].first_date <= dt.date(2021, 10, 20)
        True
        """
        return self.eras[0].since

    def era_on(self, date: dt.date) -> Era | None:
        """The era serving ``date``, or None outside every era."""
        for era in self.eras:
            if era.since <= date and (era.until is None or date <= era.until):
                return era
        return None

    def mount_on(self, date: dt.date) -> str:
        """Where the site of ``date``'s era lives below ``/<slug>/`` ("" at home).

        >>> jxrb = PAPERS_BY_SLUG["jxrb"]
        >>> jxrb.mount_on(dt.date(2022, 11, 30)), jxrb.mount_on(dt.date(2022, 12, 1))
        ('epaper.jxnews.com.cn/jxrb/', '')
        """
        era = self.era_on(date)
        return era.mount if era is not None else ""

    def family_on(self, date: dt.date) -> str | None:
        """The CMS family serving ``date``, or None before the first issue.

        >>> rmrb = PAPERS_BY_SLUG["rmrb"]
        >>> rmrb.family_on(dt.date(2024, 11, 30)), rmrb.family_on(dt.date(2024, 12, 1))
        ('peoples_daily', 'founder_pc')
        """
        for era in self.eras:
            if era.since <= date and (era.until is None or date <= era.until):
                return era.family
        return None

    def publishes_on(self, date: dt.date) -> bool:
        """Whether the schedule has an issue on ``date`` (holidays are decided elsewhere).

        >>> PAPERS_BY_SLUG["kjrb"].publishes_on(dt.date(2025, 3, 29))  # a Saturday
        False
        """
        weekday = date.weekday()
        if self.schedule == "weekdays":
            return weekday < 5
        if self.schedule == "six_days":
            return weekday < 6
        return True


_NATIONAL = words.SUBJECTS_GENERAL

PAPERS: tuple[MockPaper, ...] = (
    MockPaper(
        slug="rmrb",
        name="人民日报",
        eras=(
            Era(PEOPLES_DAILY, dt.date(2023, 4, 1), dt.date(2024, 11, 30)),
            Era(FOUNDER_PC, dt.date(2024, 12, 1)),
        ),
        code="renmrb",
        variant="rmrb",
        places=words.PLACES_NATIONAL,
        topics=_NATIONAL,
        first_page_name="要闻",
        id_base=30_000_000,
        min_pages=8,
        max_pages=24,
        window_years=2,
        gone_status=403,
    ),
    MockPaper(
        slug="gmrb",
        name="光明日报",
        # The new template from 2026-01 (the exact day is not known; the registry says
        # 2026-01-01): a clock past 2026-01-01 serves it (``--today 2026-01-05``).
        eras=(
            Era(PEOPLES_DAILY, dt.date(2023, 4, 15), dt.date(2025, 12, 31)),
            Era(FOUNDER_PC, dt.date(2026, 1, 1)),
        ),
        code="gmrb",
        variant="gmrb",
        places=words.PLACES_NATIONAL,
        topics=_NATIONAL + words.SUBJECTS_SCIENCE,
        first_page_name="头版",
        min_pages=8,
        max_pages=16,
    ),
    MockPaper(
        slug="kjrb",
        name="科技日报",
        # The old site's end, as the registry dates it (after the mock's clock).
        eras=(Era(FOUNDER, dt.date(2023, 3, 1), dt.date(2025, 10, 11)),),
        code="KJRB",
        variant="stdaily",
        places=words.PLACES_NATIONAL,
        topics=words.SUBJECTS_SCIENCE + _NATIONAL[:12],
        first_page_name="今日要闻",
        schedule="weekdays",
        id_base=540_000,
        min_pages=4,
        max_pages=12,
        cutoff=dt.date(2023, 6, 1),
        spaced_names=True,
        soft_404_title="科技网404错误跳转页面!",
    ),
    MockPaper(
        slug="jjjcb",
        name="中国纪检监察报",
        # The Founder classic site as sources show it: a page of 2017-07-22, recipes to 2018-03.
        eras=(Era(FOUNDER, dt.date(2017, 7, 22), dt.date(2018, 3, 31)),),
        code="jjjcb",
        variant="jjjcb",
        places=words.PLACES_NATIONAL,
        topics=words.SUBJECTS_DISCIPLINE,
        first_page_name="要闻",
        schedule="six_days",
        page_numbers="plain",
        id_base=52_000,
        min_pages=4,
        max_pages=8,
    ),
    MockPaper(
        slug="jxrb",
        name="江西日报",
        # Two hosts: the old one to the registry's switch (a placeholder, the real day is
        # unknown), then the navi.xml variant with numbered pages on the paper's home.
        eras=(
            Era(FOUNDER, dt.date(2022, 11, 1), dt.date(2022, 11, 30), "epaper.jxnews.com.cn/jxrb/"),
            Era(FOUNDER_NAVI, dt.date(2022, 12, 1), page_numbers="padded"),
        ),
        code="jxrb",
        variant="jxnews",
        places=words.PLACES_JIANGXI,
        topics=_NATIONAL,
        first_page_name="头版",
        encoding="gbk",
        page_numbers="letters",
        node_base=187,
        id_base=400_000,
        min_pages=8,
        max_pages=16,
    ),
    MockPaper(
        slug="hbrb",
        name="湖北日报",
        eras=(Era(FOUNDER_PC, dt.date(2023, 4, 1)),),
        code="hbrb",
        variant="hubei",
        places=words.PLACES_HUBEI,
        topics=_NATIONAL,
        first_page_name="要闻",
        id_base=200_000,
        min_pages=8,
        max_pages=16,
        byline_style="hubei",
    ),
    MockPaper(
        slug="dzrb",
        name="大众日报",
        eras=(Era(PAPERINDEX, dt.date(2023, 4, 1)),),
        code="dzrb",
        variant="dazhong",
        places=words.PLACES_SHANDONG,
        topics=_NATIONAL,
        first_page_name="头版",
        min_pages=8,
        max_pages=16,
        byline_style="dazhong",
    ),
    MockPaper(
        slug="lzcb",
        name="鲁中晨报",
        eras=(Era(PAPERINDEX, dt.date(2021, 10, 8)),),
        code="lzcb",
        variant="lzcb",
        places=words.PLACES_ZIBO,
        topics=_NATIONAL,
        first_page_name="要闻",
        min_pages=8,
        max_pages=16,
        byline_style="dazhong",
    ),
)

PAPERS_BY_SLUG: dict[str, MockPaper] = {paper.slug: paper for paper in PAPERS}
