"""``epaper coverage``: what the archive holds of each paper, day by day, as a calendar.

Built from the ``issue_coverage`` view: per paper, month by month, a cell per day
(complete, partial, missing, no issue, not crawled) with its counts and reason; then the
gaps (runs of days not complete and not without issue) and the last runs. Three renderings:
text for a terminal, CSV for a spreadsheet, and one self-contained HTML page (no script,
no external file) to open in a browser.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import html
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crawler.db.analysis import COVERAGE_STATES, DayCoverage, RunInfo

#: One character per state in the text calendar.
GLYPHS = {
    "complete": "#",
    "partial": "+",
    "missing": "x",
    "no issue": ".",
    "not crawled": "?",
}
#: The HTML cell's class of a state (``data-status`` holds the state itself).
CSS_CLASSES = {state: state.replace(" ", "-") for state in COVERAGE_STATES}
#: States that are a hole in the archive; a date without an issue is not.
GAP_STATES = frozenset({"partial", "missing", "not crawled"})


@dataclass(frozen=True, slots=True)
class PaperCoverage:
    """One paper's days, in date order, and its last runs."""

    slug: str
    name: str
    days: tuple[DayCoverage, ...]
    runs: tuple[RunInfo, ...] = ()

    def counts(self) -> Counter[str]:
        """Days per state."""
        return Counter(day.coverage for day in self.days)

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the days span, in order."""
        return list(dict.fromkeys((d.date.year, d.date.month) for d in self.days))


@dataclass(frozen=True, slots=True)
class Gap:
    """Consecutive days of one state that leave a hole in the archive."""

    coverage: str
    first: dt.date
    last: dt.date
    reasons: tuple[str, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def group_by_paper(
    days: Iterable[DayCoverage], runs: Mapping[str, Sequence[RunInfo]] | None = None
) -> list[PaperCoverage]:
    """The rows of ``issue_coverage`` (by paper, then date) as one coverage per paper."""
    papers: dict[str, list[DayCoverage]] = {}
    for day in days:
        papers.setdefault(day.paper, []).append(day)
    return [
        PaperCoverage(
            slug=slug,
            name=rows[0].paper_name,
            days=tuple(rows),
            runs=tuple((runs or {}).get(slug, ())),
        )
        for slug, rows in papers.items()
    ]


def gaps(days: Sequence[DayCoverage]) -> list[Gap]:
    """Runs of consecutive days in the same gap state (partial, missing, not crawled).

    >>> d = dt.date(2025, 2, 1)
    >>> rows = [DayCoverage("p", "P", d + dt.timedelta(n), s, r, None, 0, 0, 0)
    ...         for n, (s, r) in enumerate([("complete", None), ("not crawled", None),
    ...                                     ("not crawled", None), ("partial", "timeout ×1")])]
    >>> [(g.coverage, g.first.day, g.days, g.reasons) for g in gaps(rows)]
    [('not crawled', 2, 2, ()), ('partial', 4, 1, ('timeout ×1',))]
    """
    found: list[Gap] = []
    for day in days:
        if day.coverage not in GAP_STATES:
            continue
        last = found[-1] if found else None
        reason = (day.reason,) if day.reason else ()
        if (
            last is not None
            and last.coverage == day.coverage
            and last.last + dt.timedelta(days=1) == day.date
        ):
            merged = last.reasons + tuple(r for r in reason if r not in last.reasons)
            found[-1] = Gap(last.coverage, last.first, day.date, merged)
        else:
            found.append(Gap(day.coverage, day.date, day.date, reason))
    return found


def describe(day: DayCoverage) -> str:
    """What a cell says on hover.

    >>> describe(DayCoverage("p", "P", dt.date(2025, 2, 3), "partial", "http 503 ×2", 8, 8, 40, 2))
    '2025-02-03: partial, 8/8 pages, 40 articles, 2 failures (http 503 ×2)'
    >>> describe(DayCoverage("p", "P", dt.date(2025, 2, 1), "no issue", "calendar", None, 0, 0, 0))
    '2025-02-01: no issue (calendar)'
    """
    text = f"{day.date.isoformat()}: {day.coverage}"
    if day.coverage in {"complete", "partial"}:
        expected = day.expected_pages if day.expected_pages is not None else "?"
        text += f", {day.pages}/{expected} pages, {day.articles} articles"
        if day.failures:
            text += f", {day.failures} failure" + ("s" if day.failures != 1 else "")
    if day.reason:
        text += f" ({day.reason})"
    return text


def _run_line(run: RunInfo) -> str:
    dates = f"{run.since or 'first issue'} .. {run.until or 'today'}"
    ended = run.finished_at.strftime("%Y-%m-%d %H:%M") if run.finished_at else "not finished"
    return (
        f"run {run.id} {run.mode} {dates}: started {run.started_at:%Y-%m-%d %H:%M} UTC, "
        f"ended {ended} ({run.finish_reason or 'no reason recorded'})"
    )


def _counts_line(counts: Counter[str]) -> str:
    return ", ".join(f"{counts.get(state, 0)} {state}" for state in COVERAGE_STATES)


def _gap_line(gap: Gap) -> str:
    span = gap.first.isoformat() if gap.days == 1 else f"{gap.first} .. {gap.last}"
    why = f": {'; '.join(gap.reasons)}" if gap.reasons else ""
    return f"{span} {gap.coverage} ({gap.days} day{'s' if gap.days != 1 else ''}){why}"


# --- text -------------------------------------------------------------------------------


def render_text(papers: Sequence[PaperCoverage]) -> str:
    """A terminal calendar: a line per month, a character per day (see ``GLYPHS``)."""
    legend = "  ".join(f"{glyph} {state}" for state, glyph in GLYPHS.items())
    lines = [f"legend: {legend}   (a space: a day outside the range)"]
    for paper in papers:
        lines += ["", f"{paper.slug} {paper.name}: {_counts_line(paper.counts())}"]
        by_date = {day.date: day for day in paper.days}
        header = "".join(str(n % 10) for n in range(1, 32))
        lines.append(f"  {'':7}  {header}")
        for year, month in paper.months():
            cells = []
            for n in range(1, calendar.monthrange(year, month)[1] + 1):
                day = by_date.get(dt.date(year, month, n))
                cells.append(GLYPHS[day.coverage] if day else " ")
            lines.append(f"  {year:04d}-{month:02d}  {''.join(cells)}")
        found = gaps(paper.days)
        lines.append("  gaps: none" if not found else "  gaps:")
        lines += [f"    {_gap_line(gap)}" for gap in found]
        if paper.runs:
            lines.append("  last runs:")
            lines += [f"    {_run_line(run)}" for run in paper.runs]
    return "\n".join(lines) + "\n"


# --- CSV --------------------------------------------------------------------------------

CSV_FIELDS = (
    "paper",
    "date",
    "coverage",
    "reason",
    "expected_pages",
    "pages",
    "articles",
    "failures",
)


def render_csv(papers: Sequence[PaperCoverage]) -> str:
    """One line per paper and day, the columns of :data:`CSV_FIELDS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for paper in papers:
        for day in paper.days:
            writer.writerow(
                [
                    day.paper,
                    day.date.isoformat(),
                    day.coverage,
                    day.reason or "",
                    "" if day.expected_pages is None else day.expected_pages,
                    day.pages,
                    day.articles,
                    day.failures,
                ]
            )
    return out.getvalue()


# --- HTML -------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 2em;
       color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 2em; }
.legend { margin: 1em 0; } .legend span { display: inline-block; margin-right: 1.2em; }
.swatch { width: 1em; height: 1em; vertical-align: middle; border: 1px solid #999;
          margin-right: .3em; }
.months { display: flex; flex-wrap: wrap; gap: 1.5em; }
table.month { border-collapse: collapse; }
table.month caption { font-weight: bold; padding-bottom: .3em; }
table.month th { font-weight: normal; color: #666; font-size: .8em; }
td { width: 2em; height: 2em; text-align: center; font-size: .8em; border: 1px solid #fff; }
td.day { cursor: default; }
.complete { background: #2e7d32; color: #fff; }
.partial { background: #f9a825; }
.missing { background: #c62828; color: #fff; }
.no-issue { background: #e0e0e0; color: #555; }
.not-crawled { background: #fff; color: #999; border: 1px dashed #bbb; }
td.outside { background: transparent; }
ul { line-height: 1.5; }
"""


def _month_table(paper: PaperCoverage, year: int, month: int) -> str:
    by_date = {day.date: day for day in paper.days}
    rows = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for date in week:
            day = by_date.get(date) if date.month == month else None
            if day is None:
                cells.append('<td class="outside"></td>')
                continue
            cells.append(
                f'<td class="day {CSS_CLASSES[day.coverage]}" data-status="{day.coverage}" '
                f'data-date="{date.isoformat()}" title="{html.escape(describe(day))}">'
                f"{date.day}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))
    return (
        f'<table class="month"><caption>{year:04d}-{month:02d}</caption>'
        f"<tr>{head}</tr>{''.join(rows)}</table>"
    )


def render_html(papers: Sequence[PaperCoverage], generated: dt.datetime | None = None) -> str:
    """A self-contained page: a calendar per paper, the legend with counts, gaps, runs."""
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>Archive coverage</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Archive coverage</h1>",
        (
            f"<p>Generated {when} from the <code>issue_coverage</code> view. "
            "Hover over a day for its pages, articles and reason.</p>"
        ),
    ]
    if not papers:
        parts.append("<p>The archive holds no paper yet.</p>")
    for paper in papers:
        counts = paper.counts()
        parts.append(
            f'<section class="paper" data-paper="{html.escape(paper.slug)}">'
            f"<h2>{html.escape(paper.name)} ({html.escape(paper.slug)})</h2>"
        )
        legend = "".join(
            f'<span class="legend-item" data-status="{state}">'
            f'<span class="swatch {CSS_CLASSES[state]}"></span>{state}: '
            f'<b class="count">{counts.get(state, 0)}</b></span>'
            for state in COVERAGE_STATES
        )
        parts.append(f'<div class="legend">{legend}</div>')
        parts.append('<div class="months">')
        parts += [_month_table(paper, year, month) for year, month in paper.months()]
        parts.append("</div>")
        found = gaps(paper.days)
        parts.append("<h3>Gaps</h3>")
        if found:
            items = "".join(
                f'<li class="gap" data-status="{gap.coverage}">{html.escape(_gap_line(gap))}</li>'
                for gap in found
            )
            parts.append(f'<ul class="gaps">{items}</ul>')
        else:
            parts.append("<p>None: every day is complete or has no issue.</p>")
        if paper.runs:
            items = "".join(f"<li>{html.escape(_run_line(run))}</li>" for run in paper.runs)
            parts.append(f'<h3>Last runs</h3><ul class="runs">{items}</ul>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
