"""`python -m metrics VERB ...`: see metrics/cli.py."""

import sys

from metrics.cli import main

sys.exit(main())
