# All set-up goes through these targets: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CLI    := $(BIN)/mlops-maturity

.PHONY: install system-deps demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

demo: $(STAMP)
	$(CLI) model list
	$(CLI) assess examples/retail-bank/part1-development.yaml --lang en --target 3
	$(CLI) assess examples/retail-bank/part2-delivery.yaml --lang en --target 3
	mkdir -p examples/out
	$(CLI) assess examples/retail-bank/part1-development.yaml --format json -o examples/out/part1-result.json
	$(CLI) assess examples/retail-bank/part2-delivery.yaml --format json -o examples/out/part2-result.json
	$(CLI) assess examples/retail-bank/part1-development.yaml --format markdown --lang zh -o examples/out/part1-result.zh.md
	$(CLI) assess examples/retail-bank/part2-delivery.yaml --format markdown --lang zh -o examples/out/part2-result.zh.md
	@echo "Results written to examples/out/"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy capability_model evidence_collectors assessors reports app

unit: $(STAMP)
	$(BIN)/pytest -q

test: system-deps lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info examples/out .pytest_cache .mypy_cache .ruff_cache
