# Shortcuts for developers who have make; the scripts do the work (README: two commands).
.PHONY: run test bench bench-gui lint format clean

run:
	scripts/run.sh

test:
	scripts/test.sh

bench:
	scripts/bootstrap.sh
	.venv/bin/python bench/engine_bench.py
	.venv/bin/python bench/cli_startup.py
	.venv/bin/python bench/offense_search.py
	.venv/bin/python bench/doc_resolution.py
	-.venv/bin/python bench/memo_bench.py  # exits 1 while its 2x target is unmet
	$(MAKE) bench-gui
	@echo "The store benchmark builds a 1,000,000-decision database (~12 min): .venv/bin/python bench/store_bench.py"

# The desktop app: start-up beside a bare PySide6 window, typing and the board (offscreen).
# Start-up target: at most 1.3x the bare window, for the venv and, given FROZEN=DIR (a
# onedir such as dist/trustdesk), for the frozen build, which must also be no slower than
# the venv; exits 1 when one is missed (frozen vs venv sits at par, so it may on a busy
# machine), and make goes on to the typing figures.
bench-gui:
	scripts/bootstrap.sh --gui
	-.venv/bin/python bench/gui_startup.py $(if $(FROZEN),--frozen $(FROZEN))
	.venv/bin/python bench/gui_typing.py

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

# Installed builds (packaging/README.md): the frozen onedir, the Debian package, and the
# feature test of that package installed on this machine (root; CI runs it).
.PHONY: build deb test-installed
build:
	scripts/build.sh

deb:
	scripts/build-deb.sh

test-installed:
	scripts/test-installed.sh

# The Windows build from Linux (wine + wixl): onedir, MSI and their smoke test under wine.
# packaging/windows/README.md; first run ~15 min (downloads), later runs reuse build/windows/.
.PHONY: windows
windows:
	scripts/build-windows.sh
	scripts/build-msi.sh
	scripts/test-windows.sh
