# Anchang — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= scenarios/national_day_peak.yaml

.PHONY: run test test-browser app bench schemas clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# Stamps make the second call fast; they are rebuilt when pyproject.toml changes.
$(VENV)/.base: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $@ $(VENV)/.base

run: $(VENV)/.base
	$(BIN)/anchang plan $(SCENARIO)

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not browser"

# The real-browser test: the system Chromium (Debian: apt-get install chromium fonts-noto-cjk).
$(VENV)/.browser: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[browser]'
	@touch $@ $(VENV)/.dev $(VENV)/.base

test-browser: $(VENV)/.browser
	$(BIN)/python -m pytest -m browser -p no:cacheprovider

app: $(VENV)/.dev
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --browser.gatherUsageStats false

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache

# Regenerate the published JSON Schemas after changing sim/model/layout.py or sim/model/scenario.py.
schemas: $(VENV)/.base
	$(BIN)/anchang schema layout > schemas/layout.schema.json
	$(BIN)/anchang schema scenario > schemas/scenario.schema.json
