# Two commands for a fresh machine: `make demo` and `make test` (each creates .venv first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_AS_OF := 2026-11-20

.PHONY: demo test samples wheel-check bench bench-parts clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/coaching-batch run sample_workbooks --as-of $(DEMO_AS_OF) --out out/demo --dry-run --overwrite

# On every core (pytest-xdist), each test to whichever process is free.
test: $(VENV)/.installed
	$(BIN)/pytest -q -n auto --dist worksteal

samples: $(VENV)/.installed
	$(BIN)/python scripts/make_samples.py

# Install as an ordinary wheel into a throw-away venv and run the demo with it.
wheel-check:
	rm -rf build dist
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/pip install --quiet --disable-pip-version-check .
	cd build && wheel-venv/bin/coaching-batch run $(CURDIR)/sample_workbooks --as-of $(DEMO_AS_OF) --out $(CURDIR)/build/wheel-out --dry-run
	test -s build/wheel-out/payments.xlsx

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_run.py --repeat 3

# Where one run's time goes, stage by stage (read, validate, rules, write).
bench-parts: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_parts.py

clean:
	rm -rf $(VENV) build dist out *.egg-info
