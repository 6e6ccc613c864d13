"""The PaperIndex family (大众报业: 大众日报, 鲁中晨报), in each paper's variant.

Paths: content/PaperIndex.htm and content/YYYYMMDD/IssueIndex.htm are empty 0-second
meta-refresh stubs (the first to IssueIndex, the second to the issue's first page), then
PagePPXX.htm pages and ArticelPPAAAXX.htm articles, with the template garbage
(****处理标记…****) of the seed page.

Variants (REAL-SITES §2.7, §2.8): ``dazhong`` (大众日报) pages ``PagePPNU.htm``, articles
``…MT.htm``, the page list as ``LI.banci`` rows of two links to one page (``[01]:头版``) and
a 下一版 row, titles in ``UL#newslist``, the article title in ``div#news-header h1`` and in
``input#Text_title``'s value, body ``div#news-con``, pictures ``table.newspic``;
``lzcb`` (鲁中晨报, the seed page's template) pages ``PagePPa.htm`` (its first page
``Page01a.htm`` is the one URL a crawler shows; the suffix of the others is inferred),
labelled links 第05版:淄博, ``span#contenttitle`` and ``span#contenttext``.

No raw page of this family is public; the markup follows the sanitized fixtures, the
crawlers' selectors, DOMAIN.md and the seed page's visible text (its order of blocks,
Webdings glyphs and template strings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mocksite.family import Family, Target, View
from mocksite.markup import (
    GARBAGE_EMPTY,
    GARBAGE_OTHER_PAGE,
    INDENT,
    block_coords,
    date_format,
    esc,
    folder,
    parse_compact_date,
    relative,
)
from mocksite.model import ArticleContent, ArticlePlan, IssuePlan, PagePlan
from mocksite.papers import PAPERINDEX, MockPaper

_W3 = "<FONT face=Webdings>3</FONT>"
_W4 = "<FONT face=Webdings>4</FONT>"


@dataclass(frozen=True, slots=True)
class Variant:
    """What one paper's PaperIndex site prints its own way."""

    page_suffix: str  # Page01NU.htm
    article_suffix: str  # Articel01003MT.htm
    #: 大众日报: page list of LI.banci rows ``[01]:头版``, titles in UL#newslist, the article
    #: template with #news-header, input#Text_* and #news-con.
    dazhong: bool


VARIANTS = {
    "dazhong": Variant("NU", "MT", dazhong=True),
    "lzcb": Variant("a", "a", dazhong=False),
}


def _variant(paper: MockPaper) -> Variant:
    # Another family's paper (a path computed for any family) prints the seed's template.
    return VARIANTS.get(paper.variant, VARIANTS["lzcb"])


def _day(date: dt.date) -> str:
    return date_format(date, "%Y%m%d")


def _stub(target: str) -> str:
    """An empty page whose 0-second meta refresh forwards to ``target``."""
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f"<META HTTP-EQUIV='REFRESH' CONTENT='0; URL={esc(target)}'>\n"
        "</head><body></body></html>\n"
    )


class PaperIndex(Family):
    name = PAPERINDEX

    # -- paths --------------------------------------------------------------------------

    def issue_path(self, issue: IssuePlan) -> str:
        # Where a crawl enters an issue (crawler/papers.toml): 大众日报's refresh stub,
        # 鲁中晨报's first page.
        if _variant(issue.paper).dazhong:
            return self.stub_path(issue)
        return self.page_path(issue, issue.pages[0])

    def stub_path(self, issue: IssuePlan) -> str:
        return f"content/{_day(issue.date)}/IssueIndex.htm"

    def entry_target(self, issue: IssuePlan) -> str:
        return self.stub_path(issue)

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return (
            f"content/{_day(issue.date)}/Page{page.number}{_variant(issue.paper).page_suffix}.htm"
        )

    def _stem(self, issue: IssuePlan, art: ArticlePlan) -> str:
        page = issue.page(art.page)
        return f"Articel{page.number}{art.order:03d}{_variant(issue.paper).article_suffix}"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        return f"content/{_day(issue.date)}/{self._stem(issue, art)}.htm"

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str:
        suffix = _variant(issue.paper).page_suffix
        return f"pdf/{_day(issue.date)}/Page{page.number}{suffix}.pdf"

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        suffix = _variant(issue.paper).page_suffix
        return f"images/{_day(issue.date)}/Page{page.number}{suffix}.jpg"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        return f"images/{_day(issue.date)}/{self._stem(issue, art)}_{index}.jpg"

    def entry_path(self, paper: MockPaper) -> str:
        return "content/PaperIndex.htm"

    def lists_page_pdfs(self, paper: MockPaper) -> bool:
        # 大众日报's page list links no PDF (only the page itself does).
        return not _variant(paper).dazhong

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        parts = path.split("/")
        if path == "content/PaperIndex.htm":
            return Target("entry")
        if len(parts) != 3 or parts[0] not in ("content", "pdf", "images"):
            return None
        date = parse_compact_date(parts[1])
        if date is None:
            return None
        name = parts[2]
        if parts[0] != "content":
            return Target("asset", date)
        if name == "IssueIndex.htm":
            return Target("stub", date, page=1)
        variant = _variant(paper)
        page_end = f"{variant.page_suffix}.htm"
        if name.startswith("Page") and name.endswith(page_end):
            number = name[4 : -len(page_end)]
            if len(number) == 2 and number.isdigit():
                return Target("page", date, number=number)
        article_end = f"{variant.article_suffix}.htm"
        if name.startswith("Articel") and name.endswith(article_end):
            digits = name[7 : -len(article_end)]
            if len(digits) == 5 and digits.isdigit():
                return Target("article", date, number=digits[:2], article=int(digits[2:]))
        return None

    # -- documents ----------------------------------------------------------------------

    def render_stub(self, view: View, page: PagePlan) -> str:
        """``IssueIndex.htm``: nothing but the refresh to the issue's first page."""
        issue = view.issue
        return _stub(relative(self.stub_path(issue), self.page_path(issue, page)))

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        issue = view.issue
        here = self.page_path(issue, page)
        left = self._left_column(view, page, here)
        image = relative(here, self.page_image_path(issue, page))
        areas = "".join(
            f'<AREA shape="polygon" coords="{coords}" '
            f'href="{esc(relative(here, self.article_path(issue, art)))}">'
            for art, coords in zip(
                page.articles, block_coords(len(page.articles), 400, 580), strict=True
            )
        )
        right = (
            f"{self._masthead(view, page, here)}"
            f'<DIV class="pageimg"><IMG src="{esc(image)}" width="400" height="580" border="0" '
            f'useMap="#PagePicMap"><MAP name="PagePicMap">{areas}</MAP></DIV>\n'
            f"{self._page_list(view, page, here)}"
        )
        return self._document(view, page, left, right)

    def _page_list(self, view: View, page: PagePlan, here: str) -> str:
        issue = view.issue
        if not _variant(issue.paper).dazhong:
            rows = "".join(
                '<TR><TD class="pagelist">'
                f'<A href="{esc(relative(here, self.page_path(issue, p)))}">'
                f"第{p.number}版:{esc(p.name)}</A></TD>"
                f'<TD class="pagepdf"><A href="{esc(relative(here, self.pdf_path(issue, p)))}" '
                'target="_blank">PDF</A></TD></TR>\n'
                for p in view.pages
            )
            return (
                '<A name="PageList"></A><TABLE id="PageList" width="100%" border="0">\n'
                f"{rows}</TABLE>\n"
            )
        # 大众日报: the number and the name are two links to the page; 下一版 follows.
        items = []
        for p in view.pages:
            href = esc(relative(here, self.page_path(issue, p)))
            items.append(
                f'<LI class=banci>[<SPAN class=banci-A{p.number}><A href="{href}">{p.number}</A>'
                f'</SPAN>]:<A href="{href}">{esc(p.name)}</A></LI>\n'
            )
        following = view.neighbour_page(page, 1)
        if following is not None:
            href = esc(relative(here, self.page_path(issue, following)))
            items.append(f'<LI class=banci><A href="{href}">下一版</A></LI>\n')
        return f'<A name="PageList"></A><UL class="banci-list">\n{"".join(items)}</UL>\n'

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        issue = view.issue
        page = issue.page(art.page)
        here = self.article_path(issue, art)
        content = view.content(art)
        left = self._left_column(view, page, here)
        prev_art = view.neighbour_article(art, -1)
        next_art = view.neighbour_article(art, 1)
        prev_title = view.content(prev_art).title if prev_art else None
        next_title = view.content(next_art).title if next_art else None
        if prev_art is not None and prev_title is not None:
            prev_href = esc(relative(here, self.article_path(issue, prev_art)))
            prev_line = f'{_W3}<A href="{prev_href}">上一篇:{esc(prev_title)}</A>&nbsp;&nbsp;'
            prev_bottom = f'<A href="{prev_href}">上一篇</A>'
        else:
            prev_line = f"{_W3}上一篇:{GARBAGE_EMPTY}&nbsp;&nbsp;"
            prev_bottom = "上一篇"
        if next_art is not None and next_title is not None:
            next_href = esc(relative(here, self.article_path(issue, next_art)))
            next_line = f'{_W4}<A href="{next_href}">下一篇:{esc(next_title)}</A>&nbsp;&nbsp;'
            next_bottom = f'<A href="{next_href}">下一篇</A>'
        else:
            next_line = f"{_W4}下一篇:{GARBAGE_EMPTY}&nbsp;&nbsp;"
            next_bottom = "下一篇"
        date_text = date_format(issue.date, "%Y/%m/%d")
        right = (
            f"{self._masthead(view, page, here)}"
            '<TABLE id="ArticleNav" width="100%" border="0">'
            f"<TR><TD>{self._page_head(view, page, here)}</TD></TR>"
            f'<TR><TD class="artnav">{prev_line}</TD></TR>'
            f'<TR><TD class="artnav">{next_line}</TD></TR>'
            f'<TR><TD class="artnav">{self._other_page(view, art, here)}&nbsp;&nbsp;</TD></TR>'
            f'<TR><TD class="date">{date_text}</TD></TR>'
            '<TR><TD><A class="read" href="javascript:readText();">朗读</A></TD></TR>'
            "</TABLE>\n"
            f"{self._article_body(view, art, content, here)}"
            '<BR><BR><A href="javascript:postComment();">发表评论</A>&nbsp;&nbsp;&nbsp;'
            '<A href="javascript:prevPage();">上一页</A> '
            '<A href="javascript:nextPage();">下一页</A><BR><BR>\n'
            f'<DIV class="artfoot">{_W3}{prev_bottom}&nbsp;&nbsp; {next_bottom}{_W4}&nbsp;&nbsp; '
            f"{date_text}</DIV>\n"
            '<DIV class="related">相关文章:<UL id="RelatedList"></UL></DIV>\n'
        )
        return self._document(view, page, left, right)

    # -- pieces -------------------------------------------------------------------------

    def _document(self, view: View, page: PagePlan, left: str, right: str) -> str:
        name = esc(view.paper.name)
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
            "<HTML>\n<HEAD>\n"
            '<META http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f"<TITLE>{name}</TITLE>\n"
            '<LINK href="../../Images/paper.css" type="text/css" rel="stylesheet">\n'
            '<SCRIPT language="javascript" src="../../Images/paper.js"></SCRIPT>\n'
            "</HEAD>\n<BODY leftMargin=0 topMargin=0>\n"
            '<TABLE width="1000" align="center" border="0" cellPadding="0" cellSpacing="0">'
            f'<TR>\n<TD class="left" width="330" vAlign="top">\n{left}</TD>\n'
            f'<TD class="right" vAlign="top">\n{right}</TD></TR></TABLE>\n'
            "</BODY>\n</HTML>\n"
        )

    def _page_head(self, view: View, page: PagePlan, here: str) -> str:
        return view.memo(
            ("page_head", page.order, folder(here)),
            lambda: self._build_page_head(view, page, here),
        )

    def _build_page_head(self, view: View, page: PagePlan, here: str) -> str:
        issue = view.issue
        prev_page = view.neighbour_page(page, -1)
        next_page = view.neighbour_page(page, 1)
        prev_link = (
            f'<A href="{esc(relative(here, self.page_path(issue, prev_page)))}" title="上一版">'
            f"{_W3}</A>"
            if prev_page
            else _W3
        )
        next_link = (
            f'<A href="{esc(relative(here, self.page_path(issue, next_page)))}" title="下一版">'
            f"{_W4}</A>"
            if next_page
            else _W4
        )
        pdf = esc(relative(here, self.pdf_path(issue, page)))
        return (
            '<TABLE class="pagehead" width="100%" border="0"><TR>'
            f'<TD class="pagelabel"><SPAN id="PageLabel">第{page.number}版:{esc(page.name)}</SPAN>'
            "</TD></TR>"
            f'<TR><TD class="pagenav">{prev_link} &nbsp;&nbsp; {next_link} &nbsp;&nbsp;</TD></TR>'
            f'<TR><TD class="pdf"><A href="{pdf}" target="_blank">PDF 版</A></TD></TR></TABLE>\n'
        )

    def _left_column(self, view: View, page: PagePlan, here: str) -> str:
        return view.memo(
            ("left_column", page.order, folder(here)),
            lambda: self._build_left_column(view, page, here),
        )

    def _build_left_column(self, view: View, page: PagePlan, here: str) -> str:
        issue = view.issue
        if _variant(issue.paper).dazhong:
            items = "".join(
                f'<LI><A href="{esc(relative(here, self.article_path(issue, art)))}">'
                f"{esc(view.content(art).title)}</A></LI>\n"
                for art in page.articles
            )
            return (
                f"{self._page_head(view, page, here)}"
                f'<A name="TitleList"></A><UL id=newslist>\n{items}</UL>\n'
            )
        rows = []
        for art in page.articles:
            title = esc(view.content(art).title)
            href = esc(relative(here, self.article_path(issue, art)))
            rows.append(
                f'<TR><TD class="title">· <A href="{href}">{title}</A></TD></TR>'
                f'<TR><TD class="other">{self._other_page(view, art, here)}</TD></TR>\n'
            )
        return (
            f"{self._page_head(view, page, here)}"
            '<A name="TitleList"></A><TABLE id="TitleList" width="100%" border="0">\n'
            f"{''.join(rows)}</TABLE>\n"
        )

    def _other_page(self, view: View, art: ArticlePlan, here: str) -> str:
        """参见第X版: the page an article continues on, or the template's garbage."""
        if art.continues_on is None:
            return f"{_W4}{GARBAGE_OTHER_PAGE}"
        other = view.issue.page(art.continues_on)
        href = esc(relative(here, self.page_path(view.issue, other)))
        return (
            f'{_W4}参见第<A href="{href}">{other.number}</A>版--'
            f'<A href="{href}">{esc(other.name)}</A>'
        )

    def _masthead(self, view: View, page: PagePlan, here: str) -> str:
        return view.memo(
            ("masthead", page.order, folder(here)),
            lambda: self._build_masthead(view, page, here),
        )

    def _build_masthead(self, view: View, page: PagePlan, here: str) -> str:
        name = esc(view.paper.name)
        links = []
        for label, step in (("上一期", -1), ("下一期", 1)):
            date = view.neighbour(step)
            if date is None:
                links.append(label)
                continue
            href = relative(here, f"content/{_day(date)}/IssueIndex.htm")
            links.append(f'<A href="{esc(href)}">{label}</A>')
        for label, step in (("本版上一期", -1), ("本版下一期", 1)):
            found = view.same_slot(page, step)
            if found is None:
                links.append(label)
                continue
            href = relative(here, self.page_path(*found))
            links.append(f'<A href="{esc(href)}">{label}</A>')
        links.append('<A href="javascript:showCalendar();">日历</A>')
        home = esc(relative(here, "content/PaperIndex.htm"))
        return (
            '<TABLE id="masthead" width="100%" border="0" cellPadding="0" cellSpacing="0">'
            f'<TR><TD class="papername">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{name}</TD></TR>\n'
            f'<TR><TD class="nav"><A href="{home}">返回主页</A> | <A href="#PageList">版面导航</A>'
            ' | <A href="#TitleList">标题导航</A></TD></TR>\n'
            f'<TR><TD class="period">{" ".join(links)}</TD></TR>\n'
            f'<TR><TD class="host">{name} 主办&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;;</TD></TR>'
            "</TABLE>\n"
        )

    def _article_body(
        self, view: View, art: ArticlePlan, content: ArticleContent, here: str
    ) -> str:
        if _variant(view.paper).dazhong:
            return self._dazhong_body(view, art, content, here)
        issue = view.issue
        head = (
            '<TABLE id="ArticleTitle" width="100%" border="0">'
            f'<TR><TD class="pretitle"><SPAN id="contentpretitle">{esc(content.kicker or "")}'
            "</SPAN></TD></TR>\n"
            f'<TR><TD class="title"><SPAN id="contenttitle">{esc(content.title)}</SPAN></TD></TR>\n'
            f'<TR><TD class="subtitle"><SPAN id="contentsubtitle">{esc(content.subtitle or "")}'
            "</SPAN></TD></TR>\n"
            f'<TR><TD class="author"><SPAN id="contentauthor">{esc(content.byline or "")}'
            "</SPAN></TD></TR></TABLE>\n"
        )
        pictures = []
        for i, caption in enumerate(content.captions, start=1):
            src = esc(relative(here, self.image_path(issue, art, i)))
            pictures.append(
                '<TABLE class="pic" align="center" border="0"><TR><TD>'
                f'<A href="{src}" target="_blank"><IMG src="{src}" border="0" width="300"></A>'
                f'</TD></TR><TR><TD class="picdesc">{esc(caption or "")}</TD></TR></TABLE>\n'
            )
        blocks: list[list[str]] = []
        if content.lead_marker:
            blocks.append([INDENT + esc(content.lead_marker)])
        for paragraph in content.paragraphs:
            if paragraph.subhead:
                blocks.append([f"<B>{esc(paragraph.text)}</B>"])
                continue
            line = INDENT + esc(paragraph.text)
            if paragraph.block_start or not blocks or blocks[-1][0].startswith("<B>"):
                blocks.append([line])
            else:
                blocks[-1].append(line)
        if content.trailing_byline:
            if blocks and not blocks[-1][0].startswith("<B>"):
                blocks[-1].append(INDENT + esc(content.trailing_byline))
            else:
                blocks.append([INDENT + esc(content.trailing_byline)])
        text = "\n".join(f"<P>{'<BR>'.join(lines)}</P>" for lines in blocks)
        return f'{head}{"".join(pictures)}<SPAN id="contenttext">{text}</SPAN>\n'

    def _dazhong_body(
        self, view: View, art: ArticlePlan, content: ArticleContent, here: str
    ) -> str:
        """大众日报's article: ``div#news-header`` (h3 kicker, h1 title, h2 subtitle), the
        ``div.infor`` line, the ``input#Text_*`` values the page's scripts read, pictures in
        ``table.newspic`` and the body ``div#news-con`` of ``<P>`` paragraphs."""
        issue = view.issue
        date_text = date_format(issue.date, "%Y-%m-%d")
        byline = esc(content.byline or "")
        header = (
            '<DIV id="news-header">'
            + (f"<H3>{esc(content.kicker)}</H3>" if content.kicker else "")
            + f"<H1>{esc(content.title)}</H1>"
            + (f"<H2>{esc(content.subtitle)}</H2>" if content.subtitle else "")
            + "</DIV>\n"
            f'<DIV class="infor"><DIV><SPAN>{byline}</SPAN> <SPAN>{date_text}</SPAN>'
            "</DIV></DIV>\n"
            f'<INPUT type="hidden" id="Text_title" value="{esc(content.title)}">'
            f'<INPUT type="hidden" id="Text_author" value="{byline}">'
            f'<INPUT type="hidden" id="Text_date" value="{date_text}">\n'
        )
        pictures = "".join(
            '<TABLE class="newspic" align="center" border="0"><TR><TD>'
            f'<IMG src="{esc(relative(here, self.image_path(issue, art, i)))}" border="0" '
            f'width="300"></TD></TR><TR><TD class="picdesc">{esc(caption or "")}</TD></TR>'
            "</TABLE>\n"
            for i, caption in enumerate(content.captions, start=1)
        )
        body = []
        if content.lead_marker:
            body.append(f"<P>{INDENT}{esc(content.lead_marker)}</P>")
        for paragraph in content.paragraphs:
            text = esc(paragraph.text)
            body.append(f"<P><B>{text}</B></P>" if paragraph.subhead else f"<P>{INDENT}{text}</P>")
        if content.trailing_byline:
            body.append(f"<P>{INDENT}{esc(content.trailing_byline)}</P>")
        return f'{header}{pictures}<DIV id="news-con">{"".join(body)}</DIV>\n'

    broken_replacements = (
        ('id="TitleList"', 'class="news-list"'),
        ('class="title">·', 'class="news-item">·'),
        ('id="contenttext"', 'class="article-body"'),
        ('id="contenttitle"', 'class="article-title"'),
        ('id="contentpretitle"', 'class="article-pre"'),
        ('id="contentsubtitle"', 'class="article-sub"'),
        ('id="contentauthor"', 'class="article-author"'),
        ('id="news-header"', 'class="article-head"'),
        ('id="Text_title"', 'name="share_title"'),
        ('id="news-con"', 'class="article-body"'),
        ("id=newslist", 'class="news-list"'),
        ("<LI class=banci>", '<LI class="page-item">'),
        ('id="PageList"', 'class="page-nav"'),
        ('class="pagelist"', 'class="page-item"'),
        ("<P>", '<div class="para">'),
        ("</P>", "</div>"),
        ('href="Articel', 'href="javascript:void(0)" data-url="Articel'),
        ('name="PagePicMap"', 'name="imgmap"'),
    )
