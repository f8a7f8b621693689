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

# Sample memos (honored and declined under each rule pack, with notices) for a reviewer.
.PHONY: samples
samples:
	scripts/bootstrap.sh
	rm -rf build/samples
	.venv/bin/python bench/sample_memos.py build/samples
