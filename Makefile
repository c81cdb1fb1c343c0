PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install test bench data names clean

install:            ## create .venv and install mtgen with its test dependencies (compiles the core if it can)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	@$(BIN)/python -c "import generator as g; print('mtgen: core', f'compiled ({len(g.COMPILED)} modules)' if g.COMPILED else 'runs from source (not compiled)')"

test:               ## run the test suite
	$(BIN)/python -m pytest -q

data:               ## the headline command
	$(BIN)/mtgen generate --n 500 --seed 1 --out data --force

bench:              ## throughput benchmark (prints numbers; not a test)
	$(BIN)/python benchmarks/bench.py

names:              ## re-freeze the name pools from the installed Faker (generator/data/names_en.txt)
	$(BIN)/python -m generator.world

clean:
	rm -rf data .pytest_cache build *.egg-info generator/*.so generator/_build_record.txt
