# Hedui: the two commands a user needs are `make demo` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PERSONS ?= 20000
SEED ?= 7
DATE ?= 2026-11-27
DEMO_DIR ?= demo
BENCH_PERSONS ?= 1000000
BENCH_REPEAT ?= 3

.PHONY: install system-deps demo test lint bench services clean

$(UV):
	@command -v uv >/dev/null 2>&1 || (python3 -m pip install --user --quiet uv || curl -LsSf https://astral.sh/uv/install.sh | sh)

install: $(UV)
	$(UV) sync --frozen

demo: install
	$(UV) run hedui demo --persons $(PERSONS) --seed $(SEED) --date $(DATE) --dir $(DEMO_DIR)

system-deps:
	bash .ci/apt-packages.sh

test: install system-deps
	$(UV) run ruff check .
	$(UV) run pytest

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

bench: install
	$(UV) run hedui bench --persons $(BENCH_PERSONS) --repeat $(BENCH_REPEAT)

services:
	bash .ci/services.sh

clean:
	rm -rf $(DEMO_DIR) bench-out .pytest_cache
