"""Scrapy spiders: they navigate only; extraction lives in :mod:`crawler.extract`."""
