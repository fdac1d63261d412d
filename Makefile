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

demo: DRAFTED := examples/out/part1-drafted.yaml examples/out/part2-drafted.yaml examples/out/part3-drafted.yaml
demo: EVIDENCE := examples/out/evidence
demo: DEMO_TARGETS := examples/out/targets.yaml
demo: ASSESSOR := Chen Jing (consultant)
demo: system-deps $(STAMP)
	$(CLI) model list
	mkdir -p examples/out
	$(BIN)/python scripts/build_example_repo.py examples/out/repos/reco-service
	rm -rf $(EVIDENCE) $(DRAFTED)
# The demo stack: MLflow (filled with the bank's runs and models), Prometheus with rule files and a model-service
# exporter, and the bank's recorded Jira, all on 127.0.0.1, up only while `collect` runs; it writes $(DEMO_TARGETS)
# (the example's git repository, the servers, the drift-report folder and the recorded systems) and stops everything it started, also on failure or Ctrl+C.
	$(BIN)/python -m scripts.demo_stack run --out examples/out --targets examples/retail-bank/targets.yaml -- \
		$(CLI) collect $(DEMO_TARGETS) -o $(EVIDENCE)
	$(CLI) evidence verify $(EVIDENCE)
# Evidence first: the questionnaires hold only what the systems cannot decide (and a few answers the evidence
# contradicts); --draft proposes every verdict, the assessor confirms the proposals she reviewed, then everything is
# scored and reported from the drafted files.
	$(CLI) assess examples/retail-bank/part1-development.yaml --evidence $(EVIDENCE) --draft -o examples/out/part1-drafted.yaml
	$(CLI) assess examples/retail-bank/part2-delivery.yaml --evidence $(EVIDENCE) --draft -o examples/out/part2-drafted.yaml
	$(CLI) assess examples/retail-bank/part3-operation.yaml --evidence $(EVIDENCE) --draft -o examples/out/part3-drafted.yaml
	$(CLI) answer confirm examples/out/part1-drafted.yaml --all-proposed --by "$(ASSESSOR)"
	$(CLI) answer confirm examples/out/part2-drafted.yaml --all-proposed --by "$(ASSESSOR)"
	$(CLI) answer confirm examples/out/part3-drafted.yaml --all-proposed --by "$(ASSESSOR)"
	$(CLI) assess examples/out/part1-drafted.yaml --evidence $(EVIDENCE) --lang en --target 3
	$(CLI) assess examples/out/part2-drafted.yaml --evidence $(EVIDENCE) --lang en --target 3
	$(CLI) assess examples/out/part3-drafted.yaml --evidence $(EVIDENCE) --lang en --target 3
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format json -o examples/out/result.json
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format md --lang zh -o examples/out/report-zh.md
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format md --lang en -o examples/out/report-en.md
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format html --lang zh -o examples/out/report-zh.html
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format csv --lang en -o examples/out/requirements-en.csv
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format checks-csv --lang en -o examples/out/checks-en.csv
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format pdf --lang en -o examples/out/report-en.pdf
	$(CLI) report $(DRAFTED) --evidence $(EVIDENCE) --format pdf --lang zh -o examples/out/report-zh.pdf
	@echo "Results written to examples/out/ (reports: report-zh.pdf, report-en.pdf)"
	@$(BIN)/python -m scripts.demo_stack.provenance examples/out/result.json

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy capability_model evidence_collectors assessors reports app
	$(BIN)/mypy -p scripts.demo_stack

# test files run in parallel, one file per worker at a time (its servers and module fixtures stay in one process)
TEST_WORKERS ?= 2

unit: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

test: system-deps lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info examples/out .pytest_cache .mypy_cache .ruff_cache
