"""``python -m carm`` runs the command line."""

import sys

from carm.cli import main

sys.exit(main())
