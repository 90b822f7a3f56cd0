# pgwidgets-sync developer tasks (GNU make).
#
#   make demo    run the demo (prints the URL to open)
#   make test    create .venv, install, install Chromium, Xvfb and nginx if missing, run pytest
#   make bench   run the benchmarks (python -m bench) if they exist
#   make bench-scale  scale in one process (python -m bench.scale; BENCH_ARGS=--quick)
#   make bench-proxy  behind nginx: click direct vs nginx, 1 vs 2 workers (python -m bench.proxy)
#   make bench-soak   10-minute soak per API: RSS, tasks, threads, fds flat (python -m bench.reliability.soak)
#   make stubs   regenerate the widget type stubs (Widgets.pyi) from pgwidgets-js
#   make reference  regenerate docs/reference (a page and a Chromium screenshot per widget)
#   make docs    build the documentation site (MkDocs, warnings are errors) into site/
#   make venv    only create/refresh .venv (pip install -e '.[test]')
#   make chromium  only install Debian's chromium, xvfb and nginx if one is missing
#   make print-python  show which Python >= 3.12 would be used
#   make clean   remove .venv, build artefacts and caches
#
# Overrides (mostly for testing this Makefile):
#   PYTHON=/path/to/python3.12   use this interpreter, skip the search
#   PYTHON_CANDIDATES="..."      names/paths tried first (default below)
#   PYENV_PYTHONS="..."          pyenv interpreters tried next
#   PYTEST_ARGS="..."            extra arguments for pytest
#   BENCH_ARGS="..."             extra arguments for python -m bench

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
VPY   := $(VENV)/bin/python
VCFG  := $(VENV)/pyvenv.cfg
STAMP := $(VENV)/.pgwidgets-installed

CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx

# ---------------------------------------------------------------------------
# Finding a Python >= 3.12.  All variables here are lazy ("="), so targets
# that do not need an interpreter (clean, chromium, help) never search.
# ---------------------------------------------------------------------------
PYTHON_CANDIDATES ?= python3.13 python3.12 python3 python

# pyenv's root, or /root/.pyenv when pyenv is not on PATH.
PYENV_ROOT_DIR ?= $(or $(shell pyenv root 2>/dev/null),/root/.pyenv)
# Newest first; free-threaded builds (3.13t) are skipped.
PYENV_PYTHONS ?= $(shell printf '%s\n' $(filter-out %t/bin/python,$(wildcard $(PYENV_ROOT_DIR)/versions/3.1[2-9]*/bin/python)) | sort -rV)

# Print the real executable of the first candidate that runs, is >= 3.12
# and has venv + ensurepip.  pyenv shims for versions that are not selected
# exit non-zero and are simply skipped.
PY_OK_CHECK := import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))
find_python = $(shell for c in $(PYTHON_CANDIDATES) $(PYENV_PYTHONS); do \
	p=$$(command -v "$$c" 2>/dev/null) || continue; \
	"$$p" -c '$(PY_OK_CHECK)' >/dev/null 2>&1 || continue; \
	"$$p" -c 'import sys; print(sys.executable)'; break; done)

ifeq ($(origin PYTHON),undefined)
# Evaluated at most once, and only when a recipe actually needs it.
PYTHON = $(eval PYTHON := $(find_python))$(PYTHON)
endif

define NO_PYTHON_MSG
No Python >= 3.12 (with venv/ensurepip) found.
  Tried on PATH: $(PYTHON_CANDIDATES)
  Tried pyenv:   $(or $(PYENV_PYTHONS),(none) - nothing matched $(PYENV_ROOT_DIR)/versions/3.1[2-9]*/bin/python)
Install one (e.g. 'pyenv install 3.12') or run: make <target> PYTHON=/path/to/python3.12
endef

# ---------------------------------------------------------------------------

.PHONY: help venv chromium test demo bench bench-scale bench-proxy bench-soak stubs reference docs clean print-python FORCE

help:
	@awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' $(firstword $(MAKEFILE_LIST))

print-python:
	@$(if $(PYTHON),echo '$(PYTHON)',$(error $(NO_PYTHON_MSG)))

venv: $(STAMP)

# Recreate the venv when it is missing or its interpreter no longer runs
# (e.g. the pyenv version it was made from was removed).
VENV_OK = $(shell $(VPY) -c 'import sys; print(int(sys.version_info >= (3, 12)))' 2>/dev/null)
# pyvenv.cfg (not bin/python, a symlink to an old interpreter) is the
# target, so that a new venv is always newer than the install stamp.
ifneq ($(VENV_OK),1)
$(VCFG): FORCE
endif

$(VCFG):
	@$(if $(PYTHON),,$(error $(NO_PYTHON_MSG)))
	@"$(PYTHON)" -c '$(PY_OK_CHECK)' 2>/dev/null || \
	  { echo "error: PYTHON=$(PYTHON) is not a Python >= 3.12 with venv/ensurepip" >&2; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON) ($$("$(PYTHON)" -c 'import sys; print(sys.version.split()[0])'))"
	rm -rf $(VENV)
	"$(PYTHON)" -m venv $(VENV)

# Reinstall whenever pyproject.toml changes, the venv was recreated, or the
# set of import packages changed: setuptools' editable install maps only the
# packages that existed at install time (pgwidgets_sync arrives later).  The
# stamp records that set.
PACKAGES := $(patsubst %/__init__.py,%,$(wildcard pgwidgets_*/__init__.py))
ifneq ($(strip $(file < $(STAMP))),$(strip $(PACKAGES)))
$(STAMP): FORCE
endif

$(STAMP): pyproject.toml $(VCFG)
	$(VPY) -m pip install -e '.[test]'
	@echo '$(PACKAGES)' > $@

chromium:
	@if [ -x "$(CHROMIUM)" ] && command -v Xvfb >/dev/null && [ -x "$(NGINX)" ]; then \
	  echo "chromium: $(CHROMIUM) present; xvfb: $$(command -v Xvfb) present; nginx: $(NGINX) present"; \
	else \
	  echo "chromium, xvfb or nginx missing, installing Debian's chromium, xvfb and nginx with apt-get"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium xvfb nginx-light && \
	  [ -x "$(CHROMIUM)" ] || { echo "error: $(CHROMIUM) still missing after apt-get install chromium" >&2; exit 1; }; \
	  command -v Xvfb >/dev/null || { echo "error: Xvfb still missing after apt-get install xvfb" >&2; exit 1; }; \
	  [ -x "$(NGINX)" ] || { echo "error: $(NGINX) still missing after apt-get install nginx-light" >&2; exit 1; }; \
	fi

test: venv chromium
	$(VPY) -m pytest -q $(PYTEST_ARGS)

demo: venv
	@if [ -f examples/hello_sync.py ]; then \
	  exec $(VPY) examples/hello_sync.py; \
	elif [ -f examples/hello_async.py ]; then \
	  exec $(VPY) examples/hello_async.py; \
	else \
	  echo "make demo: no demo yet - neither examples/hello_sync.py nor examples/hello_async.py exists" >&2; \
	  exit 1; \
	fi

bench: venv
	@if [ -f bench/__main__.py ]; then \
	  $(VPY) -m bench $(BENCH_ARGS); \
	else \
	  echo "make bench: bench/__main__.py does not exist yet; nothing to run."; \
	fi

bench-scale: venv
	$(VPY) -m bench.scale $(BENCH_ARGS)

bench-proxy: venv chromium
	$(VPY) -m bench.proxy $(BENCH_ARGS)

bench-soak: venv chromium
	$(VPY) -m bench.reliability.soak $(BENCH_ARGS)

stubs: venv
	$(VPY) -m pgwidgets_core.stubgen

reference: venv chromium
	$(VPY) docs/tools/reference.py

docs: venv
	$(VPY) -m mkdocs build --strict

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
