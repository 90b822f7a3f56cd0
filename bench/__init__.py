"""Benchmarks of this project against the reference binding: ``python -m bench``.

See bench/README.md.  The orchestrator (``__main__``, ``refenv``, ``report``) runs
in the project venv; ``driver.py`` and the modules it imports (``spec``, ``impls``,
``browser``, ``work_async``, ``work_sync``, ``fakepage``) run as plain scripts in
either venv and import nothing from this package.
"""
