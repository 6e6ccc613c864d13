"""A failed request's stored reason comes from the failure's type, never its message."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.archive import NotArchivedResponseError
from crawler.offsite import OffsiteRedirectError
from crawler.spiders.epaper import failure_reason

URL = "http://127.0.0.1:8000/lzcb/content/20211020/Articel05002NU.htm"


def http_error(status: int) -> HttpError:
    response = Response(URL, status=status, request=Request(URL))
    return HttpError(response, "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (http_error(404), "http 404"),
        (http_error(503), "http 503"),
        (NotArchivedResponseError("WARC disk full"), "not archived: WARC disk full"),
        (DownloadTimeoutError("Getting it took longer than 5 seconds."), "timeout"),
        (TxTimeoutError(), "timeout"),
        (TCPTimedOutError(), "timeout"),
        (DownloadCancelledError("Cancelling download: 20000000 bytes > 16777216"), "too large"),
        (ResponseDataLossError(), "truncated"),
        (ResponseNeverReceived([]), "truncated"),
        (OffsiteRedirectError("to http://elsewhere.example/"), "refused: off-site redirect"),
        (IgnoreRequest("Forbidden by robots.txt"), "refused: robots.txt"),
        (TxConnectionRefusedError(), "error: ConnectionRefusedError"),
        # The words of a message decide nothing: only the type does.
        (ValueError("timed out, truncated, max size, offsite, robots.txt"), "error: ValueError"),
    ],
)
def test_failure_reason_by_type(error: BaseException, reason: str) -> None:
    assert failure_reason(Failure(error)) == reason
