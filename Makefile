# Shortcuts for developers who have make; the scripts do the work (README: two commands).
.PHONY: run test bench lint format clean

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bootstrap.sh
	.venv/bin/python bench/run_all.py

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
