"""Disk use of the raw archive per 1,000 articles, and per re-checked URL, on the mock site.

Crawls one paper of the mock site twice into a temporary folder (HTML only, as by
default; then with page PDFs, images and the file store), then runs the nightly update of
the second crawl, and prints WARC, file store and database sizes. Stdlib and the project.

    python tests/benchmarks/archive_disk_use.py
    python tests/benchmarks/archive_disk_use.py --paper lzcb --since 2021-10-08 --until 2021-10-21
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from mocksite.testing import MockSiteProcess, run_mocksite  # noqa: E402

FILES = ("EPAPER_DOWNLOAD_PDFS=true", "EPAPER_DOWNLOAD_IMAGES=true")


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def epaper(site: MockSiteProcess, root: Path, args: list[str], settings: list[str]) -> None:
    command = [sys.executable, "-m", "crawler.cli", *args]
    command += ["--base-url-override", site.base_url + "/{slug}/", "--profile", "mock"]
    for setting in settings:
        command += ["-s", setting]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")


def measure(
    site: MockSiteProcess, root: Path, args: argparse.Namespace, label: str
) -> dict[str, float]:
    database = root / f"{label}.sqlite3"
    warc, files = root / f"warc-{label}", root / f"files-{label}"
    settings = [f"EPAPER_WARC_DIR={warc}"]
    if label == "files":
        settings += [*FILES, f"EPAPER_FILES_DIR={files}"]
    common = ["--database", f"sqlite:///{database}", "--today", args.until]
    epaper(
        site,
        root,
        ["crawl", args.paper, "--since", args.since, "--until", args.until, *common],
        settings,
    )
    with sqlite3.connect(database) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        responses = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    crawled = folder_size(warc)
    result = {
        "articles": articles,
        "responses": responses,
        "warc_bytes": crawled,
        "warc_mb_per_1000_articles": crawled / articles,
        "files_mb_per_1000_articles": folder_size(files) / articles,
        "database_mb_per_1000_articles": database.stat().st_size / articles,
        "warc_bytes_per_response": crawled / responses,
    }
    # The nightly update: the newest issue again, unchanged.
    epaper(site, root, ["update", args.paper, *common], settings)
    with sqlite3.connect(database) as conn:
        revisits = conn.execute(
            "SELECT count(*) FROM captures WHERE record_type = 'revisit'"
        ).fetchone()[0]
    result["rechecked_urls"] = revisits
    result["warc_bytes_per_rechecked_url"] = (folder_size(warc) - crawled) / max(revisits, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default="lzcb")
    parser.add_argument("--since", default="2021-10-08")
    parser.add_argument("--until", default="2021-10-21")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp, run_mocksite(today="2025-03-31") as site:
        for label in ("html", "files"):
            results[label] = measure(site, Path(tmp), args, label)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for label, r in results.items():
        print(
            f"{label}: {r['articles']} articles, {r['responses']} responses: "
            f"WARC {r['warc_mb_per_1000_articles'] / 1000:.2f} MB, "
            f"file store {r['files_mb_per_1000_articles'] / 1000:.2f} MB, "
            f"database {r['database_mb_per_1000_articles'] / 1000:.2f} MB per 1,000 articles; "
            f"{r['warc_bytes_per_response']:.0f} bytes per response; nightly update: "
            f"{r['rechecked_urls']} re-checked URLs, "
            f"{r['warc_bytes_per_rechecked_url']:.0f} bytes each"
        )


if __name__ == "__main__":
    main()
