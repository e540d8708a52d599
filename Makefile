# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SAMPLE := src/newsdedup/sample
OUT    ?= out/sample

.PHONY: run test lint typecheck unit browser bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	rm -rf $(OUT)
	$(VENV)/bin/newsdedup run --input $(SAMPLE)/raw $(SAMPLE)/feed.jsonl --output $(OUT)
	@echo
	@$(VENV)/bin/newsdedup evaluate --output $(OUT) --labels $(SAMPLE)/labels.csv
	@echo
	@echo "Load the tables in pandas:"
	@echo "  import pandas as pd"
	@echo "  articles = pd.read_parquet('$(OUT)/articles')"
	@echo "  print(articles[['title', 'dup_group_id', 'is_canonical', 'topic_id']])"
	@echo
	@$(PY) -c "import pandas as pd; a = pd.read_parquet('$(OUT)/articles'); t = pd.read_parquet('$(OUT)/topics'); \
	print(a[['title', 'is_canonical', 'topic_id']].head(12).to_string(max_colwidth=60)); print(); \
	print(t[['label', 'size', 'keywords']].to_string(max_colwidth=60))"

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed-test
	$(VENV)/bin/mypy

unit: $(VENV)/.installed-test
	$(PY) -m pytest -q -n 2

# The report's browser test drives Debian's Chromium (tests/report/test_browser.py); installed here when missing
# and apt can (root), else that test skips and says why.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the report's browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "could not install chromium: the browser test will skip"; \
	else echo "chromium is missing and apt-get cannot be used here: the browser test will skip"; fi

test: lint typecheck browser unit

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-run

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py --n 20000
	$(PY) benchmarks/bench.py --n 20000 --peers

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache
