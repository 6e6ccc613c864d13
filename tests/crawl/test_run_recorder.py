"""The run recorder when the database refuses the run's last write (a full disk)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy.exc import OperationalError

import crawler.runs
from crawler.params import CrawlParams
from crawler.runs import RunRecorder


def test_a_run_whose_end_cannot_be_recorded_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    scrapy_crawler = get_crawler(settings_dict={"EPAPER_DATABASE_URL": url})
    recorder = RunRecorder(scrapy_crawler)
    spider = SimpleNamespace(
        params=CrawlParams.from_arguments({"paper": "lzcb"}, today=dt.date(2025, 3, 31)),
        problems=[],
    )
    recorder.spider_opened(spider)  # type: ignore[arg-type]
    assert recorder.result.run_id is not None

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE crawl_runs", {}, Exception("database or disk is full"))

    monkeypatch.setattr(crawler.runs, "finish_run", full_disk)
    with caplog.at_level(logging.ERROR):
        recorder.spider_closed(spider, "finished")  # type: ignore[arg-type]

    assert not recorder.result.ok
    assert recorder.result.verdict == "failed"
    [failure] = recorder.result.failures
    assert failure.startswith("the end of the run could not be recorded: ")
    assert "disk is full" in failure
    assert "Traceback" not in caplog.text
