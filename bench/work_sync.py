"""Workloads for the blocking APIs (pgwidgets_sync and pgwidgets.sync).

They are the workloads of work_async.py with ``async``/``await`` dropped, made
here from that file's source so the two can never drift: ``await f(x)`` becomes
``f(x)``, ``async def`` becomes ``def``, ``async with`` becomes ``with``.  ``flush`` is a plain function here.
"""

from __future__ import annotations

import re
from pathlib import Path

_SOURCE = Path(__file__).with_name("work_async.py")
_code = _SOURCE.read_text(encoding="utf-8")
_code = re.sub(r"\basync (def|with) ", r"\1 ", _code)
_code = re.sub(r"\bawait ", "", _code)
_doc = __doc__
exec(compile(_code, f"{_SOURCE} (as sync)", "exec"), globals())
__doc__ = _doc
