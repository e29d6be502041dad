# Two commands for a newcomer: `make demo` (run the board on the embedded demo database) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench clean browser-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/board demo --if-missing
	$(BIN)/board serve

# Browser tests need Debian's chromium, chromium-driver and a CJK font; installed here when we are root.
browser-deps:
	@if ! command -v chromedriver >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'CJK'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	  else echo "提示：未安装 chromium/chromium-driver，浏览器测试将跳过"; fi; \
	fi

# axe-core (accessibility checks in the browser tests) from the npm registry, kept inside the venv folder
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(VENV)/axe axe-core@4.14.1 --no-audit --no-fund --silent; \
	else echo "提示：未安装 npm，无障碍检查将跳过"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) browser-deps $(AXE) lint
	$(BIN)/python -m pytest tests --headless -q

bench: $(STAMP)
	$(BIN)/python benchmarks/core.py --cases 100000 --db /tmp/board-bench/board.sqlite
	$(BIN)/python benchmarks/pages.py --db /tmp/board-bench/board.sqlite

clean:
	rm -rf $(VENV) data .pytest_cache
