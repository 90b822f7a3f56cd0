"""The reference binding's own venv, bench/.refvenv (gitignored).

Made with the interpreter that runs the bench (the project venv's, so the same
Python), holding pgwidgets-python 0.4.2 and the same versions of pgwidgets-js,
websockets and playwright as the project venv, so that only the binding differs.
It is reused while its recorded requirements match.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REF_PACKAGE = "pgwidgets-python==0.4.2"
VENV = Path(__file__).resolve().parent / ".refvenv"
STAMP = VENV / ".bench-requirements"
LOG = VENV / "pip.log"


def requirements() -> list[str]:
    reqs = [REF_PACKAGE]
    for dist in ("pgwidgets-js", "websockets", "playwright"):
        try:
            reqs.append(f"{dist}=={version(dist)}")
        except PackageNotFoundError:
            reqs.append(dist)
    return reqs


def python() -> Path:
    return VENV / "bin" / "python"


def _works(py: Path) -> bool:
    try:
        return subprocess.run([str(py), "-c", "import pgwidgets.sync, pgwidgets.async_, "
                               "playwright, websockets"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure(log=print) -> Path:
    """Create or update the venv if needed; its python."""
    reqs = requirements()
    want = "\n".join(reqs) + "\n"
    py = python()
    if py.exists() and STAMP.exists() and STAMP.read_text() == want and _works(py):
        return py
    if not py.exists() or subprocess.run([str(py), "-c", "pass"],
                                         capture_output=True).returncode != 0:
        log(f"bench: creating {VENV} with {sys.executable}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True,
                       timeout=300)
    log(f"bench: pip install {' '.join(reqs)} into {VENV.name} (log: {LOG})")
    with open(LOG, "w") as out:
        r = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check",
                            "-q", *reqs], stdout=out, stderr=subprocess.STDOUT, timeout=900)
    if r.returncode != 0 or not _works(py):
        tail = LOG.read_text(errors="replace").splitlines()[-15:]
        raise RuntimeError("installing the reference failed:\n  " + "\n  ".join(tail))
    STAMP.write_text(want)
    return py
