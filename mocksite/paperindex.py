"""The PaperIndex family (大众报业: 大众日报, 鲁中晨报).

Paths: content/PaperIndex.htm, IssueIndex, PageNNXX,
ArticelNNNNNXX, with the template garbage (****处理标记…****) of the seed page.

No real page of this family is public; the markup follows DOMAIN.md and the seed page's
visible text (its order of blocks, Webdings glyphs and template strings).
"""

from __future__ import annotations

import datetime as dt

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


def _day(date: dt.date) -> str:
    return date_format(date, "%Y%m%d")


class PaperIndex(Family):
    name = PAPERINDEX

    # -- paths --------------------------------------------------------------------------

    def issue_path(self, issue: IssuePlan) -> str:
        return f"content/{_day(issue.date)}/IssueIndex.htm"

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"content/{_day(issue.date)}/Page{page.number}{page.letters}.htm"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        page = issue.page(art.page)
        return f"content/{_day(issue.date)}/Articel{page.number}{art.order:03d}{page.letters}.htm"

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"pdf/{_day(issue.date)}/Page{page.number}{page.letters}.pdf"

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"images/{_day(issue.date)}/Page{page.number}{page.letters}.jpg"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        page = issue.page(art.page)
        stem = f"Articel{page.number}{art.order:03d}{page.letters}"
        return f"images/{_day(issue.date)}/{stem}_{index}.jpg"

    def entry_path(self, paper: MockPaper) -> str:
        return "content/PaperIndex.htm"

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
            return Target("issue", date, page=1)
        if name.startswith("Page") and name.endswith(".htm") and len(name) == 12:
            return Target("page", date, number=name[4:6])
        if name.startswith("Articel") and name.endswith(".htm") and len(name) == 18:
            digits = name[7:12]
            if digits.isdigit():
                return Target("article", date, number=digits[:2], article=int(digits[2:]))
        return None

    # -- documents ----------------------------------------------------------------------

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        issue = view.issue
        here = self.issue_path(issue) if index else self.page_path(issue, page)
        left = self._left_column(view, page, here)
        image = relative(here, self.page_image_path(issue, page))
        areas = "".join(
            f'<AREA shape="polygon" coords="{coords}" '
            f'href="{esc(relative(here, self.article_path(issue, art)))}">'
            for art, coords in zip(
                page.articles, block_coords(len(page.articles), 400, 580), strict=True
            )
        )
        page_list = "".join(
            f'<TR><TD class="pagelist"><A href="{esc(relative(here, self.page_path(issue, p)))}">'
            f"第{p.number}版:{esc(p.name)}</A></TD>"
            f'<TD class="pagepdf"><A href="{esc(relative(here, self.pdf_path(issue, p)))}" '
            'target="_blank">PDF</A></TD></TR>\n'
            for p in view.pages
        )
        right = (
            f"{self._masthead(view, page, here)}"
            f'<DIV class="pageimg"><IMG src="{esc(image)}" width="400" height="580" border="0" '
            f'useMap="#PagePicMap"><MAP name="PagePicMap">{areas}</MAP></DIV>\n'
            '<A name="PageList"></A><TABLE id="PageList" width="100%" border="0">\n'
            f"{page_list}</TABLE>\n"
        )
        return self._document(view, page, left, right)

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

    broken_replacements = (
        ('id="TitleList"', 'class="news-list"'),
        ('class="title">·', 'class="news-item">·'),
        ('id="contenttext"', 'class="article-body"'),
        ('id="contenttitle"', 'class="article-title"'),
        ('id="contentpretitle"', 'class="article-pre"'),
        ('id="contentsubtitle"', 'class="article-sub"'),
        ('id="contentauthor"', 'class="article-author"'),
        ('id="PageList"', 'class="page-nav"'),
        ('class="pagelist"', 'class="page-item"'),
        ("<P>", '<div class="para">'),
        ("</P>", "</div>"),
        ('href="Articel', 'href="javascript:void(0)" data-url="Articel'),
        ('name="PagePicMap"', 'name="imgmap"'),
    )
