"""Allow ``python -m parley``."""

from parley.cli import main

raise SystemExit(main())
