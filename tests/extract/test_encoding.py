"""Decoding: what text a page's bytes become under honest and lying charset declarations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from crawler.encoding import decode_body, decode_html, decode_response, normalize_charset

TEXT = "鲁中晨报 第05版：淄博 投诉举报快速回应 淄博实现三个100% 镕"  # 镕: GBK-only, not GB2312


def page(charset: str) -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"</head><body><p>{TEXT}</p></body></html>"
    )


@pytest.mark.parametrize(
    ("body_codec", "meta", "header", "codec"),
    [
        ("utf-8", "utf-8", "utf-8", "utf-8"),
        ("utf-8", "gb2312", "utf-8", "utf-8"),  # meta lies, header right
        ("utf-8", "gb2312", None, "utf-8"),  # meta lies, no header: GB18030 fails on it
        ("gbk", "gb2312", None, "gb18030"),  # GBK bytes under a gb2312 label
        ("gbk", "gb2312", "GB2312", "gb18030"),
        ("gb18030", "gbk", "gbk", "gb18030"),
        ("gbk", "gbk", "ISO-8859-1", "gb18030"),  # default server label loses to the page
        ("gbk", "utf-8", "gbk", "gb18030"),  # header right, meta lies
    ],
)
def test_decoding_order(body_codec: str, meta: str, header: str | None, codec: str) -> None:
    decoded = decode_body(page(meta).encode(body_codec), header)
    assert TEXT in decoded.text
    assert decoded.encoding == codec
    assert not decoded.lossy


def test_header_beats_meta_even_when_both_decode() -> None:
    # Latin-1 meta on UTF-8 bytes would decode without error but give mojibake.
    body = page("windows-1252").encode("utf-8")
    assert TEXT in decode_html(body, "utf-8")


def test_broken_bytes_are_replaced_and_reported() -> None:
    body = "淄博".encode() + b"\xff\xfe\x80" + "晨报".encode()
    decoded = decode_body(body, "utf-8")
    assert decoded.lossy
    assert decoded.text.startswith("淄博")
    assert decoded.text.endswith("晨报")


def test_utf8_page_with_a_lying_meta_and_no_header() -> None:
    # These UTF-8 bytes are also valid GB18030: only the order of guesses gets them right.
    body = '<meta charset="gb2312"><p>淄博</p>'.encode()
    assert "淄博" in decode_html(body, None)


def test_bom_wins_without_a_header() -> None:
    assert decode_html(b"\xef\xbb\xbf" + page("gbk").encode("utf-8"), None).startswith("<html>")


def test_scrapy_response_is_decoded_from_its_header() -> None:
    response = HtmlResponse(
        "http://127.0.0.1/a.htm",
        body=page("utf-8").encode("gbk"),
        headers={"Content-Type": "text/html; charset=gb2312"},
    )
    decoded = decode_response(response)
    assert TEXT in decoded.text
    assert decoded.encoding == "gb18030"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("UTF8", "utf-8"),
        ("'utf-8'", "utf-8"),
        ("bogus", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([None, "utf-8", "gbk", "latin-1", "nonsense"]))
def test_never_raises(body: bytes, header: str | None) -> None:
    assert isinstance(decode_html(body, header), str)
