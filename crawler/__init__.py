"""epaper-archive: an archival crawler for Chinese digital newspapers (数字报)."""

from __future__ import annotations

__version__ = "0.1.0"
