"""``python -m crawler.datasette docs``: refresh metadata.json from docs/."""

from __future__ import annotations

import sys

from crawler.datasette import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
