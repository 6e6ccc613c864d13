"""Binary files of the mock site: a tiny valid PDF per page and one tiny JPEG for every image."""

from __future__ import annotations


def tiny_pdf(label: str) -> bytes:
    """A one-page PDF whose page prints ``label`` (ASCII), with a correct xref table.

    >>> pdf = tiny_pdf("lzcb 2021-10-20 05")
    >>> pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    True
    >>> b"(lzcb 2021-10-20 05)" in pdf
    True
    """
    safe = (
        label.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    )
    stream = b"BT /F1 12 Tf 20 260 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 300] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _tiny_jpeg() -> bytes:
    # An 8x8 grey baseline JPEG: one DC-only block; both Huffman tables hold one
    # one-bit code (DC category 0, AC end-of-block), so the scan is the bits "00".
    one_code = bytes((1,) + (0,) * 15) + b"\x00"
    return b"".join(
        (
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + b"\x01" * 64),
            _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),
            _segment(0xC4, b"\x00" + one_code),
            _segment(0xC4, b"\x10" + one_code),
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",
            b"\xff\xd9",
        )
    )


#: The bytes of every page image and article image (a grey 8x8 JPEG).
TINY_JPEG = _tiny_jpeg()
