PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install test bench data names readme clean

install:            ## create .venv and install mtgen with its test dependencies
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q generator >/dev/null  # as pip does for a wheel: no first run compiles it

test:               ## run the test suite (on every core)
	$(BIN)/python -m pytest -q -n auto

data:               ## the headline command
	$(BIN)/mtgen generate --n 500 --seed 1 --out data --force

bench:              ## throughput benchmark (prints numbers; not a test)
	$(BIN)/python -m compileall -q generator >/dev/null  # with PYTHONDONTWRITEBYTECODE set, an edited module would be compiled again in every timed run
	$(BIN)/python benchmarks/bench.py

readme:             ## refresh the README's generated sections (tool table, sample, figures; needs ../shared/realdata)
	$(BIN)/python tests/update_readme.py

names:              ## re-freeze the word pools from the installed Faker (generator/domains/filesystem/data/names_en.txt)
	$(BIN)/python -m generator.domains.filesystem.world

clean:
	rm -rf data .pytest_cache build *.egg-info
