"""``python -m tests.archive.enospc BYTES epaper ARGS...``: ``epaper`` with a WARC folder
that fills up after BYTES, for machines where a small tmpfs cannot be mounted.

Every WARC file the writer opens gets a disk of BYTES in all: the write that crosses it
puts its first bytes on disk and then fails with ``ENOSPC``, as a full file system does.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from types import ModuleType
from typing import Any

import crawler.warc
from crawler.cli import main


class _Disk:
    def __init__(self, free: int) -> None:
        self.free = free


class _FullingFile(io.FileIO):
    disk: _Disk

    def write(self, data: Any) -> int:
        view = memoryview(data)
        if len(view) <= self.disk.free:
            self.disk.free -= len(view)
            return super().write(view)
        written = super().write(view[: self.disk.free])
        self.disk.free = 0
        if written:
            return written  # a short write: the next one fails
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def small_disk_os(free: int) -> ModuleType:
    """An ``os`` module for :mod:`crawler.warc` whose WARC files share ``free`` bytes."""
    disk = _Disk(free)
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", buffering: int = -1, **kwargs: Any) -> Any:
        if mode == "ab" and buffering == 0:
            handle = _FullingFile(fd, "ab", closefd=True)
            handle.disk = disk
            return handle
        return real_fdopen(fd, mode, buffering, **kwargs)

    module = ModuleType("os_with_a_small_disk")
    module.__dict__.update(os.__dict__)
    module.fdopen = fdopen  # type: ignore[attr-defined]
    return module


if __name__ == "__main__":
    crawler.warc.os = small_disk_os(int(sys.argv[1]))  # type: ignore[attr-defined]
    sys.exit(main(sys.argv[3:]))
