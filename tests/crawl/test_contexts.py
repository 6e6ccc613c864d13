"""Callback contexts travel with their requests through a JOBDIR's disk queue."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from scrapy.http import Request
from scrapy.utils.request import request_from_dict

from crawler.items import Article, CaptureRef, Image, PageRef
from crawler.spiders.context import (
    ArticleContext,
    CalendarContext,
    Context,
    PageContext,
    PartContext,
)
from crawler.spiders.epaper import EpaperSpider

BASE = "http://127.0.0.1:8000/kjrb/html/2023-02/10/"
CAPTURE = CaptureRef(
    url=BASE + "content_1.htm",
    fetched_at=dt.datetime(2023, 2, 10, 1, 2, 3, tzinfo=dt.UTC),
    http_status=200,
    content_type="text/html",
    payload_digest="sha1:ABC",
    record_type="response",
    warc_file="a.warc.gz",
    warc_offset=0,
    warc_length=10,
    warc_record_id="<urn:uuid:0>",
)


@pytest.mark.parametrize(
    "context",
    [
        CalendarContext((2023, 2)),
        CalendarContext(),
        PageContext(PageRef(2, "02", "要闻", BASE + "node_3.htm", BASE + "p2.pdf")),
        ArticleContext("02", 5),
        PartContext(
            head=BASE + "content_1.htm",
            article=Article(
                url=BASE + "content_1.htm",
                title="题",
                paragraphs=("一。",),
                images=(Image(BASE + "a.jpg", "图"),),
            ),
            rest=(BASE + "content_1_3.htm",),
            head_capture=CAPTURE,
            page_number="01",
            order=1,
        ),
    ],
)
def test_a_context_survives_the_disk_queue(context: Context) -> None:
    spider = EpaperSpider.__new__(EpaperSpider)  # callbacks are looked up by name only
    request = Request(BASE + "x.htm", callback=spider.parse_page, cb_kwargs={"context": context})
    # What Scrapy's pickle disk queue does with a request under JOBDIR.
    saved = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
    assert request_from_dict(saved, spider=spider).cb_kwargs == {"context": context}
