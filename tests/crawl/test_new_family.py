"""Adding a family is one module and one line: a throwaway family crawled to its known truth."""

from __future__ import annotations

import subprocess
import sys
import tempfile

from sqlalchemy import Engine, text

from tests.crawl import toy_family
from tests.crawl.conftest import REPO, crawl_env


def test_a_family_added_in_a_test_crawls_to_its_truth(archive: tuple[str, Engine]) -> None:
    url, engine = archive
    with toy_family.serve() as site, tempfile.TemporaryDirectory() as warc_dir:
        done = subprocess.run(
            [
                sys.executable, "-m", "tests.crawl.toy_family", "crawl",
                "toy", "--since", "2025-03-01", "--until", "2025-03-03",
                "--database", url,
                "--base-url-override", site + "/{slug}/",
                "--profile", "mock",
                "--today", "2025-03-10",
            ],
            capture_output=True, text=True, timeout=120, env=crawl_env(warc_dir),
            check=False, cwd=REPO,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        issues = conn.execute(
            text(
                "SELECT i.date, i.status, i.expected_page_count FROM issues i"
                " JOIN papers p ON p.id = i.paper_id WHERE p.slug = 'toy' ORDER BY i.date"
            )
        ).all()
        articles = conn.execute(
            text(
                "SELECT a.title, a.body, a.source_id, pg.number FROM articles a"
                " JOIN pages pg ON pg.id = a.page_id ORDER BY a.source_id"
            )
        ).all()
        family = conn.execute(text("SELECT family FROM papers WHERE slug = 'toy'")).scalar_one()
    assert family == "toy"
    # The date the toy site answers 404 for is stored as a date without an issue.
    assert [(str(d), s, n) for d, s, n in issues] == sorted(
        [(str(day), "complete", len(pages)) for day, pages in toy_family.ISSUES.items()]
        + [("2025-03-02", "none", None)]
    )
    assert [tuple(row) for row in articles] == [
        (story.title, "\n".join(story.paragraphs), str(story.id), number)
        for pages in toy_family.ISSUES.values()
        for number, _, stories in pages
        for story in stories
    ]
