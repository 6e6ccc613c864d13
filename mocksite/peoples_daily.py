"""The People's Daily family (人民日报 up to 2024-11-30, 光明日报).

Paths: html/YYYY-MM/DD/nbs.D110000<code>_PP.htm
pages and nw.D110000<code>_YYYYMMDD_N-PP.htm articles; 上一期/下一期 are JavaScript only.

Two skins (REAL-SITES §2.1): ``gmrb`` prints the captured rmrb page of 2017-10-16
(``#titleList`` titles written by ``document.write(view("…"))``, ``#pageList a#pageLink``);
``rmrb`` the 2020–24 one (pages ``div.swiper-slide a#pageLink``, titles ``ul.news-list``,
the label ``p.left.ban``, the PDF ``p.right.btn a`` at ``images/YYYY-MM/DD/PP/
rmrbYYYYMMDDPP.pdf``), whose shell follows the captured pc/layout page of 2024-12-25. The
article page has no public capture and follows DOMAIN.md (h3 kicker, h1 title, h2
subtitle, #ozoom body).
"""

from __future__ import annotations

import datetime as dt

from mocksite.family import Family, Target, View, page_label_date
from mocksite.markup import (
    INDENT,
    block_coords,
    date_format,
    esc,
    folder,
    js_string,
    parse_compact_date,
    relative,
)
from mocksite.model import ArticlePlan, IssuePlan, PagePlan
from mocksite.papers import PEOPLES_DAILY, MockPaper

_SCRIPTS = "".join(
    f'<SCRIPT language=Javascript src="../../../tplimg/{name}.js"></SCRIPT>\n'
    for name in ("prototype", "mp", "calendar2", "range", "lib", "dzb", "new", "jspoints")
)

_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="utf-8">
<head>
<meta http-equiv="content-type" content="text/html;charset=utf-8" />
<meta http-equiv="content-language" content="utf-8" />
<meta name="robots" content="all" />
<META name='filetype' content='0'>
<META name='publishedtype' content='1'>
<META name='pagetype' content='{pagetype}'>
<link href="../../../tplimg/mulu_m1.css" type="text/css" rel="stylesheet" media="all" />
<title>{title}</title>
"""


def _folder(date: dt.date) -> str:
    return f"html/{date.year}-{date.month:02d}/{date.day:02d}"


def _swiper(paper: MockPaper) -> bool:
    """Whether the paper prints the 2020–24 skin (swiper page list, ``ul.news-list``)."""
    return paper.variant == "rmrb"


class PeoplesDaily(Family):
    name = PEOPLES_DAILY

    # -- paths --------------------------------------------------------------------------

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"{_folder(issue.date)}/nbs.D110000{issue.paper.code}_{page.number}.htm"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        page = issue.page(art.page)
        return (
            f"{_folder(issue.date)}/nw.D110000{issue.paper.code}_"
            f"{date_format(issue.date, '%Y%m%d')}_{art.order}-{page.number}.htm"
        )

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str:
        d = issue.date
        top = "images" if _swiper(issue.paper) else "page"
        return (
            f"{top}/{date_format(d, '%Y-%m/%d')}/{page.number}/{issue.paper.slug}"
            f"{date_format(d, '%Y%m%d')}{page.number}.pdf"
        )

    def lists_page_pdfs(self, paper: MockPaper) -> bool:
        # The 2020–24 page list links pages only; each page prints its own PDF.
        return not _swiper(paper)

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return self.pdf_path(issue, page)[:-4] + "_b.jpg"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        page = issue.page(art.page)
        return f"res/1/{date_format(issue.date, '%Y%m%d')}/{page.number}_{art.order}_{index}.jpg"

    def entry_path(self, paper: MockPaper) -> str:
        return "paperindex.htm"

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        if path == "paperindex.htm":
            return Target("entry")
        parts = path.split("/")
        try:
            if parts[0] in ("page", "images") and len(parts) == 5:
                return Target("asset", dt.date.fromisoformat(f"{parts[1]}-{parts[2]}"))
            if parts[0] == "res" and len(parts) == 4:
                day = parse_compact_date(parts[2])
                return Target("asset", day) if day else None
            if parts[0] != "html" or len(parts) != 4:
                return None
            date = dt.date.fromisoformat(f"{parts[1]}-{parts[2]}")
        except ValueError:
            return None
        name = parts[3]
        page_prefix = f"nbs.D110000{paper.code}_"
        if name.startswith(page_prefix) and name.endswith(".htm"):
            number = name[len(page_prefix) : -4]
            return Target("issue" if number == "01" else "page", date, number=number)
        article_prefix = f"nw.D110000{paper.code}_{date_format(date, '%Y%m%d')}_"
        if name.startswith(article_prefix) and name.endswith(".htm"):
            order, dash, number = name[len(article_prefix) : -4].partition("-")
            if dash and order.isdigit():
                return Target("article", date, number=number, article=int(order))
        return None

    # -- documents ----------------------------------------------------------------------

    def _page_list(self, view: View, here: str, current: PagePlan | None) -> str:
        # ``current`` is one of the view's pages (or None): its order names it.
        return view.memo(
            ("page_list", folder(here), current.order if current is not None else None),
            lambda: self._build_page_list(view, here, current),
        )

    def _build_page_list(self, view: View, here: str, current: PagePlan | None) -> str:
        issue = view.issue
        rows = []
        for i, p in enumerate(view.pages):
            href = relative(here, self.page_path(issue, p))
            href = f"./{href}" if p is current else href
            pdf = relative(here, self.pdf_path(issue, p))
            rows.append(
                f'<div class="right_title{1 + i % 2}">\n'
                f'<div class="right_title-name"><a id=pageLink href={href}>'
                f"第{p.number}版：{esc(p.name)}</a></div>\n"
                f'<div class="right_title-pdf"><a href={pdf}><img src="../../../tplimg/ico3.gif" '
                "border=0 /></a></div>\n</div>\n"
            )
        return "".join(rows)

    def _title_list(self, view: View, page: PagePlan, here: str) -> str:
        return view.memo(
            ("title_list", page.order, folder(here)),
            lambda: self._build_title_list(view, page, here),
        )

    def _build_title_list(self, view: View, page: PagePlan, here: str) -> str:
        issue = view.issue
        items = []
        for i, art in enumerate(page.articles):
            title = view.content(art).title.replace(" ", "<br>", 1)
            href = relative(here, self.article_path(issue, art))
            cls = ' class="one"\n' if i % 2 else "\n"
            items.append(
                f'<li{cls}><a href={href}><script>document.write(view("{js_string(title)}  "))'
                "</script></a></li>\n"
            )
        return "".join(items)

    def _swiper_list(self, view: View, here: str) -> str:
        """The 2020–24 page list: one ``div.swiper-slide`` a page, its link ``a#pageLink``."""
        return view.memo(
            ("swiper_list", folder(here)),
            lambda: "".join(
                f'\t\t\t\t\t\t\t<div class="swiper-slide">\n\t\t\t\t\t\t\t\t<a id=pageLink '
                f"href={relative(here, self.page_path(view.issue, p))}>{p.number}版："
                f"{esc(p.name)}</a>\n\t\t\t\t\t\t\t</div>\n"
                for p in view.pages
            ),
        )

    def _news_list(self, view: View, page: PagePlan, here: str) -> str:
        """The 2020–24 title list: ``ul.news-list`` of plain links."""
        return view.memo(
            ("news_list", page.order, folder(here)),
            lambda: "".join(
                f"\t\t\t\t\t\t<li><a href={relative(here, self.article_path(view.issue, a))}>"
                f"{esc(view.content(a).title)}</a></li>\n"
                for a in page.articles
            ),
        )

    def _render_swiper_page(self, view: View, page: PagePlan) -> str:
        issue = view.issue
        here = self.page_path(issue, page)
        image = relative(here, self.page_image_path(issue, page))
        pdf = relative(here, self.pdf_path(issue, page))
        areas = "".join(
            f'<Area coords="{coords}" shape="polygon" '
            f'href="{relative(here, self.article_path(issue, art))}">'
            for art, coords in zip(
                page.articles, block_coords(len(page.articles), 400, 575), strict=True
            )
        )
        name = esc(view.paper.name)
        return (
            _HEAD.format(pagetype="2", title=name) + f"{_SCRIPTS}</head>\n"
            "<body>\n"
            '\t\t<div class="main w1000">\n\t\t\t<div class="left paper-box">\n'
            f'\t\t\t\t<div class="paper">\n\t\t\t\t\t<MAP NAME="PagePicMap">{areas}</MAP>\n'
            f'\t\t\t\t\t<img width="400" height="575" src="{image}" border="0" '
            "USEMAP=#PagePicMap>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="paper-bot">\n'
            f'\t\t\t\t\t<p class="left ban">第{page.number}版：{esc(page.name)}</p>\n'
            f'\t\t\t\t\t<p class="right btn"><a href="{pdf}">PDF下载</a></p>\n'
            "\t\t\t\t</div>\n\t\t\t</div>\n"
            '\t\t\t<div class="right right-main">\n\t\t\t\t<div class="date-box">\n'
            f'\t\t\t\t\t<p class="date left">{name} <span class="newstime">'
            f"{page_label_date(issue.date)}</span></p>\n"
            '\t\t\t\t\t<p class="right">\n'
            '\t\t\t\t\t\t<span class="prev" onClick="goPrePeriod()">上一期</span>\n'
            '\t\t\t\t\t\t<span class="next" onClick="goNextPeriod();">下一期</span>\n'
            "\t\t\t\t\t</p>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="swiper-box">\n\t\t\t\t\t<div class="swiper-container">\n'
            '\t\t\t\t\t\t<div class="swiper-wrapper">\n'
            f"{self._swiper_list(view, here)}"
            "\t\t\t\t\t\t</div>\n\t\t\t\t\t</div>\n\t\t\t\t</div>\n"
            '\t\t\t\t<div class="news">\n\t\t\t\t\t<ul class="news-list">\n'
            f"{self._news_list(view, page, here)}"
            "\t\t\t\t\t</ul>\n\t\t\t\t</div>\n\t\t\t</div>\n\t\t</div>\n"
            "</body>\n</html>\n"
        )

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        if _swiper(view.paper):
            return self._render_swiper_page(view, page)
        issue = view.issue
        here = self.page_path(issue, page)
        image = relative(here, self.page_image_path(issue, page))
        pdf = relative(here, self.pdf_path(issue, page))
        areas = "".join(
            f'<Area coords="{coords}" shape="polygon" '
            f'href="{relative(here, self.article_path(issue, art))}">'
            for art, coords in zip(
                page.articles, block_coords(len(page.articles), 400, 575), strict=True
            )
        )
        next_page = view.neighbour_page(page, 1)
        forward = (
            f'<a class=preart href="{relative(here, self.page_path(issue, next_page))}">下一版 '
            "<img src='../../../tplimg/right_ico.gif' border=0 /></a>"
            if next_page
            else ""
        )
        hidden = "".join(
            '  <tr>\n\t<td width="271" align="left" class="fontstyle" height="22"> \n'
            f"<a href={relative(here, self.article_path(issue, a))}>"
            f'<div style="display:inline" id=mp_{self.article_path(issue, a)[16:-4]}>'
            f"{esc(view.content(a).title)}</div></a>\n\t</td>\n  </tr>\n"
            for a in page.articles
        )
        label = f"{page.number}版:{esc(page.name)}"
        return (
            _HEAD.format(pagetype="2", title=f"{esc(view.paper.name)}-人民网")
            + f"{_SCRIPTS}</head>\n"
            '<body onLoad="createStarsPage();getDate();initialize();initMPPage();">\n'
            '<div class="div_bg"><div class="div_center">\n  <div class="left_c">\n'
            '    <div class="ban">\n      <div>\n'
            f"        <map name=PagePicMap>{areas}</map><img  width=400 height=575 src={image} "
            "border=0 USEMAP=#PagePicMap></div>\n    </div>\n"
            '    <div class="ban_t">\n      <div>\n        <ul>\n          <li>\n'
            f"            {label}\n            &nbsp;\n"
            f'            <a href={pdf}><IMG src="../../../tplimg/ico4.gif" border=0></a>\n'
            f"            PDF版下载 <span>\n              {forward}\n            </span></li>\n"
            "        </ul>\n      </div>\n    </div>\n  </div>\n"
            '  <div class="right_c">\n'
            '            <div id="riqi_"  style="float:left;">\n            '
            f"{esc(view.paper.name)}\n"
            f"            {page_label_date(issue.date)}\n            </div>\n"
            '      <div style="float:right; text-align:right;">&nbsp;<a href="#" '
            'onClick="goPrePeriod()">&lt;上一期</a>&nbsp;&nbsp;&nbsp;<a href="#" '
            'onClick="goNextPeriod()">下一期&gt;</a></div>\n'
            '    <DIV id="ozoom" style="zoom:100%;">\n      <div class="list_t">\n'
            '        <div class="list_l">\n'
            f'          <div class="l_t">\n            {label}\n          </div>\n'
            '          <div class="l_c">\n            <div id="titleList"  style="height:440px;">\n'
            "              <!-- list starting -->\n              <ul>\n\n\n"
            f"{self._title_list(view, page, here)}\n</ul><!-- list endding -->\n"
            "            </div>\n          </div>\n        </div>\n"
            '        <div class="list_r">\n          <div class="l_t l_t1">版面目录</div>\n'
            '          <div class="l_c l_c1">\n            <div id="pageList" '
            'style="height:440px;">\n'
            "              <!-- list starting -->\n              <ul>\n"
            f"{self._page_list(view, here, page)}</ul><!-- list endding -->\n"
            "            </div>\n          </div>\n        </div>\n      </div>\n    </DIV>\n"
            "  </div>\n</div></div>\n"
            '<div style="display:none">\n  <table width="265" border="0" cellspacing="0" '
            f'cellpadding="0" style="margin-top:3px;">\n\n{hidden}</table>\n</div>\n'
            "</body>\n</html>\n"
            '<SCRIPT language=Javascript src="../../../tplimg/webdig_test.js"></SCRIPT>\n'
        )

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        issue = view.issue
        page = issue.page(art.page)
        here = self.article_path(issue, art)
        content = view.content(art)
        pictures = "".join(
            '<table width="300" border="0" cellspacing="0" cellpadding="0" align="center" '
            f'class="pic_c"><tbody><tr><td align="center"><img src="'
            f'{relative(here, self.image_path(issue, art, i))}" width="300"></td></tr>'
            f'<tr><td align="center" class="font_s">{esc(caption or "")}</td></tr></tbody>'
            "</table>\n"
            for i, caption in enumerate(content.captions, start=1)
        )
        body = []
        if content.lead_marker:
            body.append(f"<P>{INDENT}{esc(content.lead_marker)}</P>")
        for paragraph in content.paragraphs:
            text = esc(paragraph.text)
            body.append(f"<P><B>{text}</B></P>" if paragraph.subhead else f"<P>{INDENT}{text}</P>")
        if content.end_marker:
            body.append(f"<P>{INDENT}{esc(content.end_marker)}</P>")
        if content.trailing_byline:
            body.append(f"<P>{INDENT}{esc(content.trailing_byline)}</P>")
        nav = []
        for label, step in (("上一篇", -1), ("下一篇", 1)):
            other = view.neighbour_article(art, step)
            if other is not None:
                nav.append(f"<a href={relative(here, self.article_path(issue, other))}>{label}</a>")
        date = issue.date
        return (
            _HEAD.format(pagetype="3", title=f"{esc(content.title)}--{esc(view.paper.name)}")
            + f"{_SCRIPTS}</head>\n"
            '<body onLoad="initialize();initMPPage();">\n<div class="div_bg"><div '
            'class="div_center">\n'
            '  <div class="left_c">\n'
            f'    <div class="l_t">{page.number}版:{esc(page.name)}</div>\n'
            f"{self._article_lists(view, page, here)}"
            "  </div>\n"
            '  <div class="right_c">\n'
            f'    <div id="riqi_">{esc(view.paper.name)} {page_label_date(date)}</div>\n'
            '    <div class="text_c">\n'
            f"      <h3>{esc(content.kicker or '')}</h3>\n"
            f"      <h1>{esc(content.title)}</h1>\n"
            f"      <h2>{esc(content.subtitle or '')}</h2>\n"
            f"      <h4>{esc(content.byline or '')}</h4>\n"
            f'      <div class="lai"><span>《{esc(view.paper.name)}》（ '
            f"{date.year}年{date.month:02d}月"
            f"{date.day:02d}日 {page.number} 版）</span></div>\n"
            f'      <div class="c_c">\n{pictures}'
            f'      <div id="ozoom"><!--enpcontent-->{"".join(body)}<!--/enpcontent--></div>\n'
            "      </div>\n"
            f'      <div class="page_n">{"&nbsp;&nbsp;".join(nav)}</div>\n'
            "    </div>\n  </div>\n</div></div>\n</body>\n</html>\n"
        )

    def _article_lists(self, view: View, page: PagePlan, here: str) -> str:
        """The page's title list and the issue's page list, in the skin of the paper."""
        if _swiper(view.paper):
            return (
                f'    <ul class="news-list">\n{self._news_list(view, page, here)}    </ul>\n'
                '    <div class="swiper-container"><div class="swiper-wrapper">\n'
                f"{self._swiper_list(view, here)}    </div></div>\n"
            )
        return (
            '    <div id="titleList">\n      <ul>\n'
            f"{self._title_list(view, page, here)}      </ul>\n    </div>\n"
            f'    <div id="pageList"><ul>\n{self._page_list(view, here, None)}</ul></div>\n'
        )

    broken_replacements = (
        ("PagePicMap", "imgmap2"),
        ('id="titleList"', 'class="news-titles"'),
        ('id="pageList"', 'class="page-titles"'),
        ("id=pageLink", "class=page-link"),
        ('class="news-list"', 'class="news-titles"'),
        ('class="swiper-slide"', 'class="page-slide"'),
        ("document.write(view(", "renderTitle(("),
        ('<div class="text_c">', '<div class="article-wrap">'),
        ("<h1>", '<div class="headline">'),
        ("</h1>", "</div>"),
        ('id="ozoom"', 'class="article-text"'),
        ("<!--enpcontent-->", ""),
        ("<P>", "<span class=para>"),
        ("</P>", "</span>"),
        ("href=nw.D110000", 'href="javascript:void(0)" data-href=nw.D110000'),
    )
