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

demo: EXAMPLE_PARTS := examples/retail-bank/part1-development.yaml examples/retail-bank/part2-delivery.yaml
demo: EVIDENCE := examples/out/evidence
demo: DEMO_TARGETS := examples/out/targets.yaml
demo: system-deps $(STAMP)
	$(CLI) model list
	mkdir -p examples/out
	$(BIN)/python scripts/build_example_repo.py examples/out/repos/reco-service
	rm -rf $(EVIDENCE)
# The demo stack: MLflow (filled with the bank's runs and models), Prometheus with rule files and a model-service
# exporter, all on 127.0.0.1, up only while `collect` runs; it writes $(DEMO_TARGETS) (the example's git repository
# plus the two servers) and stops every process it started, also on failure or Ctrl+C.
	$(BIN)/python -m scripts.demo_stack run --out examples/out --targets examples/retail-bank/targets.yaml -- \
		$(CLI) collect $(DEMO_TARGETS) -o $(EVIDENCE)
	$(CLI) evidence verify $(EVIDENCE)
# >>> draft answers from evidence: insert the `assess --draft` step here (it reads $(EVIDENCE)) <<<
	$(CLI) assess examples/retail-bank/part1-development.yaml --evidence $(EVIDENCE) --lang en --target 3
	$(CLI) assess examples/retail-bank/part2-delivery.yaml --evidence $(EVIDENCE) --lang en --target 3
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format json -o examples/out/result.json
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format md --lang zh -o examples/out/report-zh.md
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format html --lang zh -o examples/out/report-zh.html
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format csv --lang en -o examples/out/requirements-en.csv
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format pdf --lang en -o examples/out/report-en.pdf
	$(CLI) report $(EXAMPLE_PARTS) --evidence $(EVIDENCE) --format pdf --lang zh -o examples/out/report-zh.pdf
	@echo "Results written to examples/out/ (reports: report-zh.pdf, report-en.pdf)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy capability_model evidence_collectors assessors reports app
	$(BIN)/mypy -p scripts.demo_stack

unit: $(STAMP)
	$(BIN)/pytest -q

test: system-deps lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info examples/out .pytest_cache .mypy_cache .ruff_cache
