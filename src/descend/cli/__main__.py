"""``python -m descend.cli``: the ``descend`` command without the installed script."""

import sys

from descend.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
