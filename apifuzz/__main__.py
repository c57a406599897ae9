"""``python -m apifuzz``."""

from apifuzz.entry import main

raise SystemExit(main())
