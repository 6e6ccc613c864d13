"""Options of the mock site: seed, base URL, quirk rates, publishing hours, broken templates."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class QuirkRates:
    """How often each quirk happens; every occurrence is marked in the ground truth.

    Rates are per day (``no_issue``), per issue (``duplicate``, ``continuation``,
    ``ad_page``), per page (``missing_page``), per article (the rest) or per document
    (``meta_charset``).
    """

    no_issue: float = 0.02  # a holiday: no issue although the schedule has one
    missing_page: float = 0.01  # a page in the page list answers 404 (never page 1)
    missing_article: float = 0.01  # an article in a title list answers 404
    duplicate: float = 0.3  # one article printed on a second page under a second id
    continuation: float = 0.3  # a front-page article continues on a later page (下转第X版)
    ad_page: float = 0.15  # the last page is an ad page without articles
    parts: float = 0.1  # Founder classic: a long article split over content_N.htm, content_N_2.htm
    photo_only: float = 0.05  # an article that is only a photo and its caption
    meta_charset: float = 0.03  # a UTF-8 page whose <meta> says gb2312
    correction: float = 0.01  # an article corrected in the afternoon of the day of print
    kicker: float = 0.25
    subtitle: float = 0.2
    images: float = 0.3
    dateline: float = 0.6
    #: A bylined article printed in one of the rarer byline forms instead (a middle-dot
    #: organisation, a bracketed 摄 credit, a □ 评论员 signature after the body).
    byline_forms: float = 0.04


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """Everything that shapes the mock site; two sites with equal options serve equal bytes."""

    seed: int = 0
    base_url: str = "http://127.0.0.1:8000"  # absolute links and ground-truth URLs use it
    papers: tuple[str, ...] | None = None  # slugs to serve; None serves every paper
    broken_template: frozenset[str] = frozenset()  # slugs whose markup no extractor knows
    rates: QuirkRates = field(default_factory=QuirkRates)
    publish_hour: int = 5  # today's issue appears at this hour (Asia/Shanghai) ...
    complete_hour: int = 12  # ... with its first half of pages; the rest appear at this hour
    seed_file: str | None = None  # None: the EPAPER_MOCKSITE_SEED_FILE setting
