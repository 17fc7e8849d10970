# Every target sets up what it needs: a fresh clone needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-external check console clean setup lock

setup: $(STAMP)

# Everything comes from requirements.lock, every file checked against its hash; the project
# itself is installed on top without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -qq --disable-pip-version-check --require-hashes -r requirements.lock
	@$(PY) -m pip install -qq --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Re-resolve the lock after a change of pyproject.toml (uv is only needed for this).
lock: $(STAMP)
	@$(PY) -m pip install -qq --disable-pip-version-check uv
	@$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

run: $(STAMP)
	@$(PY) -m bot run

console: $(STAMP)
	@$(PY) -m bot console

test: $(STAMP)
	@$(PY) -m bot check
	@$(PY) -m pytest

bench: $(STAMP)
	@$(PY) -m bench

# The matcher on public benchmarks (../shared/benchmarks), with the product's own decision;
# exits 1 below the targets of issue 10.
bench-external: $(STAMP)
	@$(PY) -m bench.external

check: $(STAMP)
	@$(PY) -m ruff check bot intents knowledge tests bench
	@$(PY) -m mypy bot intents knowledge

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
