"""The micro-benchmarks on a few pages, so that ``python -m tests.benchmarks.micro`` cannot rot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.micro import main


def test_a_quick_run_measures_every_claim_and_publishes_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("intro\n<!-- bench:micro:begin -->\nold\n<!-- bench:micro:end -->\nrest\n")

    assert main(["--quick", "--rounds", "1", "--docs", str(docs)]) == 0

    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if line.startswith("| ") and "|---" not in line]
    assert rows[0] == "| optimisation (where) | what is timed | old | new | ratio |"
    for where in (
        "`_selector`",
        "`link_by_text`",
        "`_neighbour`",
        "`_LABEL_CANDIDATES`",
        "`cached_statement`",
        "`canonical_url`",
        "`expect`",
        "db/writer.py",
        "`normalize_whitespace`",
    ):
        assert any(where in row for row in rows[1:]), where
    assert all(row.count(" | ") == 4 for row in rows)
    published = docs.read_text()
    assert table.strip() in published
    assert published.startswith("intro\n<!-- bench:micro:begin -->\nMeasured ")
    assert "old\n" not in published and published.endswith("<!-- bench:micro:end -->\nrest\n")


def test_an_unknown_claim_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["--only", "selector,nonsense"])
