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
#: calendars, an entry page and a PDF.
DIGESTS = {
    "/rmrb/pc/layout/202503/28/node_01.html": (
        "e36ea5349bfda3ff7da43260a7f4afa0074cb6b48c939ae5f2839f5be6c52ed4"
    ),
    "/rmrb/pc/content/202503/28/content_30363541.html": (
        "3f737421bb012fedf6daa0079d650c9a092eaeff857111f918bd3f7f46fe8480"
    ),
    "/rmrb/html/2024-11/20/nbs.D110000renmrb_01.htm": (
        "1497d94d4d432d65b78b203245f0bd9b42c6771dde8f11184c84998eb919b4bd"
    ),
    "/rmrb/html/2024-11/20/nw.D110000renmrb_20241120_1-01.htm": (
        "5ae3d015763e3042e833aa6d7bf311a17752cbaf7e750710088e4fcd46177278"
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
    "/hbrb/pc/layout/202503/28/node_01.html": (
        "aedda56c7e255a71b5ad45a9b7b9095bb839732253c54dfdc0d7c2accc39d8bb"
    ),
    "/hbrb/pc/content/202503/28/content_563561.html": (
        "2decd55269a30a962dccd28561ab06b1ef683d4f7e27ec94df569f170fa18f96"
    ),
    "/dzrb/content/20250328/IssueIndex.htm": (
        "056b064723245c24e9b72bbc0cd027798c804823f0eabdbb48506773445eca1f"
    ),
    "/dzrb/content/20250328/Articel02004RY.htm": (
        "3c36aa764e1046135abe7fca3702a38a39477826a4f5daab55b749ec5086d7a8"
    ),
    "/lzcb/content/20250328/IssueIndex.htm": (
        "cfe3421774241fc9ad2c18cbf28d0d2e61f3dcdacd7ead38b2477ec534579bcf"
    ),
    "/lzcb/content/20250328/Articel01003JH.htm": (
        "c8a8643e735eacfd76979185805b88838bd904e744509b73cdbaf4271bd05b61"
    ),
    "/kjrb/html/2025-03/period.xml": (
        "763a8720f6e0e8ca88a51badd297755a1571fe29be61c1479c7af0404944b6d1"
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
    ("jxrb", "2022-11-30"): "2b7ae2c7f9d0b0fb1ac55c73680b0b5b48883ee58f719b994cd6a32b2a34fc49",
    ("jxrb", "2022-12-01"): "e4df227335c509b206f614d858e6448276cac9bb051477211671b6cdfcc91451",
    ("dzrb", "2025-03-28"): "00c7ca8d90771197e2e8af700467fce881ed24a31132dd3e67d4e79dc3f82041",
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
            paths += [
                family.issue_path(issue),
                family.page_path(issue, page),
                family.article_path(issue, art, 2),
                family.pdf_path(issue, page),
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
