"""The CMS families the crawler reads: one list, looked up by name.

Adding a family is one module under ``crawler/extract/`` exporting its ``FAMILY`` and one
line in :data:`FAMILIES` (docs/adding-a-paper.md).
"""

from __future__ import annotations

from crawler.extract import founder, founder_pc, paperindex, peoples_daily
from crawler.extract.family import Family

#: Every family, in the order reports list them.
FAMILIES: tuple[Family, ...] = (
    paperindex.FAMILY,
    founder.FAMILY,
    founder.NAVI_FAMILY,
    peoples_daily.FAMILY,
    founder_pc.FAMILY,
)


def family_names() -> tuple[str, ...]:
    """The names of the families, in :data:`FAMILIES` order.

    >>> family_names()[0]
    'paperindex'
    """
    return tuple(f.name for f in FAMILIES)


def get_family(name: str) -> Family:
    """The family called ``name``; KeyError for an unknown one.

    >>> get_family("paperindex").root
    'content/'
    """
    for family in FAMILIES:
        if family.name == name:
            return family
    raise KeyError(name)
