"""``python -m curriculum`` is the same as ``learn``."""

from curriculum.cli import main

raise SystemExit(main())
