"""The Founder new family: one product in three skins, each modelled on one real site.

- variant ``rmrb`` (人民日报 from 2024-12-01): pc/layout/YYYYMM/DD/node_PP.html pages,
  pc/content/… articles, PDFs under pc/attachement/ linked from the page; the page follows
  the captured page of 2024-12-25 (``.swiper-slide a#pageLink``, ``ul.news-list``), the
  article #PreTitle/#Title/#SubTitle in ``div#ozoom``.
- variant ``hubei`` (湖北日报): pc/column/YYYYMM/DD/node_PP.html pages with a
  pc/column/YYYYMM/period.xml calendar, the page list in ``div.col-md-5 .nav-list``, titles
  in ``div.news-list > ul``, the PDF's address as the text of ``p#pdfUrl`` (a file under
  pc/attachment/); articles follow the captured fragments (font#intro-title/#main-title/
  #sub-title, byline = the first body <p>).
- variant ``gmrb`` (光明日报 from 2026-01-01): html/layout/… pages, html/content/… articles;
  ``ul#list`` page list without ``id="pageLink"``, ``.m-title-list`` titles under a
  ``.m-type`` label, articles ``.m-article-content`` h3/h1/h2, ``.m-article-author``,
  ``.m-article-main``; no PDF (nothing shows one).

The same article can sit on two pages. ../shared/REAL-SITES.md 1.5, 2.1, 2.2, 2.6 give
the evidence; docs/mocksite.md lists what each variant serves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mocksite.family import Family, Target, View
from mocksite.markup import (
    INDENT,
    block_coords,
    date_format,
    esc,
    parse_compact_date,
    relative,
)
from mocksite.model import Archive, ArticleContent, ArticlePlan, IssuePlan, PagePlan
from mocksite.papers import FOUNDER_PC, MockPaper
from mocksite.textgen import stable_int

_FILES = "../../../../../../testx/template/amucsite/projectPaper/files"
_ENGLISH_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _folder(date: dt.date) -> str:
    return date_format(date, "%Y%m/%d")


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a variant keeps its documents: ``top/pages/…``, ``top/content/…``."""

    top: str  # "pc" or "html"
    pages: str  # the page directory: "layout" or "column"
    pdfs: str | None  # the PDF directory, None for a site without PDFs
    calendar: bool = False  # publishes <top>/<pages>/YYYYMM/period.xml


_LAYOUTS = {
    "rmrb": _Layout("pc", "layout", "attachement"),  # sic: the site's spelling
    "hubei": _Layout("pc", "column", "attachment", calendar=True),
    "gmrb": _Layout("html", "layout", None),
}


def _layout(paper: MockPaper) -> _Layout:
    return _LAYOUTS.get(paper.variant, _LAYOUTS["rmrb"])


_SCRIPTS = "".join(
    f'\t<script language=Javascript src="{_FILES}/{name}.js"></script>\n'
    for name in ("app", "swiper.min", "prototype", "mp", "range", "lib", "dzbnews")
)


def _head(title: str) -> str:
    return (
        '\n<!DOCTYPE html>\n<html lang="en">\n\n<head>\n'
        '\t<meta http-equiv="Content-Type" content="text/html;charset=utf-8" />\n'
        '\t<meta http-equiv="Content-Language" content="utf-8" />\n'
        '\t<meta http-equiv="X-UA-Compatible" content="ie=edge">\n'
        f"\t\t<title>{title}</title>\n"
        "\t<META name='filetype' content='0'>\n\t<META name='publishedtype' content='1'>\n"
        f'\t<link href="{_FILES}/default.css" rel="stylesheet">\n{_SCRIPTS}</head>\n\n'
    )


class FounderPc(Family):
    name = FOUNDER_PC
    page_list_pdfs = False

    # -- paths --------------------------------------------------------------------------

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        layout = _layout(issue.paper)
        return f"{layout.top}/{layout.pages}/{_folder(issue.date)}/node_{page.number}.html"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        top = _layout(issue.paper).top
        return f"{top}/content/{_folder(issue.date)}/content_{art.key}.html"

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str | None:
        layout = _layout(issue.paper)
        if layout.pdfs is None:
            return None
        return f"{layout.top}/{layout.pdfs}/{_folder(issue.date)}/{page.uid}.pdf"

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        top = _layout(issue.paper).top
        return f"{top}/pic/{_folder(issue.date)}/{page.uid}.jpg.2"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        h = f"{stable_int(issue.paper.slug, art.key, index):016x}"
        top = _layout(issue.paper).top
        return f"{top}/pic/{_folder(issue.date)}/{h[:8]}-{h[8:12]}-{h[12:16]}-{art.key}.jpg.1"

    def entry_path(self, paper: MockPaper) -> str:
        layout = _layout(paper)
        return f"{layout.top}/{layout.pages}/index.html"

    def calendar_path(self, paper: MockPaper, year: int, month: int) -> str | None:
        layout = _layout(paper)
        if not layout.calendar:
            return None
        return f"{layout.top}/{layout.pages}/{year:04d}{month:02d}/period.xml"

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        if path == self.entry_path(paper):
            return Target("entry")
        layout = _layout(paper)
        parts = path.split("/")
        if len(parts) == 4 and parts[:2] == [layout.top, layout.pages] and layout.calendar:
            month = parse_compact_date(parts[2] + "01")
            if parts[3] == "period.xml" and month is not None:
                return Target("calendar", month=(month.year, month.month))
            return None
        if len(parts) != 5 or parts[0] != layout.top:
            return None
        date = parse_compact_date(parts[2] + parts[3])
        if date is None:
            return None
        kind, name = parts[1], parts[4]
        if kind in (layout.pdfs, "pic"):
            return Target("asset", date)
        if kind == layout.pages and name.startswith("node_") and name.endswith(".html"):
            number = name[5:-5]
            return Target("issue" if number == "01" else "page", date, number=number)
        if kind == "content" and name.startswith("content_") and name.endswith(".html"):
            key = name[8:-5]
            return Target("article", date, key=int(key)) if key.isdigit() else None
        return None

    # -- calendar -----------------------------------------------------------------------

    def render_calendar(
        self, archive: Archive, paper: MockPaper, year: int, month: int, now: dt.datetime
    ) -> str | None:
        """period.xml: the month's days with an issue of this family, first page node_01."""
        try:
            day = dt.date(year, month, 1)
        except ValueError:
            return None
        month_start = dt.date(paper.first_date.year, paper.first_date.month, 1)
        if day < month_start or day > now.date():
            return None
        periods = []
        while day.month == month:
            if paper.family_on(day) == self.name and archive.published(paper, day, now):
                serial = (day - paper.first_date).days + 1
                periods.append(
                    f'<period id="{serial}">\n'
                    f"<period_name>{date_format(day, '%Y%m%d')}</period_name>\n"
                    f"<paper_id>1</paper_id>\n"
                    f"<period_date>{day.isoformat()}</period_date>\n"
                    "<front_page>node_01.html</front_page>\n"
                    "</period>\n"
                )
            day += dt.timedelta(days=1)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<periodlist>\n'
            f"{''.join(periods)}</periodlist>\n"
        )

    # -- pages --------------------------------------------------------------------------

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        variant = view.paper.variant
        if variant == "hubei":
            return self._page_hubei(view, page)
        if variant == "gmrb":
            return self._page_gmrb(view, page)
        return self._page_rmrb(view, page)

    def _areas(self, view: View, page: PagePlan, here: str) -> str:
        """The page image's hotspots: a fractional polygon per article."""
        issue = view.issue
        return "".join(
            f'<Area coords="{coords}" shape="polygon" '
            f'href="{relative(here, self.article_path(issue, art))}">'
            for art, coords in zip(
                page.articles,
                block_coords(len(page.articles), 400, 575, fractional=True),
                strict=True,
            )
        )

    def _page_rmrb(self, view: View, page: PagePlan) -> str:
        issue = view.issue
        here = self.page_path(issue, page)
        areas = self._areas(view, page, here)
        pdf = self.pdf_path(issue, page)
        assert pdf is not None  # the rmrb layout has PDFs
        slides = "".join(
            '\t\t\t\t\t\t\t<div class="swiper-slide">\n'
            f'\t\t\t\t\t\t\t\t<a id="pageLink" href="{relative(here, self.page_path(issue, p))}">'
            f"{p.number}版：{esc(p.name)}</a>\n\t\t\t\t\t\t\t</div>\n"
            for p in view.pages
        )
        news = "".join(
            "\t\t\t\t\t\t\t\t<li>\n\t\t\t\t\t\t\t\t\t<span>·</span>\n"
            f'\t\t\t\t\t\t\t\t\t<a href="{relative(here, self.article_path(issue, art))}"> '
            f"{esc(view.content(art).title)} </a>\n\t\t\t\t\t\t\t\t</li>\n"
            for art in page.articles
        )
        date = issue.date
        name = esc(view.paper.name)
        return (
            _head(f"{name}-数字报") + '\t<body onLoad="initialize();initMPPage();">\n'
            '\t\t<div class="main w1000">\n\t\t\t<div class="left paper-box">\n'
            '\t\t\t\t<div class="paper">\n'
            f'\t\t\t\t\t<MAP NAME="PagePicMap">{areas}</MAP>\n'
            f'\t\t\t\t\t<img width="400" height="575" src="'
            f'{relative(here, self.page_image_path(issue, page))}" border="0" '
            "USEMAP=#PagePicMap>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="paper-bot">\n\t\t\t\t\t<p class="left ban">\n'
            f"\t\t\t\t\t\t第{page.number}版：{esc(page.name)}\n\t\t\t\t\t</p>\n"
            '\t\t\t\t\t<p class="right btn">\n'
            f'\t\t\t\t\t\t<a href="{relative(here, pdf)}">PDF下载</a>\n'
            "\t\t\t\t\t</p>\n\t\t\t\t</div>\n\t\t\t</div>\n"
            '\t\t\t<div class="right right-main">\n\t\t\t\t<div class="date-box">\n'
            f'\t\t\t\t\t<p class="date left">\n\t\t\t\t\t\t{name} <span class="newstime">'
            f"{date.year}年{date.month:02d}月{date.day:02d}日 {_ENGLISH_DAYS[date.weekday()]}"
            "</span>\n\t\t\t\t\t</p>\n"
            '\t\t\t\t\t<p class="right">\n'
            '\t\t\t\t\t\t<span class="prev" onClick="goPrePeriod()">上一期</span>\n'
            '\t\t\t\t\t\t<span class="next" onClick="goNextPeriod();">下一期</span>\n'
            "\t\t\t\t\t</p>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="swiper-box">\n\t\t\t\t\t<div class="swiper-container">\n'
            f"{slides}\t\t\t\t\t</div>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="news">\n\t\t\t\t\t<ul class="news-list">\n'
            f"{news}\t\t\t\t\t</ul>\n\t\t\t\t</div>\n\t\t\t</div>\n\t\t</div>\n"
            '\t\t<div class="bottom"><div class="w1000"><p class="copy-cont">版权声明</p></div>'
            "</div>\n"
            "\t</body>\n\n\n</html>"
        )

    def _page_hubei(self, view: View, page: PagePlan) -> str:
        """湖北日报: the page list in ``div.col-md-5 .nav-list``, titles in
        ``div.col-md-7 div.news-list > ul``, the PDF's address as ``p#pdfUrl`` text."""
        issue = view.issue
        here = self.page_path(issue, page)
        pdf = self.pdf_path(issue, page)
        assert pdf is not None  # the hubei layout has PDFs
        nav = "".join(
            f'\t\t\t\t\t\t<li><a href="{relative(here, self.page_path(issue, p))}">'
            f"{p.number}版：{esc(p.name)}</a></li>\n"
            for p in view.pages
        )
        news = "".join(
            f'\t\t\t\t\t\t<li><a href="{relative(here, self.article_path(issue, art))}">'
            f"{esc(view.content(art).title)}</a></li>\n"
            for art in page.articles
        )
        date = issue.date
        name = esc(view.paper.name)
        return (
            _head(f"{name}数字报") + "\t<body>\n"
            '\t\t<div class="container"><div class="row">\n'
            '\t\t\t<div class="col-md-5">\n'
            f'\t\t\t\t<div class="date">{date.year}年{date.month:02d}月{date.day:02d}日</div>\n'
            '\t\t\t\t<div class="paper">\n'
            f'\t\t\t\t\t<MAP NAME="PagePicMap">{self._areas(view, page, here)}</MAP>\n'
            f'\t\t\t\t\t<img width="400" height="575" src="'
            f'{relative(here, self.page_image_path(issue, page))}" USEMAP=#PagePicMap>\n'
            "\t\t\t\t</div>\n"
            '\t\t\t\t<div class="nav-list">\n\t\t\t\t\t<ul>\n'
            f"{nav}\t\t\t\t\t</ul>\n\t\t\t\t</div>\n\t\t\t</div>\n"
            '\t\t\t<div class="col-md-7">\n'
            f'\t\t\t\t<p id="pdfUrl" style="display:none">{esc(view.base_url + pdf)}</p>\n'
            '\t\t\t\t<div class="btn-group">\n'
            '\t\t\t\t\t<span class="prev" onClick="goPrePeriod()">上一期</span>\n'
            '\t\t\t\t\t<span class="next" onClick="goNextPeriod();">下一期</span>\n'
            '\t\t\t\t\t<span class="pdf" onClick="downloadPdf()">PDF下载</span>\n'
            "\t\t\t\t</div>\n"
            '\t\t\t\t<div class="news-list">\n\t\t\t\t\t<ul>\n'
            f"{news}\t\t\t\t\t</ul>\n\t\t\t\t</div>\n\t\t\t</div>\n"
            "\t\t</div></div>\n"
            '\t\t<div class="footer"><p>Copyright © 湖北日报传媒集团</p></div>\n'
            "\t</body>\n</html>\n"
        )

    def _page_gmrb(self, view: View, page: PagePlan) -> str:
        """光明日报 2026: the page list in ``ul#list`` (no ``id="pageLink"``), titles in
        ``.m-title-list`` under the page's label in ``div.m-type``, the page image
        ``img#map``."""
        issue = view.issue
        here = self.page_path(issue, page)
        pages = "".join(
            f'\t\t\t\t<li><a href="{relative(here, self.page_path(issue, p))}">'
            f"第{p.number}版：{esc(p.name)}</a></li>\n"
            for p in view.pages
        )
        titles = "".join(
            f'\t\t\t\t\t<li><a href="{relative(here, self.article_path(issue, art))}">'
            f"{esc(view.content(art).title)}</a></li>\n"
            for art in page.articles
        )
        date = issue.date
        name = esc(view.paper.name)
        return (
            _head(f"{name}") + "\t<body>\n"
            '\t\t<div class="m-header"><div class="m-date">'
            f"{date.year}年{date.month:02d}月{date.day:02d}日</div>\n"
            '\t\t\t<a class="prev" href="javascript:goPrePeriod();">上一期</a>\n'
            '\t\t\t<a class="next" href="javascript:goNextPeriod();">下一期</a></div>\n'
            '\t\t<div class="m-paper">\n'
            f'\t\t\t<MAP NAME="PagePicMap">{self._areas(view, page, here)}</MAP>\n'
            f'\t\t\t<img id="map" src="{relative(here, self.page_image_path(issue, page))}" '
            "USEMAP=#PagePicMap>\n\t\t</div>\n"
            '\t\t<div class="m-nav">\n\t\t\t<ul id="list">\n'
            f"{pages}\t\t\t</ul>\n\t\t</div>\n"
            '\t\t<div class="m-title-list">\n'
            f'\t\t\t<div class="m-type">{page.number}版:<span>{esc(page.name)}</span></div>\n'
            f"\t\t\t<ul>\n{titles}\t\t\t</ul>\n\t\t</div>\n"
            '\t\t<div class="m-footer">Copyright © 光明日报社</div>\n'
            "\t</body>\n</html>\n"
        )

    # -- articles -----------------------------------------------------------------------

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        if view.paper.variant == "hubei":
            return self._article_hubei(view, art)
        if view.paper.variant == "gmrb":
            return self._article_gmrb(view, art)
        return self._article_rmrb(view, art)

    def _body(self, content: ArticleContent, *, indent: str, byline: bool = True) -> str:
        paragraphs = []
        if content.byline and byline:
            paragraphs.append(f"<p>{esc(content.byline)}</p><p><br></p>")
        if content.lead_marker:
            paragraphs.append(f"<p>{indent}{esc(content.lead_marker)}</p>")
        for paragraph in content.paragraphs:
            text = esc(paragraph.text)
            if paragraph.subhead:
                paragraphs.append(f"<p><strong>{text}</strong></p>")
            else:
                paragraphs.append(f"<p>{indent}{text}</p>")
        if content.end_marker:
            paragraphs.append(f"<p>{indent}{esc(content.end_marker)}</p>")
        if content.trailing_byline:
            paragraphs.append(f"<p>{indent}{esc(content.trailing_byline)}</p>")
        return "".join(paragraphs)

    def _enpproperty(self, view: View, art: ArticlePlan, content: ArticleContent) -> str:
        issue = view.issue
        url = view.base_url + self.article_path(issue, art)
        return (
            f"<!--enpproperty <date>{issue.date.isoformat()} 00:00:00:0</date><author></author>"
            f"<subtitle>{esc(content.subtitle or '')}</subtitle>"
            f"<introtitle>{esc(content.kicker or '')}</introtitle><keyword></keyword>"
            f"<paperarticleid>{art.key}</paperarticleid><channel>1</channel><nodeid>0</nodeid>"
            f"<nodename></nodename><url>{esc(url)}</url>"
            f"<urlpad>content_{art.key}.html</urlpad><siteid>1</siteid><paperid>5</paperid>"
            f"<title>{esc(content.title)}</title>/enpproperty-->"
        )

    def _nav(self, view: View, art: ArticlePlan, here: str) -> str:
        links = []
        for label, step in (("上一篇", -1), ("下一篇", 1)):
            other = view.neighbour_article(art, step)
            if other is not None:
                href = relative(here, self.article_path(view.issue, other))
                links.append(f'<a href="{href}">{label}</a>')
        return f'<div class="pre-next">{" ".join(links)}</div>\n'

    def _article_hubei(self, view: View, art: ArticlePlan) -> str:
        issue = view.issue
        page = issue.page(art.page)
        here = self.article_path(issue, art)
        content = view.content(art)
        date = issue.date
        pictures = "".join(
            f'\t\t\t\t<img src="{relative(here, self.image_path(issue, art, i))}" '
            'style="border-style: none">\n'
            + (f"\t\t\t\t<p>    {esc(caption)}</p>\n" if caption else "")
            for i, caption in enumerate(content.captions, start=1)
        )
        page_href = relative(here, self.page_path(issue, page))
        return (
            _head(f"{esc(content.title)}-{esc(view.paper.name)}") + "<body>\n"
            f'<div class="bread"><a href="{page_href}">第{page.number}版：{esc(page.name)}</a>'
            "</div>\n"
            '<div id="scroller">\n            <div class="caption">\n'
            '                <a name="top" id="top"></a>\n                <font id="guide">'
            "</font>\n"
            f'\t\t\t\t<p id="nowLayout" class="hide">{page.number}</p>\n'
            f'\t\t\t\t<font id="intro-title">{esc(content.kicker or "")}</font>\n'
            f'\t\t\t\t<font id="main-title">{esc(content.title)}</font>\n'
            f'                <font id="sub-title">{esc(content.subtitle or "")}</font>\n'
            f'                <font id="author">{date.year}年{date.month:02d}月{date.day:02d}日'
            "</font>\n            </div>\n"
            f'            <div class="content" id="content">\n{pictures}'
            "                    <founder-content>\n"
            f"\t\t\t\t\t<!--enpcontent-->{self._body(content, indent='')}<!--/enpcontent-->"
            f"{self._enpproperty(view, art, content)}\n"
            "\t\t\t\t\t</founder-content>\n            </div>\n"
            f"{self._nav(view, art, here)}"
            '\t\t<div class="footer_sqd"><span>Copyright © 湖北日报</span></div>\n'
            "        </div>\n</body>\n</html>\n"
        )

    def _article_gmrb(self, view: View, art: ArticlePlan) -> str:
        """光明日报 2026: the stack as h3/h1/h2 of ``.m-article-content``, the byline in
        ``.m-article-author`` (作者：…), the body in ``.m-article-main``, pictures before it."""
        issue = view.issue
        page = issue.page(art.page)
        here = self.article_path(issue, art)
        content = view.content(art)
        pictures = "".join(
            f'\t\t\t<img src="{relative(here, self.image_path(issue, art, i))}">\n'
            + (f"\t\t\t<p>{esc(caption)}</p>\n" if caption else "")
            for i, caption in enumerate(content.captions, start=1)
        )
        page_href = relative(here, self.page_path(issue, page))
        author = f"作者：{esc(content.byline)}" if content.byline else ""
        return (
            _head(f"{esc(content.title)}-{esc(view.paper.name)}") + "\t<body>\n"
            f'\t\t<div class="m-bread"><a href="{page_href}">第{page.number}版：'
            f"{esc(page.name)}</a></div>\n"
            '\t\t<div class="m-article-content">\n'
            f"\t\t\t<h3>{esc(content.kicker or '')}</h3>\n"
            f"\t\t\t<h1>{esc(content.title)}</h1>\n"
            f"\t\t\t<h2>{esc(content.subtitle or '')}</h2>\n"
            f'\t\t\t<p class="m-article-author">{author}</p>\n'
            f"{pictures}"
            '\t\t\t<div class="m-article-main"><!--enpcontent-->'
            f"{self._body(content, indent=INDENT, byline=False)}<!--/enpcontent--></div>\n"
            f"{self._enpproperty(view, art, content)}\n"
            f"\t\t\t{self._nav(view, art, here)}"
            "\t\t</div>\n"
            '\t\t<div class="m-footer">Copyright © 光明日报社</div>\n'
            "\t</body>\n</html>\n"
        )

    def _article_rmrb(self, view: View, art: ArticlePlan) -> str:
        issue = view.issue
        page = issue.page(art.page)
        here = self.article_path(issue, art)
        content = view.content(art)
        date = issue.date
        pictures = "".join(
            '\t\t\t\t\t<table class="pci_c" width="300" border="0" cellspacing="0" cellpadding="0">'
            f'<tr><td><img src="{relative(here, self.image_path(issue, art, i))}"></td></tr>'
            f"<tr><td><p>{esc(caption or '')}</p></td></tr></table>\n"
            for i, caption in enumerate(content.captions, start=1)
        )
        page_href = relative(here, self.page_path(issue, page))
        return (
            _head(f"{esc(view.paper.name)}-人民网")
            + '\t<body onLoad="initialize();initMPPage();">\n\t\t<div class="main w1000">\n'
            '\t\t\t<div class="left paper-box">\n'
            f'\t\t\t\t<p class="left ban"><a href="{page_href}">第{page.number}版：{esc(page.name)}'
            "</a></p>\n\t\t\t</div>\n"
            '\t\t\t<div class="right right-main"><div class="article-box"><div class="article">\n'
            f'\t\t\t\t<h3 id="PreTitle">{esc(content.kicker or "")}</h3>\n'
            f'\t\t\t\t<h1 id="Title">{esc(content.title)}</h1>\n'
            f'\t\t\t\t<h2 id="SubTitle">{esc(content.subtitle or "")}</h2>\n'
            f'\t\t\t\t<p class="sec"><span class="date">{date.year}年{date.month:02d}月'
            f"{date.day:02d}日</span></p>\n"
            f'\t\t\t\t<div class="attachment">\n{pictures}\t\t\t\t</div>\n'
            '\t\t\t\t<div id="ozoom"><founder-content><!--enpcontent-->'
            f"{self._body(content, indent=INDENT)}<!--/enpcontent-->"
            f"{self._enpproperty(view, art, content)}</founder-content></div>\n"
            f"{self._nav(view, art, here)}"
            "\t\t\t</div></div></div>\n\t\t</div>\n\t</body>\n</html>\n"
        )

    broken_replacements = (
        ("PagePicMap", "imgmap2"),
        ('id="pageLink"', 'class="page-link"'),
        ('class="news-list"', 'class="article-titles"'),
        ("<founder-content>", '<div class="article-text">'),
        ("</founder-content>", "</div>"),
        ("<!--enpcontent-->", ""),
        ("<!--/enpcontent-->", ""),
        ('id="main-title"', 'class="headline"'),
        ('id="Title"', 'class="headline"'),
        ('id="ozoom"', 'class="zoom"'),
        ("<!--enpproperty", "<!--property"),
        ('href="../../../content/', 'href="javascript:void(0)" data-href="../../../content/'),
        # The hubei and gmrb skins.
        ('class="col-md-5"', 'class="left-column"'),
        ('class="nav-list"', 'class="page-nav"'),
        ('id="list"', 'class="page-nav"'),
        ('class="m-title-list"', 'class="article-titles"'),
        ('class="m-article-main"', 'class="article-text"'),
        ('id="pdfUrl"', 'class="pdf-address"'),
    )
