# socialbrain: `make demo` sets up and runs the main job on the embedded default; `make test` sets up and runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
SB := $(VENV)/bin/socialbrain
DEMO_HOME ?= .demo

.PHONY: setup demo test lint system-deps web-test-deps bench

# runtime dependencies only (what `socialbrain` imports on its default path): enough for the demo
$(VENV)/.runtime: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e .
	touch $@

# + the dev extra (tests, lint, type check, benchmarks' reference libraries)
$(VENV)/.installed: $(VENV)/.runtime
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

system-deps:
	bash scripts/system-deps.sh

# axe-core for the accessibility checks in tests/web (npm, pinned by tests/web/package-lock.json)
web-test-deps: tests/web/node_modules/axe-core/axe.min.js

tests/web/node_modules/axe-core/axe.min.js: tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV)/.runtime
	SOCIALBRAIN_HOME=$(DEMO_HOME) $(SB) import samples/lin-xiaoyu
	SOCIALBRAIN_HOME=$(DEMO_HOME) $(SB) stats
	SOCIALBRAIN_HOME=$(DEMO_HOME) $(SB) search "迄今为止发生过的最好的事" -k 5
	SOCIALBRAIN_HOME=$(DEMO_HOME) $(SB) ask "从微博中看，人生不快乐的原因有哪些？"

lint: setup
	$(PY) -m ruff check src tests bench

test: setup system-deps web-test-deps
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy
	$(PY) -m pytest -q

bench: setup
	$(PY) -m bench
