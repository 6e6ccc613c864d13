"""The Founder classic family (方正: 科技日报, 中国纪检监察报, 江西日报's old host) and its
navi.xml variant (江西日报's new host).

Paths: html/YYYY-MM/DD/node_N.htm pages (content/... on 中国纪检监察报),
content_N.htm (?div=-1 / ?div=0 links, content_N_2.htm parts), html/YYYY-MM/period.xml.
The navi variant: html/YYYY-MM/DD/node_N.htm (N = page order), content_P_N.htm (page P,
article N; never parts), html/YYYY-MM/navi.xml, PDFs under resfile/.

Page templates follow the three captured pages (variants ``stdaily``, ``jjjcb``, ``jxnews``);
the article pages, period.xml and navi.xml have no public capture and follow DOMAIN.md,
mp.js and the selectors public crawlers use (REAL-SITES.md §2.3, §2.5).
"""

from __future__ import annotations

import datetime as dt

from mocksite.family import Family, Target, View, page_label_date
from mocksite.markup import INDENT, WEEKDAYS, block_coords, date_format, esc, relative
from mocksite.model import Archive, ArticlePlan, IssuePlan, PagePlan
from mocksite.papers import FOUNDER, FOUNDER_NAVI, MockPaper
from mocksite.textgen import stable_int

_SCRIPTS = "".join(
    f'<SCRIPT language=Javascript src="../../../tplimg/{name}.js"></SCRIPT>\n'
    for name in ("prototype", "mp", "calendar2", "range")
)

_CALENDAR = """<form name=CLD style="padding:0px;margin:0px;">
<table cellspacing=0 cellpadding=0 width="100%" align=center border=0><tr><td>
<select class=jumpmenu onChange=changeMPCld() name=SY>
<script language=JavaScript>for(i=2010;i<2031;i++)document.write('<option>'+i+'</option>')</script>
</select><select class=jumpmenu onChange=changeMPCld() name=SM>
<script language=JavaScript>for(i=1;i<13;i++) document.write('<option>'+i+'</option>')</script>
</select></td></tr>
<script language=JavaScript>
var gNum;
for(i=0;i<6;i++){document.write('<tr align=center>');for(j=0;j<7;j++){gNum=i*7+j;
document.write('<td id="GD'+gNum+'"><a href="" id="CD'+gNum+'">');
document.write('<font id="SD'+gNum+'"></font></a></td>');}
document.write('</tr>');}
</script>
</table></form>
"""


def _month(date: dt.date) -> str:
    return f"{date.year}-{date.month:02d}"


def _root(paper: MockPaper) -> str:
    """The folder of a paper's dated pages: ``html`` on most sites, ``content`` on 中国纪检监察报
    (its 2017 pages lived at ``content/YYYY-MM/DD/node_2.htm``)."""
    return "content" if paper.variant == "jjjcb" else "html"


def _folder(paper: MockPaper, date: dt.date) -> str:
    return f"{_root(paper)}/{_month(date)}/{date.day:02d}"


def _serial(paper: MockPaper, page: PagePlan, salt: str) -> int:
    return stable_int(paper.slug, page.uid, salt) % 10**17


class Founder(Family):
    name = FOUNDER

    # -- paths --------------------------------------------------------------------------

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        folder = _folder(issue.paper, issue.date)
        return f"{folder}/node_{issue.paper.node_base + page.order - 1}.htm"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        suffix = f"_{part}" if part > 1 else ""
        return f"{_folder(issue.paper, issue.date)}/content_{art.key}{suffix}.htm"

    def _asset_dir(self, issue: IssuePlan, page: PagePlan) -> str:
        date, variant = issue.date, issue.paper.variant
        if variant == "jjjcb":
            return f"{_root(issue.paper)}/1/{_month(date)}/{date.day:02d}/{page.number}"
        if variant == "jxnews":
            return f"page/186/{date.isoformat()}/{page.number}"
        return f"images/{_month(date)}/{date.day:02d}/{page.number}"

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str:
        folder, variant = self._asset_dir(issue, page), issue.paper.variant
        if variant == "jjjcb":
            return f"{folder}/{date_format(issue.date, '%Y%m%d')}{page.number}_pdf.pdf"
        if variant == "jxnews":
            return f"{folder}/{_serial(issue.paper, page, 'pdf')}.pdf"
        return f"{folder}/{issue.paper.code}{date_format(issue.date, '%Y%m%d')}{page.number}.pdf"

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        folder, variant = self._asset_dir(issue, page), issue.paper.variant
        if variant == "jjjcb":
            return f"{folder}/{date_format(issue.date, '%Y%m%d')}{page.number}_brief.jpg"
        if variant == "jxnews":
            return f"{folder}/{_serial(issue.paper, page, 'jpg')}.jpg"
        return f"{folder}/{issue.paper.code}{date_format(issue.date, '%Y%m%d')}{page.number}_b.jpg"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        return f"{self._asset_dir(issue, issue.page(art.page))}/b_{art.key}_{index}.jpg"

    def entry_path(self, paper: MockPaper) -> str:
        return "index.htm"

    def calendar_path(self, paper: MockPaper, year: int, month: int) -> str:
        return f"{_root(paper)}/{year}-{month:02d}/period.xml"

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        if path == "index.htm":
            return Target("entry")
        parts = path.split("/")
        root = _root(paper)
        if parts[0] in ("images", "page") or parts[:2] == [root, "1"]:
            return _asset_target(parts)
        if parts[0] != root or len(parts) not in (3, 4):
            return None
        month = _parse_month(parts[1])
        if month is None:
            return None
        if len(parts) == 3:
            return Target("calendar", month=month) if parts[2] == "period.xml" else None
        try:
            date = dt.date(month[0], month[1], int(parts[2]))
        except ValueError:
            return None
        name = parts[3]
        if name.startswith("node_") and name.endswith(".htm") and name[5:-4].isdigit():
            order = int(name[5:-4]) - paper.node_base + 1
            kind = "issue" if order == 1 else "page"
            return Target(kind, date, page=order) if order >= 1 else None
        if name.startswith("content_") and name.endswith(".htm"):
            key, _, part = name[8:-4].partition("_")
            if key.isdigit() and (not part or (part.isdigit() and int(part) >= 2)):
                return Target("article", date, key=int(key), part=int(part or 1))
        return None

    # -- calendar -----------------------------------------------------------------------

    def render_calendar(
        self, archive: Archive, paper: MockPaper, year: int, month: int, now: dt.datetime
    ) -> str | None:
        """period.xml: every day of the month with an issue (cut-off days included)."""
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
                    f'<period id="{1000 + serial}">\n'
                    f"<period_name>第{serial}期</period_name>\n"
                    f"<paper_id>{paper.node_base - 1}</paper_id>\n"
                    f"<period_date>{day.isoformat()}</period_date>\n"
                    f"<front_page>node_{paper.node_base}.htm</front_page>\n"
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
        if variant == "jjjcb":
            return self._page_jjjcb(view, page)
        if variant == "jxnews":
            return self._page_jxnews(view, page)
        return self._page_stdaily(view, page)

    def _label(self, page: PagePlan) -> str:
        return f"第{page.number}版：{page.name}"

    def _links(self, view: View, page: PagePlan) -> tuple[str, str, str, str]:
        """Relative links from the page to its PDF, image, previous and next page."""
        issue = view.issue
        here = self.page_path(issue, page)
        prev_page, next_page = view.neighbour_page(page, -1), view.neighbour_page(page, 1)
        return (
            relative(here, self.pdf_path(issue, page)),
            relative(here, self.page_image_path(issue, page)),
            relative(here, self.page_path(issue, prev_page)) if prev_page else "",
            relative(here, self.page_path(issue, next_page)) if next_page else "",
        )

    def _areas(self, view: View, page: PagePlan, *, div: bool) -> str:
        areas = []
        coords = block_coords(len(page.articles), 350, 550)
        for art, coord in zip(page.articles, coords, strict=True):
            name = f"content_{art.key}.htm"
            if div:
                if view.content(art).captions:
                    # The photo block of an article has its own hotspot (?div=0).
                    v = [int(x) for x in coord.split(",")]
                    mid = (v[0] + v[2]) // 2
                    small = f"{v[0]},{v[1]},{mid},{v[1]},{mid},{v[5]},{v[0]},{v[5]}"
                    areas.append(f'<Area coords="{small}" shape="polygon" href="{name}?div=0">')
                name += "?div=-1"
            areas.append(f'<Area coords="{coord}" shape="polygon" href="{name}">')
        return "".join(areas)

    def _page_list_items(self, view: View, page: PagePlan, style: str) -> str:
        issue = view.issue
        here = self.page_path(issue, page)
        rows = []
        for i, p in enumerate(view.pages):
            href = relative(here, self.page_path(issue, p))
            href = f"./{href}" if p is page else href
            pdf = relative(here, self.pdf_path(issue, p))
            if style == "bmname":
                rows.append(
                    f'<div class="bmname{1 + i % 2}">&nbsp;<a id=pageLink href={href}>'
                    f"{esc(self._label(p))}</a></div>\n"
                )
            elif style == "pgn":
                rows.append(
                    f"<Li>&nbsp;<a id=pageLink href={href}>{p.number}： {esc(p.name)}</a></Li>"
                )
            else:
                color = " bgcolor=#e8e8e8" if i % 2 else " bgcolor=#ffffff"
                rows.append(
                    f"<tr{color}> <td class=default2 align=left>&nbsp;<a id=pageLink href={href}>"
                    f"{esc(self._label(p))}</a></td> <td nowrap align=middle width=55>"
                    f'<a href={pdf}><img height=16 src="../../../tplimg/pdf.gif" width=16 '
                    "border=0></a></td></tr>"
                )
        return " ".join(rows) if style != "bmname" else "".join(rows)

    def _enpproperty(self, view: View, page: PagePlan, extra: str = "") -> str:
        issue = view.issue
        return (
            f"<!--enpproperty <founder-date>{issue.date.isoformat()} 23:59:59</founder-date>"
            f"<founder-pagenum>{page.number}</founder-pagenum>"
            f"<founder-papername>{esc(view.paper.name)}</founder-papername>"
            f"{extra}<founder-type>2</founder-type> /enpproperty-->\n"
        )

    def _page_stdaily(self, view: View, page: PagePlan) -> str:
        issue = view.issue
        pdf, image, prev_href, next_href = self._links(view, page)
        titles = "".join(
            '<li><img src="../../../tplimg/checkbox.bmp" align="absmiddle" />'
            f'<a href=content_{a.key}.htm?div=-1><div style="display:inline" id=mp{a.key}>'
            f"{esc(view.content(a).title)}</div></a>\n"
            for a in page.articles
        )
        back = (
            f'<a class=preart href="{prev_href}"><img src="../../../tplimg/left_ico.gif" '
            'align="absmiddle" />上一版</a>'
            if prev_href
            else ""
        )
        forward = (
            f'<a class=preart href="{next_href}"><img src="../../../tplimg/right_ico.gif" '
            'align="absmiddle" />下一版</a>'
            if next_href
            else ""
        )
        return (
            "\ufeff<html>\n<head>\n"
            '  <meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7" />\n'
            '  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            '  <meta content="all" name="robots" />\n'
            '  <link href="../../../tplimg/style3.css" type=text/css rel=stylesheet>\n'
            f"  <title>{esc(view.paper.name)}--数字报</title>\n{_SCRIPTS}"
            "<SCRIPT id=oMapScript event=onmouseover() for=pagepicmap>\n"
            " drawLine(event.srcElement);\n</SCRIPT>\n</head>\n"
            '<body onLoad="initialize();initMPPage();" id="bodycss">\n<div id="container">\n'
            '<div id="wrap"><div id="box"><div class="box0"><div class="box0-left">\n'
            '<div class="tu"><div class="tu2"><div class="tu2-2">\n'
            f"<map name=PagePicMap>{self._areas(view, page, div=True)}</map>"
            f"<img src={image} border=0 USEMAP=#PagePicMap>\n</div></div></div>\n"
            '<div class="zi"><div class="zi-top">\n'
            f'<div class="banci">\n第{page.number}版：<STRONG>{esc(page.name)}</STRONG>\n</div>\n'
            f'<div class="next">\n{forward}\n</div>\n'
            f'<div class="pdf">\n<a href={pdf}><img src="../../../tplimg/pdf.gif" /></a>\n'
            "</div>\n</div>\n"
            '<div class="zi-meat"><div class="line"></div><div class="title">\n<ul>\n\n'
            f"{titles}\n</ul>\n\n</div></div></div></div>\n"
            f'<div class="box0-right">\n<div class="back">\n{back}\n</div>\n<div class="right1">\n'
            f'<div class="date">\n{page_label_date(issue.date)}\n</div>\n<div class="bmml"></div>\n'
            f'<div class="bmname">\n{self._page_list_items(view, page, "bmname")}</div></div>\n'
            '<div class="right2"><div class="arqcy"><div class="arqcy1">按日期查阅</div>\n'
            f'<div class="calendar">\n{_CALENDAR}</div></div></div>\n'
            "</div></div></div></div>\n"
            f'<div id="feeter"><div id="copyright">Copyright © {esc(view.paper.name)} '
            "All Rights Reserved</div></div>\n</div>\n</body>\n</html>"
        )

    def _page_jjjcb(self, view: View, page: PagePlan) -> str:
        issue = view.issue
        pdf, image, _, next_href = self._links(view, page)
        titles = " ".join(
            f"<li><a href=content_{a.key}.htm><div id=mp{a.key}>{esc(view.content(a).title)}"
            "</div></a> </li>"
            for a in page.articles
        )
        # 今日关注: the first article of every page, as the real front page lists them.
        focus = " ".join(
            f"<tr><td class=px12 align=left> <a href=content_{p.articles[0].key}.htm>"
            f"<div id=mp{p.articles[0].key}>{esc(view.content(p.articles[0]).title)}</div></a>"
            " </td></tr>"
            for p in view.pages
            if p.articles and not p.missing and page.order == 1
        )
        prev_date = view.neighbour(-1)
        prev_issue = ""
        if prev_date is not None:
            home = f"{_folder(view.paper, prev_date)}/node_{view.paper.node_base}.htm"
            href = relative(self.page_path(issue, page), home)
            prev_issue = f'<a class=preart href="{href}"><FONT face=Webdings>3</FONT>上一期</a>'
        forward = (
            f'<a class=preart href="{next_href}"><span '
            "style='font-size:12px;font-family:webdings'>"
            "4</span>下一版</a>"
            if next_href
            else ""
        )
        date = issue.date
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=7" />\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{esc(view.paper.name)}</title>\n"
            '<link href="../../../tplimg/jjjc.css" rel="stylesheet" type="text/css" />\n'
            f"{_SCRIPTS}</head>\n\n"
            '<body onLoad="initialize();initMPPage();">\n<div class="wrap">\n<div class="h78">'
            "</div>\n"
            f'<div class="w388">\n<p class="rq">主办单位：{esc(view.paper.name)}社</p>\n'
            '<div class="bm">\n'
            f'<MAP NAME="pagepicmap">{self._areas(view, page, div=False)}</MAP>'
            f"<img src={image} border=0 width=350 height=550 USEMAP=#pagepicmap> \n</div>\n"
            ' <table width="380" border="0" cellspacing="0" cellpadding="0" class="sxb">\n <tr>\n'
            f' <td class="sxb1">{forward}</td>\n'
            f' <td align="center" class="sxb2"><a href={pdf}><IMG height=16 '
            'src="../../../tplimg/pdf.gif" width=16 border=0></a></td>\n </tr>\n </table>\n</div>\n'
            '<div class="w344">\n<div class="h80"></div>\n'
            f'<p class="rq">{date.year}年{date.month}月{date.day}日　星期<font class=weekday>'
            f"{WEEKDAYS[date.weekday()]}</font></p>\n"
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="bm00">\n <tr>\n'
            f' <td class="bm01">第{page.number}版{"　" * 12}<span>{esc(page.name)}</span>'
            "</td>\n </tr>\n"
            ' <tr>\n <td class="bm02">\n\t<div class="gundong">\n\t<ul class="list01"> '
            f"{titles} </ul>"
            " </div></td>\n </tr>\n</table>\n"
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="bm05">\n'
            ' <tr>\n <td class="bm06">今日关注</td>\n </tr>\n <tr>\n <td class="bm02">\n'
            '\t <div class="bm07">\n\t <table cellspacing=0 cellpadding=0 border=0><tbody> '
            f"{focus} "
            "</tbody></table> \n\t </div></td>\n </tr>\n</table>\n</div>\n"
            '<div class="w250">\n<div class="h80"></div>\n'
            '<table width="250" border="0" cellspacing="0" cellpadding="0" class="rq">\n <tr>\n'
            f' <td class="sqq">{prev_issue}</td>\n </tr>\n</table>\n{_CALENDAR}'
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="mulu03">\n'
            '<tr>\n<td class="mulu02">版面目录</td>\n</tr>\n <tr>\n'
            ' <td height="240" valign="top" class="mulu04"> <table cellspacing=0 cellpadding=2 '
            f"width=100% border=0><tbody> {self._page_list_items(view, page, 'table')} "
            "</tbody></table> </td>\n </tr>\n</table>\n</div>\n"
            '<div style="clear:both;"></div>\n</div>\n</body>\n</html>\n'
            f"{self._enpproperty(view, page)}"
        )

    def _page_jxnews(self, view: View, page: PagePlan) -> str:
        issue = view.issue
        pdf, image, _, next_href = self._links(view, page)
        titles = "".join(
            '<tr> <TD class=default valign="top"> <img src="../../../tplimg/checkbox.gif" '
            'width="10" height="10"> </TD> <td class=default valign="top"> '
            f'<a href=content_{a.key}.htm><div style="display:inline" id=mp{a.key}>'
            f"{esc(view.content(a).title)}</div></a> </td> </TR>"
            for a in page.articles
        )
        forward = (
            f'<a class=preart href="{next_href}"><span '
            "style='font-size:12px;font-family:webdings'>"
            "4</span>下一版</a>&nbsp;&nbsp;"
            if next_href
            else ""
        )
        date = issue.date
        first = relative(self.page_path(issue, page), self.page_path(issue, issue.pages[0]))
        return (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>打造新型传媒集团·{esc(view.paper.name)}社数字报</title>\n"
            '<link href="../../../tplimg/global.css" type="text/css"/>\n'
            f"{_SCRIPTS}</head>\n<body>\n"
            '<body onLoad="initialize();initMPPage();" text=#000000 leftmargin=0 topmargin=0>\n\n'
            "<!-- 版面导航div -->\n"
            "<DIV id=pgn onMouseOver=\"getElementById('pgn').style.display='block';\" "
            "onMouseOut=\"getElementById('pgn').style.display='none';\">\n"
            f" <UL> {self._page_list_items(view, page, 'pgn')} </UL>\n</DIV>\n"
            "<!-- 版面导航div -->\n<table width=960 align=center><tr>\n"
            f' <td width="280" class="Ltd1" bgcolor=#ffffff><MAP NAME="pagepicmap">'
            f"{self._areas(view, page, div=False)}</MAP><img src={image} border=0 "
            "USEMAP=#PagePicMap> </td>\n"
            f' <td width="202" align=left class=px12>第{page.number}版：<STRONG>{esc(page.name)}'
            "</STRONG>\n </td>\n"
            ' <td width="30" align=right nowrap class=px12><table width=100% border=0><tr>'
            "<td nowrap width=50% class=px12></td><td nowrap width=50% class=px12>"
            f"{forward}</td></tr></table></td>\n"
            f" <td width=149 align=right valign=center nowrap class=px12><a href={pdf}><IMG "
            'height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td>\n</tr><tr>\n'
            ' <td colspan=4 style="BORDER-TOP: #d2d2d2 5px solid"><TABLE cellSpacing=0 '
            "cellPadding=1 "
            f"border=0> <TBODY> {titles} </TBODY> </TABLE> </td>\n</tr></table>\n"
            f' <a href="{first}">版面导航</a>\n'
            ' <table width=960 align=center><tr><td width="229" align=right bgcolor="#FCFCFC" '
            'class=default><strong><font face="Arial, Helvetica, sans-serif"> <strong><font '
            f'face="Arial, Helvetica, sans-serif">\n {date.year}\n </font></strong> 年\n'
            f" {date.month}\n 月\n {date.day}\n 日　星期\n <font class=weekday>"
            f"{WEEKDAYS[date.weekday()]}</font>\n&nbsp;&nbsp; </font></strong></td></tr>\n"
            " <tr><td width=249 bgcolor=#e8e8e8 class=default>&nbsp;<strong>版面导航</strong></td>"
            "</tr>\n <tr><td> <table cellspacing=0 cellpadding=2 width=100% border=0><tbody> "
            f"{self._page_list_items(view, page, 'table')} </tbody></table></td></tr></table>\n"
            "<!--流量统计代码开始-->\n<!--流量统计代码结束-->\n</body>\n</html>\n"
            f"{self._enpproperty(view, page)}"
        )

    # -- articles -----------------------------------------------------------------------

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        issue = view.issue
        page = issue.page(art.page)
        content = view.content(art)
        here = self.article_path(issue, art, part)
        jjjcb = view.paper.variant == "jjjcb"
        list_class = "list01" if jjjcb else "title"
        page_href = relative(here, self.page_path(issue, page))
        titles = view.memo(
            ("article_titles", page.order), lambda: self._article_titles(view, page, jjjcb)
        )
        pictures, paragraphs = self._article_body(view, art, part)
        pager = ""
        if content.parts > 1:
            links = []
            if part > 1:
                links.append(f"<a href={self._part_name(art, part - 1)}>上一页</a>")
            for n in range(1, content.parts + 1):
                label = (
                    f"<span>{n}</span>"
                    if n == part
                    else f"<a href={self._part_name(art, n)}>{n}</a>"
                )
                links.append(label)
            if part < content.parts:
                links.append(f"<a href={self._part_name(art, part + 1)}>下一页</a>")
            pager = f'<div id="pages" class="px12">{" ".join(links)}</div>\n'
        nav = []
        for label, step in (("上一篇", -1), ("下一篇", 1)):
            other = view.neighbour_article(art, step)
            if other is not None:
                nav.append(f"<a class=preart href=content_{other.key}.htm>{label}</a>")
        date = issue.date
        if view.paper.variant == "stdaily":
            # 科技日报's article box (REAL-SITES §2.3): the title stack in div.yinti /
            # div.biaoti / div.futi, the byline in div.author, pictures in div.tuwen, the
            # body in div.article; enpproperty still gives the title alone.
            meta = f"<founder-title>{esc(content.title)}</founder-title>"
            article = (
                '<div class="box0-right">\n'
                f'<div class="yinti">{esc(content.kicker or "")}</div>\n'
                f'<div class="biaoti">{esc(content.title)}</div>\n'
                f'<div class="futi">{esc(content.subtitle or "")}</div>\n'
                f'<div class="author">{esc(content.byline or "")}</div>\n'
                f'<div class="tuwen">\n{pictures}</div>\n'
                f'<div class="article" id="ozoom"><!--enpcontent-->{paragraphs}'
                "<!--/enpcontent--></div>\n</div>\n"
            )
        else:
            meta = (
                f"<founder-title>{esc(content.title)}</founder-title>"
                f"<founder-introtitle>{esc(content.kicker or '')}</founder-introtitle>"
                f"<founder-subtitle>{esc(content.subtitle or '')}</founder-subtitle>"
                f"<founder-author>{esc(content.byline or '')}</founder-author>"
            )
            article = (
                '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="tit">\n'
                '<tr><td class="font02" align="center"><founder-introtitle>'
                f"{esc(content.kicker or '')}</founder-introtitle></td></tr>\n"
                '<tr><td class="font01" align="center"><founder-title>'
                f"{esc(content.title)}</founder-title></td></tr>\n"
                '<tr><td class="font02" align="center"><founder-subtitle>'
                f"{esc(content.subtitle or '')}</founder-subtitle></td></tr>\n"
                '<tr><td class="font03" align="center"><founder-author>'
                f"{esc(content.byline or '')}</founder-author></td></tr>\n</table>\n"
                f"{pictures}"
                '<div id="ozoom" style="zoom:100%;"><founder-content><!--enpcontent-->'
                f"{paragraphs}<!--/enpcontent--></founder-content></div>\n"
            )
        return (
            '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            'charset=utf-8" />\n'
            f"<title>{esc(view.paper.name)}</title>\n"
            '<link href="../../../tplimg/content.css" type="text/css" rel="stylesheet" />\n'
            f"{_SCRIPTS}</head>\n"
            '<body onLoad="initialize();initMPPage();">\n<table width="960" align="center" '
            'border="0" cellspacing="0" cellpadding="0">\n<tr><td class="rq" colspan="2">'
            f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{WEEKDAYS[date.weekday()]}</td>"
            "</tr>\n"
            '<tr><td width="260" valign="top" class="left">\n<div class="banci">'
            f"第{page.number}版："
            f"<STRONG>{esc(page.name)}</STRONG></div>\n"
            f'<div class="back"><a href={page_href}>返回版面</a></div>\n'
            f'<div class="{list_class}">\n<ul{" class=list01" if jjjcb else ""}>\n{titles}</ul>\n'
            "</div>\n</td>\n"
            '<td valign="top" class="main">\n'
            f"{article}"
            f"{pager}"
            f'<div class="artnav">{"&nbsp;&nbsp;".join(nav)}</div>\n'
            "</td></tr>\n</table>\n</body>\n</html>\n"
            f"{self._enpproperty(view, page, meta)}"
        )

    def _article_body(self, view: View, art: ArticlePlan, part: int) -> tuple[str, str]:
        """(pictures, paragraphs) of part ``part`` of an article, as the template prints them."""
        issue = view.issue
        content = view.content(art)
        here = self.article_path(issue, art, part)
        pictures = ""
        if part == 1:
            pictures = "".join(
                '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="newspic">'
                '<tr><td align="center"><img '
                f'src="{relative(here, self.image_path(issue, art, i))}" '
                f'border="0"></td></tr><tr><td class="font02" align="center">{esc(caption or "")}'
                "</td></tr></table>\n"
                for i, caption in enumerate(content.captions, start=1)
            )
        paragraphs = []
        if part == 1 and content.lead_marker:
            paragraphs.append(f"<P>{INDENT}{esc(content.lead_marker)}</P>")
        for paragraph in content.part_paragraphs(part):
            if paragraph.subhead:
                paragraphs.append(f"<P><STRONG>{esc(paragraph.text)}</STRONG></P>")
            else:
                paragraphs.append(f"<P>{INDENT}{esc(paragraph.text)}</P>")
        if part == content.parts and content.end_marker:
            paragraphs.append(f"<P>{INDENT}{esc(content.end_marker)}</P>")
        if part == content.parts and content.trailing_byline:
            paragraphs.append(f"<P>{INDENT}{esc(content.trailing_byline)}</P>")
        return pictures, "".join(paragraphs)

    def _article_titles(self, view: View, page: PagePlan, jjjcb: bool) -> str:
        """The title list of an article page: the same for every article of the page."""
        return "".join(
            f"<li><a href=content_{a.key}.htm{'' if jjjcb else '?div=-1'}>"
            f'<div style="display:inline" id=mp{a.key}>{esc(view.content(a).title)}</div></a>'
            "</li>\n"
            for a in page.articles
        )

    def _part_name(self, art: ArticlePlan, part: int) -> str:
        return f"content_{art.key}{f'_{part}' if part > 1 else ''}.htm"

    broken_replacements: tuple[tuple[str, str], ...] = (
        ("PagePicMap", "pagemap2"),
        ("pagepicmap", "pagemap2"),
        ('class="title"', 'class="newslist"'),
        ('class="list01"', 'class="newslist"'),
        ("class=list01", "class=newslist"),
        ("id=pageLink", "class=page-link"),
        ("<founder-content>", '<div class="article-content">'),
        ("</founder-content>", "</div>"),
        ("<!--enpcontent-->", ""),
        ("<!--/enpcontent-->", ""),
        ('id="ozoom"', 'class="zoom"'),
        ("<founder-title>", '<h1 class="headline">'),
        ("</founder-title>", "</h1>"),
        ("<!--enpproperty", "<!--property"),
        ("href=content_", 'href="javascript:void(0)" data-href=content_'),
        ('class="biaoti"', 'class="headline-main"'),
    )


class FounderNavi(Founder):
    """The navi.xml variant (江西日报's new host, REAL-SITES §1.3, §1.4, §2.5).

    Page N is ``node_N.htm``; an article is ``content_P_N.htm`` with P the page's node and
    N the article's id, so 下一篇 (``content_P_N+1``) looks like a second part and is not;
    an article is always one document. Pages list ``#bmdhTable`` rows (page link, PDF
    link) and ``#main-ed-articlenav-list`` titles; the article title is ``p.BSHARE_TEXT``
    (kicker and subtitle as on 科技日报: the mock's choice, no source shows them); PDFs are
    ``resfile/YYYY-MM-DD/PP/<code>-YYYYMMDD-0PP.pdf``. No page prints 上一期/下一期: the
    month's ``navi.xml`` lists the issues.
    """

    name = FOUNDER_NAVI

    # -- paths --------------------------------------------------------------------------

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"html/{_month(issue.date)}/{issue.date.day:02d}/node_{page.order}.htm"

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        folder = f"html/{_month(issue.date)}/{issue.date.day:02d}"
        return f"{folder}/content_{art.page}_{art.key}.htm"

    def _resfile(self, issue: IssuePlan, page: PagePlan) -> str:
        return f"resfile/{issue.date.isoformat()}/{page.number}"

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str:
        stamp = date_format(issue.date, "%Y%m%d")
        return f"{self._resfile(issue, page)}/{issue.paper.code}-{stamp}-0{page.number}.pdf"

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        stamp = date_format(issue.date, "%Y%m%d")
        return f"{self._resfile(issue, page)}/{issue.paper.code}-{stamp}-0{page.number}.jpg"

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        return f"{self._resfile(issue, issue.page(art.page))}/b_{art.key}_{index}.jpg"

    def calendar_path(self, paper: MockPaper, year: int, month: int) -> str:
        return f"html/{year}-{month:02d}/navi.xml"

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        if path == "index.htm":
            return Target("entry")
        parts = path.split("/")
        if parts[0] == "resfile" and len(parts) == 4:
            try:
                return Target("asset", dt.date.fromisoformat(parts[1]))
            except ValueError:
                return None
        if parts[0] != "html" or len(parts) not in (3, 4):
            return None
        month = _parse_month(parts[1])
        if month is None:
            return None
        if len(parts) == 3:
            return Target("calendar", month=month) if parts[2] == "navi.xml" else None
        try:
            date = dt.date(month[0], month[1], int(parts[2]))
        except ValueError:
            return None
        name = parts[3]
        if name.startswith("node_") and name.endswith(".htm") and name[5:-4].isdigit():
            order = int(name[5:-4])
            return Target("issue" if order == 1 else "page", date, page=order) if order else None
        if name.startswith("content_") and name.endswith(".htm"):
            page, _, key = name[8:-4].partition("_")
            if page.isdigit() and key.isdigit():
                return Target("article", date, key=int(key))
        return None

    # -- calendar -----------------------------------------------------------------------

    def render_calendar(
        self, archive: Archive, paper: MockPaper, year: int, month: int, now: dt.datetime
    ) -> str | None:
        """navi.xml: an ``<item>`` per issue of the month, its ``<date>`` and first page's
        ``<url>`` (``../DD/node_1.htm``); the element names beyond those two are the mock's."""
        try:
            day = dt.date(year, month, 1)
        except ValueError:
            return None
        start = next((era.since for era in paper.eras if era.family == self.name), None)
        if start is None or day < dt.date(start.year, start.month, 1) or day > now.date():
            return None
        items = []
        while day.month == month:
            if paper.family_on(day) == self.name and archive.published(paper, day, now):
                items.append(
                    f"<item><date>{day.isoformat()}</date>"
                    f"<url>../{day.day:02d}/node_1.htm</url></item>\n"
                )
            day += dt.timedelta(days=1)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<navi>\n{"".join(items)}</navi>\n'

    # -- pages --------------------------------------------------------------------------

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        issue = view.issue
        pdf, image, _, next_href = self._links(view, page)
        here = self.page_path(issue, page)
        areas = "".join(
            f'<area shape="rect" coords="{coord}" href="{posix_name(self.article_path(issue, a))}">'
            for a, coord in zip(
                page.articles, block_coords(len(page.articles), 350, 550), strict=True
            )
        )
        titles = "".join(
            f'<li><a href="{posix_name(self.article_path(issue, a))}">'
            f"{esc(view.content(a).title)}</a></li>\n"
            for a in page.articles
        )
        rows = "".join(
            f'<tr><td class="default"><a href="{relative(here, self.page_path(issue, p))}">'
            f"{esc(self._label(p))}</a></td><td><a href="
            f'"{relative(here, self.pdf_path(issue, p))}"><img src="../../../img/pdf.gif" '
            'border="0"></a></td></tr>\n'
            for p in view.pages
        )
        forward = f'<a href="{next_href}">下一版</a>' if next_href else ""
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{esc(view.paper.name)}</title>\n"
            '<script type="text/javascript" src="../../../js/navi.js"></script>\n</head>\n'
            '<body>\n<div class="main-ed">\n'
            f'<div class="main-ed-date">{page_label_date(issue.date)}</div>\n'
            f'<div class="main-ed-map"><img src="{image}" usemap="#pagePicMap" border="0">'
            f'<map name="pagePicMap">{areas}</map></div>\n'
            f'<div class="main-ed-banci">第{page.number}版：<strong>{esc(page.name)}</strong>'
            "</div>\n"
            f'<div class="main-ed-next">{forward}</div>\n'
            f'<div class="main-ed-pdf"><a href="{pdf}">PDF</a></div>\n'
            f'<div id="main-ed-articlenav-list"><ul>\n{titles}</ul></div>\n'
            f'<table id="bmdhTable">\n{rows}</table>\n'
            '<div id="calendar"></div>\n</div>\n</body>\n</html>\n'
        )

    # -- articles -----------------------------------------------------------------------

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        issue = view.issue
        page = issue.page(art.page)
        content = view.content(art)
        here = self.article_path(issue, art)
        pictures, paragraphs = self._article_body(view, art, 1)
        titles = view.memo(
            ("navi_titles", page.order),
            lambda: "".join(
                f'<li><a href="{posix_name(self.article_path(issue, a))}">'
                f"{esc(view.content(a).title)}</a></li>\n"
                for a in page.articles
            ),
        )
        nav = []
        for label, step in (("上一篇", -1), ("下一篇", 1)):
            other = view.neighbour_article(art, step)
            if other is not None:
                nav.append(f'<a href="{posix_name(self.article_path(issue, other))}">{label}</a>')
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{esc(content.title)}</title>\n</head>\n<body>\n"
            f'<div class="main-ed-date">{page_label_date(issue.date)}</div>\n'
            f'<div class="banci">第{page.number}版：<strong>{esc(page.name)}</strong></div>\n'
            f'<div class="back"><a href="{relative(here, self.page_path(issue, page))}">'
            "返回版面</a></div>\n"
            f'<div id="main-ed-articlenav-list"><ul>\n{titles}</ul></div>\n'
            '<div class="article-box">\n'
            f'<p class="yinti">{esc(content.kicker or "")}</p>\n'
            f'<p class="BSHARE_TEXT">{esc(content.title)}</p>\n'
            f'<p class="futi">{esc(content.subtitle or "")}</p>\n'
            f'<p class="author">{esc(content.byline or "")}</p>\n'
            f"{pictures}"
            f'<div id="ozoom"><!--enpcontent-->{paragraphs}<!--/enpcontent--></div>\n'
            f'<div class="artnav">{"&nbsp;&nbsp;".join(nav)}</div>\n'
            "</div>\n</body>\n</html>\n"
            f"{self._enpproperty(view, page)}"
        )

    broken_replacements: tuple[tuple[str, str], ...] = (
        ("pagePicMap", "pagemap2"),
        ('id="bmdhTable"', 'class="pages"'),
        ('id="main-ed-articlenav-list"', 'class="titles"'),
        ('class="BSHARE_TEXT"', 'class="headline"'),
        ('id="ozoom"', 'class="zoom"'),
        ("<!--enpcontent-->", ""),
        ("<!--/enpcontent-->", ""),
        ('href="content_', 'href="javascript:void(0)" data-href="content_'),
    )


def posix_name(path: str) -> str:
    """The file name of a path: what a link between documents of one folder prints."""
    return path.rsplit("/", 1)[-1]


def _parse_month(text: str) -> tuple[int, int] | None:
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return (year, month) if 1 <= month <= 12 else None


def _asset_target(parts: list[str]) -> Target | None:
    """The date of an image or PDF path of any variant."""
    try:
        if parts[0] == "images" and len(parts) == 5:
            month = _parse_month(parts[1])
            return Target("asset", dt.date(*month, int(parts[2]))) if month else None
        if parts[0] in ("html", "content") and len(parts) == 6:
            month = _parse_month(parts[2])
            return Target("asset", dt.date(*month, int(parts[3]))) if month else None
        if parts[0] == "page" and len(parts) == 5:
            return Target("asset", dt.date.fromisoformat(parts[2]))
    except ValueError:
        return None
    return None
