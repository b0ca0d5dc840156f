# dutylist: two commands set everything up on a fresh machine with python3 and make:
#   make demo   create .venv, install, train if there is no model, run the main job on samples/
#   make test   install with test tools, lint, run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= workspace/dutylist.db

.PHONY: install demo test lint train review bench docs samples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

models/model.joblib: | $(STAMP)
	$(BIN)/dutylist --db $(DB) train

demo: $(STAMP) models/model.joblib
	$(BIN)/dutylist --db $(DB) extract samples/青石镇 samples/白沙乡
	$(BIN)/dutylist --db $(DB) classify
	$(BIN)/dutylist --db $(DB) export --proposals --format xlsx -o workspace/demo-proposals.xlsx
	@echo ""
	@echo "模型建议已写入 workspace/demo-proposals.xlsx。"
	@echo "下一步：先创建审核账号  $(BIN)/dutylist user add 张三 --role admin"
	@echo "        再运行 make review，在浏览器中打开 http://127.0.0.1:8501 登录审核。"
	@echo "Proposals written to workspace/demo-proposals.xlsx. Next: create an account with"
	@echo "'$(BIN)/dutylist user add NAME --role admin', then run 'make review' and open http://127.0.0.1:8501."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest -q

train: $(STAMP)
	$(BIN)/dutylist --db $(DB) train

review: $(STAMP)
	$(BIN)/dutylist --db $(DB) review

bench: $(STAMP)
	$(BIN)/python bench/run.py

docs: $(STAMP)
	$(BIN)/python tests/test_docs.py

samples: $(STAMP)
	$(BIN)/python samples/make_samples.py

clean:
	rm -rf $(VENV) workspace .pytest_cache .ruff_cache
