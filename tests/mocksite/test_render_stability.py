"""The mock site's bytes are pinned: a change to the generator shows up here first.

Every document below, rendered by the default site at the default noon, must hash to the
digest recorded for it, and so must two slices of the ground truth. A change that alters
them on purpose (new markup, new text, a new quirk) updates the digests in the same commit:
``python -m tests.mocksite.test_render_stability`` prints the current ones. A change meant
to be invisible (a faster renderer) must leave them alone; ``tests/mocksite/golden.py``
checks a far larger sample for such changes.

The seed page (lzcb 2021-10-20) is left out: it depends on a file outside the repository.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import posixpath
import sys

import pytest

from mocksite.markup import relative
from mocksite.site import DEFAULT_TODAY, FAMILIES, MockSite, SiteOptions

NOW = dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0))

#: sha256 of the body of each document: every family and paper, issue indexes, articles
#: with images, second parts, GBK, rmrb on both sides of its switch, jxrb on both hosts,
#: calendars, an entry page and a PDF; PaperIndex's IssueIndex.htm refresh stubs and the
#: first pages they name.
DIGESTS = {
    "/rmrb/pc/layout/202503/28/node_01.html": (
        "e36ea5349bfda3ff7da43260a7f4afa0074cb6b48c939ae5f2839f5be6c52ed4"
    ),
    "/rmrb/pc/content/202503/28/content_30363541.html": (
        "3f737421bb012fedf6daa0079d650c9a092eaeff857111f918bd3f7f46fe8480"
    ),
    "/rmrb/html/2024-11/20/nbs.D110000renmrb_01.htm": (
        "d7ec143baace2a6ff40f0975a28f8ef4e83e09de9cc2a50549640fa3fed7bba0"
    ),
    "/rmrb/html/2024-11/20/nw.D110000renmrb_20241120_1-01.htm": (
        "ae7437e41a21e39bfe118e149913463c985ddc1c952730770ef8b2d34ebae373"
    ),
    "/gmrb/html/2025-03/28/nbs.D110000gmrb_01.htm": (
        "91e921495ef73adcbee17ff6d1a032d953e834a91b244109cd75cbce89c3d9c4"
    ),
    "/gmrb/html/2025-03/28/nw.D110000gmrb_20250328_5-01.htm": (
        "3c47f93596fda264359a6aaa46bf8caeb4ac42b4e1d2d9ed7bae6088eaa7bb80"
    ),
    "/kjrb/html/2025-03/27/node_2.htm": (
        "1b178f64418ebe8b3684254e050b3f2315d137c17c9ef3ddb1eccfad8dbe372f"
    ),
    "/kjrb/html/2025-03/27/content_918522.htm": (
        "03b7c6783513e49b0587bbf32a055c026bb0ed3b64b5f5213d0a3cf159012dc8"
    ),
    "/jjjcb/content/2018-03/27/node_2.htm": (
        "9c3a876b1a53f6d255ba90670e441b6c672844aa4f7b8225d0de3caa235af782"
    ),
    "/jjjcb/content/2018-03/27/content_176022.htm": (
        "f4bb043140c6b92f5893669bdb7663012ae16c0f9d08c8518f2113e45680cd10"
    ),
    "/jjjcb/content/2018-03/30/content_177601_2.htm": (
        "f0b4513e1d86bbc23168c94d59c21f4370f8b4f88f5f327436101762a0e0ec64"
    ),
    "/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/28/node_187.htm": (
        "634819b221a24e721fcb4266d6e51210d2171bb5236e8eb518dab025a076e47f"
    ),
    "/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/28/content_413521.htm": (
        "e79ccdf9852ead5899eee7b6bc99b869d433896463be5078b3e4b31d4e4631a6"
    ),
    "/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/28/content_413741_2.htm": (
        "375bc6f1039e2756c2146f32866c76eabb129ee590ad9a4862ae1cb7d0358f59"
    ),
    "/jxrb/html/2025-03/28/node_1.htm": (
        "a296349f567cc112197ea634fb584438b62e46dd10fbd186c0c6e220819aa2f5"
    ),
    "/jxrb/html/2025-03/28/content_1_839024.htm": (
        "0fafaca9d09e99e7f652056fa59c53982a8b11e8063e10540c1108262334e231"
    ),
    "/jxrb/html/2025-03/navi.xml": (
        "7aa966f29be5d8b74ac42881c4d21bbd526c94366f90a9c59dd01e87c843bfde"
    ),
    "/hbrb/pc/column/202503/28/node_01.html": (
        "52af264b80acd7c7df494d72faaad7e89b073328f591d131ea34dc07afe8609e"
    ),
    "/hbrb/pc/content/202503/28/content_563561.html": (
        "91a72acd85c9f45794f003a6f652f86a961e571d4763d197830f53f7af583222"
    ),
    "/dzrb/content/20250328/IssueIndex.htm": (
        "eb0cdc7fb43377971ea04de2aa03f815a38209c98985501a74916b4965cf6ecc"
    ),
    "/dzrb/content/20250328/Articel02004MT.htm": (
        "dbd53a2c48563b0c347fbb267a81c525f8f8f8be62f0b5462106ef5febbe440a"
    ),
    "/dzrb/content/20250328/Page01NU.htm": (
        "82f30068da651c532ff11caf46a8579a98ef27854f702b178a7084f5604dbff1"
    ),
    "/lzcb/content/20250328/Page01a.htm": (
        "374986710edde9990b8010a9613331c17c2707862f8aaba68d24fc39b4a5310f"
    ),
    "/lzcb/content/20250328/IssueIndex.htm": (
        "8fefc1079671d5bd73508688aaf6b7eb3d2096dfeb665fae017a0008123a92dd"
    ),
    "/lzcb/content/20250328/Articel01003a.htm": (
        "ee17269ceadeb2c3df2ee6938653cb3be22e7599fa88762b484e9c36d5dd3ddb"
    ),
    "/kjrb/html/2025-03/period.xml": (
        "763a8720f6e0e8ca88a51badd297755a1571fe29be61c1479c7af0404944b6d1"
    ),
    "/hbrb/pc/column/202503/period.xml": (
        "a51eab9e2b6e7427884479ea8e9c618fb3218d5671e527423779bb312d810ca4"
    ),
    "/lzcb/content/PaperIndex.htm": (
        "e4715a392f7cc7ce2b8fc6d7b3b6231a279b48cc1852d4a22f9379ad1e1b3097"
    ),
    "/gmrb/page/2025-03/28/01/gmrb2025032801.pdf": (
        "69861fc07fc767bc572251cf6124797d8f5775ac9230bb8061ef29c526bd048c"
    ),
}

#: sha256 of the ground truth of one paper and day (JSON, sorted keys, one record a line).
TRUTH_DIGESTS = {
    ("jjjcb", "2018-03-27"): "a34f4fbfb34ada755d64c7592dda59913560274c1f8c7136cb792ae062f98f21",
    ("jxrb", "2022-11-30"): "af0306f658ec3fa8d07ccb1a62abb715bc6bf90a87d969f111a6ec7e75be0382",
    ("jxrb", "2022-12-01"): "f50dbd6ade98dbe3b6d19bff7bab3a37517bc6a25aa5caad6acc2440397b786c",
    ("dzrb", "2025-03-28"): "c41b7518f22100eae60b5f8c08e350f60dba50287fcdb45044f468cf2c9f111b",
}


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions())


def document_digest(site: MockSite, path: str) -> str:
    response = site.render(path, NOW)
    assert response.status == 200, path
    return hashlib.sha256(response.body).hexdigest()


def truth_digest(site: MockSite, slug: str, day: str) -> str:
    date = dt.date.fromisoformat(day)
    records = site.truth(NOW, papers=(slug,), since=date, until=date)
    text = "\n".join(json.dumps(record, sort_keys=True, ensure_ascii=False) for record in records)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("path", sorted(DIGESTS))
def test_document_bytes_are_pinned(site: MockSite, path: str) -> None:
    assert document_digest(site, path) == DIGESTS[path], (
        f"{path} renders other bytes than before: if that is intended, update DIGESTS "
        "(python -m tests.mocksite.test_render_stability)"
    )


@pytest.mark.parametrize(("slug", "day"), sorted(TRUTH_DIGESTS))
def test_ground_truth_is_pinned(site: MockSite, slug: str, day: str) -> None:
    assert truth_digest(site, slug, day) == TRUTH_DIGESTS[(slug, day)], (
        f"the ground truth of {slug} {day} changed: if that is intended, update TRUTH_DIGESTS"
    )


def test_relative_links_are_those_of_posixpath(site: MockSite) -> None:
    # relative() skips posixpath.relpath (and its os.getcwd() calls) for clean paths: it
    # must give the same link between any two documents of every family.
    paths = ["index.htm", "content/PaperIndex.htm", "pc/layout/index.html"]
    for slug, day in (("kjrb", "2025-03-27"), ("gmrb", "2025-03-28"), ("dzrb", "2025-03-28")):
        issue = site.archive.issue(slug, dt.date.fromisoformat(day))
        assert issue is not None
        page, art = issue.pages[-1], issue.pages[0].articles[0]
        for family in FAMILIES.values():
            pdf = family.pdf_path(issue, page)  # None: the variant has no PDFs
            paths += [
                family.issue_path(issue),
                family.page_path(issue, page),
                family.article_path(issue, art, 2),
                *([pdf] if pdf else []),
                family.page_image_path(issue, page),
                family.image_path(issue, art, 1),
            ]
    for start, target in itertools.product(paths, repeat=2):
        expected = posixpath.relpath(target, posixpath.dirname(start) or ".")
        assert relative(start, target) == expected, (start, target)


def main() -> int:
    """Print the digests of the current code, to paste above after an intended change."""
    site = MockSite(SiteOptions())
    for path in DIGESTS:
        print(f'    "{path}": (\n        "{document_digest(site, path)}"\n    ),')
    for slug, day in TRUTH_DIGESTS:
        print(f'    ("{slug}", "{day}"): "{truth_digest(site, slug, day)}",')
    return 0


if __name__ == "__main__":
    sys.exit(main())
