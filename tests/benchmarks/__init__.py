"""Benchmarks of the crawler against the mock site (``make bench``; not part of ``make test``)."""
