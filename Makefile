# Hedui: the two commands a user needs are `make demo` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PERSONS ?= 20000
SEED ?= 7
DATE ?= 2026-11-27
DEMO_DIR ?= demo
BENCH_PERSONS ?= 1000000
BENCH_REPEAT ?= 3
BENCH_STAGES ?=
BENCH_ENGINE ?=

.PHONY: install system-deps demo test test-spark lint lint-sql bench services clean

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
	$(UV) run ruff format --check .
	$(UV) run sqlfluff lint dbt_project/models dbt_project/tests --processes 2
	$(UV) run pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=40

test-spark: install system-deps
	$(UV) run pytest -m spark -p no:logging

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

lint-sql: install
	$(UV) run sqlfluff lint dbt_project/models dbt_project/tests --processes 2

bench: install
	$(UV) run hedui bench --persons $(BENCH_PERSONS) --repeat $(BENCH_REPEAT) $(if $(BENCH_STAGES),--stages $(BENCH_STAGES)) $(if $(BENCH_ENGINE),--engine $(BENCH_ENGINE))

services:
	bash .ci/services.sh

clean:
	rm -rf $(DEMO_DIR) bench-out .pytest_cache
