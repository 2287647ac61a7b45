"""``python -m simulator.validation``: run the classic validations (see :mod:`.suite`)."""

from .suite import main

raise SystemExit(main())
