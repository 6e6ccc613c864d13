"""Captures in the database: one row per record, rows linked to them, revisits to originals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from crawler.db.captures import CAPTURES, capture_of_row, find_original
from crawler.db.store import ARTICLES, IMAGES, ISSUES, PAGES
from crawler.db.writer import BatchWriter, PaperInfo
from crawler.items import (
    Article,
    ArticleItem,
    CaptureItem,
    CaptureRef,
    FileItem,
    Image,
    IssueItem,
    PageItem,
    PageRef,
)

DAY = dt.date(2021, 10, 20)
BASE = "http://127.0.0.1:9/lzcb/content/20211020/"


def info(slug: str) -> PaperInfo:
    return PaperInfo(slug, "鲁中晨报", "paperindex", "http://127.0.0.1:9/lzcb/")


def capture(url: str, offset: int, **changes: object) -> CaptureRef:
    values: dict[str, object] = {
        "url": url,
        "fetched_at": dt.datetime(2021, 10, 20, 1, 0, offset % 60, tzinfo=dt.UTC),
        "http_status": 200,
        "content_type": "text/html",
        "payload_digest": f"sha1:{url[-12:]}",
        "record_type": "response",
        "warc_file": "epaper-20211020010000000-h-1-00001.warc.gz",
        "warc_offset": offset,
        "warc_length": 100,
        "warc_record_id": f"<urn:uuid:{offset}>",
    }
    values.update(changes)
    return CaptureRef(**values)  # type: ignore[arg-type]


def test_rows_point_at_their_captures_and_revisits_at_originals(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    issue = capture(BASE + "IssueIndex.htm", 400)
    page = capture(BASE + "Page05NU.htm", 900)
    article = capture(BASE + "Articel05001NU.htm", 1500)
    pdf = capture("http://127.0.0.1:9/lzcb/pdf/20211020/Page05NU.pdf", 2500)
    image = capture("http://127.0.0.1:9/lzcb/images/20211020/a_1.jpg", 3100)
    robots = capture("http://127.0.0.1:9/robots.txt", 10)  # an answer that gave no row
    ref = PageRef(order=1, number="05", name="淄博", url=BASE + "Page05NU.htm", pdf_url=pdf.url)
    text = Article(url=article.url, title="标题", images=(Image(image.url, "说明"),))
    writer.write(
        [
            CaptureItem(robots),
            CaptureItem(issue),
            IssueItem("lzcb", DAY, issue.url, 1, capture=issue),
            CaptureItem(page),
            PageItem("lzcb", DAY, ref, 1, capture=page),
            CaptureItem(article),
            ArticleItem("lzcb", DAY, text, page_number="05", order=1, capture=article),
            CaptureItem(pdf),
            FileItem("lzcb", DAY, "pdf", pdf.url, capture=pdf, path="ab/cd/abcd.pdf"),
            CaptureItem(image),
            FileItem("lzcb", DAY, "image", image.url, capture=image),
        ]
    )
    # The nightly re-check: the same article page, identical: a revisit.
    again = capture(
        article.url,
        50,
        warc_file="epaper-20211021010000000-h-2-00001.warc.gz",
        record_type="revisit",
        refers_to_file=article.warc_file,
        refers_to_offset=article.warc_offset,
    )
    BatchWriter(engine, info).write(
        [
            CaptureItem(again),
            CaptureItem(again),  # announced twice: still one row
            ArticleItem("lzcb", DAY, text, page_number="05", order=1, capture=again),
        ]
    )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CAPTURES)).scalar() == 7
        place = select(CAPTURES.c.warc_offset)
        assert (
            conn.execute(place.join(ISSUES, ISSUES.c.capture_id == CAPTURES.c.id)).scalar_one()
            == 400
        )
        assert (
            conn.execute(place.join(PAGES, PAGES.c.capture_id == CAPTURES.c.id)).scalar_one() == 900
        )
        assert (
            conn.execute(place.join(PAGES, PAGES.c.pdf_capture_id == CAPTURES.c.id)).scalar_one()
            == 2500
        )
        assert conn.execute(select(PAGES.c.pdf_path)).scalar_one() == "ab/cd/abcd.pdf"
        assert conn.execute(
            select(IMAGES.c.file_path, CAPTURES.c.warc_offset).join(
                CAPTURES, CAPTURES.c.id == IMAGES.c.capture_id
            )
        ).one() == (None, 3100)
        article_id = conn.execute(select(ARTICLES.c.id)).scalar_one()
        shown = capture_of_row(conn, "article", article_id)
        assert shown is not None
        assert (shown.record_type, shown.warc_offset) == ("revisit", 50)
        assert (shown.payload_file, shown.payload_offset) == (article.warc_file, 1500)
        original = find_original(conn, article.url, article.payload_digest)
        assert original is not None and original.record_id == "<urn:uuid:1500>"
        assert find_original(conn, article.url, "sha1:OTHER") is None
        assert capture_of_row(conn, "article", 999) is None
