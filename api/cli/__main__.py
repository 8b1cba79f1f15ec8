"""`python -m api.cli`: the same as the `stdkb` command."""

import sys

from api.cli.main import main

sys.exit(main())
