"""``python -m mocksite``: see :mod:`mocksite.cli`."""

import sys

from mocksite.cli import main

sys.exit(main())
