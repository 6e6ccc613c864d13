"""Only for ``scrapyd-deploy``, which builds its egg with ``python setup.py bdist_egg``.

Everything is declared in pyproject.toml. Without this file scrapyd-deploy writes its own
setup.py into the checkout, one that packages every folder (tests included) under the name
``project``.
"""

from setuptools import setup

setup()
