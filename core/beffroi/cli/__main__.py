"""``python -m beffroi.cli``: the ``beffroi`` command."""
from beffroi.cli import main

raise SystemExit(main())
