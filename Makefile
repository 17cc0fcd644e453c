# Two entry points for a fresh machine: `make chat` and `make test`.
# Both create .venv/ and install into it; torch is pinned to the local CPU
# wheel by constraints.txt (otherwise pip pulls several GB of CUDA).
PY ?= python3
VENV := .venv
PIP := $(VENV)/bin/pip
INSTALL := $(PIP) install -q -c constraints.txt

.PHONY: chat test lint bench eval train-reader clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(INSTALL) --upgrade pip
	$(INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	# the tests run both index backends and Ray, so they install the [scale] extra
	$(INSTALL) -e '.[dev,scale]'
	# the browser test drives Debian's Chromium (never `playwright install`)
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)
	touch $@

chat: $(VENV)/.installed
	$(VENV)/bin/python app.py

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

eval: $(VENV)/.installed
	# development, held-out, blind test, second to fifty-fifth blind sets, dev30 (docs/answers.md says how each was made)
	for set in seed heldout test blind2 blind3 blind4 blind5 blind6 blind7 blind8 blind9 blind10 blind11 blind12 blind13 blind14 blind15 blind16 blind17 blind18 blind19 blind20 blind21 blind22 blind23 blind24 blind25 blind26 blind27 blind28 blind29 blind30 blind31 blind32 blind33 blind34 blind35 blind36 blind37 blind38 blind39 blind40 blind41 blind42 blind43 blind44 blind45 blind46 blind47 blind48 blind49 blind50 blind51 blind52 blind53 blind54 blind55 dev30; do \
	  $(VENV)/bin/qa eval eval/$${set}_questions.jsonl --answers --modes bm25,dense,hybrid,rerank \
	    --out runs/eval/$$set || exit 1; \
	done
	# PIAF validation articles (never trained on) over all 573 PIAF paragraphs
	$(VENV)/bin/python bench/piaf_eval.py --no-answers --out runs/piaf/retrieval
	$(VENV)/bin/python bench/piaf_eval.py --modes hybrid --out runs/piaf/answers

train-reader: $(VENV)/.installed
	# PIAF (../shared/data), split by article; writes qa/reader/weights/ (~50 min on 2 cores).
	# The shipped reader averages four such runs: docs/answers.md, "A soup of runs"
	$(VENV)/bin/qa train-reader

bench: $(VENV)/.installed-dev
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT runs
