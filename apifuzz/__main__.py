"""``python -m apifuzz``."""

from apifuzz.cli import main

raise SystemExit(main())
