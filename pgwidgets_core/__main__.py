"""``python -m pgwidgets_core export DIR --ws-url URL``: see :mod:`pgwidgets_core.export`."""

import sys

from .export import main

if len(sys.argv) < 2 or sys.argv[1] != "export":
    print("usage: python -m pgwidgets_core export DIRECTORY (--ws-url URL | --ws-path PATH)")
    sys.exit(2)
sys.exit(main(sys.argv[2:]))
