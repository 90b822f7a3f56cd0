"""``python -m pgwidgets_core COMMAND``:

* ``export DIR (--ws-url URL | --ws-path PATH)``: the page and assets as files
  (:mod:`pgwidgets_core.export`);
* ``serve MODULE:FACTORY --workers N ...``: N worker processes for nginx to route by
  session (:mod:`pgwidgets_core.launcher`); ``worker`` is one of them.
"""

import sys

from .export import main as export_main
from .launcher import serve_main, worker_main

COMMANDS = {"export": export_main, "serve": serve_main, "worker": worker_main}

if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
    print("usage: python -m pgwidgets_core export DIRECTORY (--ws-url URL | --ws-path PATH)\n"
          "       python -m pgwidgets_core serve MODULE:FACTORY [--workers N] [--port PORT]"
          " [--nginx-conf FILE] ...   (--help for all)")
    sys.exit(2)
sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
