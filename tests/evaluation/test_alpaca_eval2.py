"""`python -m rpo_exp.evaluate benchmark=alpaca_eval2` end to end on a few instructions in
AlpacaEval's evaluation-set format, `model=tiny_llama`, annotated through the alpaca_eval
library's own `alpaca_eval_gpt4_turbo_fn` annotator (its prompt and function call) by a scripted
OpenAI-compatible judge; the numbers are recomputed here by the library's own metric functions
from the library's stored annotations. The hub file the length-controlled GLM reads
(`df_gamed.csv`) is given as a local hub cache, offline."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.evaluation.scripted_judge import scripted_judge
from tests.evaluation.test_judge import evaluate_cli

alpaca_eval = pytest.importorskip("alpaca_eval")  # the dev extra installs it

INSTRUCTIONS = [f"Give me tip number {i} for writing clear code." for i in range(12)]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def evaluation_set(tmp_path: Path) -> Path:
    rows = [
        {
            "instruction": text,
            "output": f"Reference tip {i}: " + "name things well. " * (1 + i % 4),
            "generator": "gpt4_1106_preview",
            "dataset": "helpful_base",
        }
        for i, text in enumerate(INSTRUCTIONS)
    ]
    path = tmp_path / "alpaca_eval_gpt4_baseline.json"
    path.write_text(json.dumps(rows))
    return path


def hub_cache(root: Path) -> Path:
    """A Hugging Face hub cache holding tatsu-lab/alpaca_eval's `df_gamed.csv` in its format
    (the instructions' difficulty, then two length-gamed baselines' annotations), a stand-in
    for the hub's file, unreachable here."""
    n, rows = len(INSTRUCTIONS), []
    for model, sign in (("gamed_concise", -1), ("gamed_verbose", 1)):
        for i in range(n):
            rows.append(
                {
                    "model": model,
                    "index": i,
                    "instruction_difficulty": (i % 5 - 2) / 2,
                    "preference": min(0.95, max(0.05, 0.5 + sign * 0.3 + (i % 3 - 1) / 10)),
                    "std_delta_len": sign * (0.5 + i / n),
                    "not_gamed_baseline": False,
                }
            )
    snapshot = root / "datasets--tatsu-lab--alpaca_eval" / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(snapshot / "df_gamed.csv", index=False)
    (root / "datasets--tatsu-lab--alpaca_eval" / "refs").mkdir()
    (root / "datasets--tatsu-lab--alpaca_eval" / "refs" / "main").write_text(COMMIT)
    return root


def reply(request: dict) -> dict:
    """The script: a function call ranking "m" or "M" first, drawn from the prompt."""
    user = request["messages"][-1]["content"]
    first = "m" if int(hashlib.sha256(user.encode()).hexdigest(), 16) % 3 else "M"
    ranking = [{"model": first, "rank": 1}, {"model": "M" if first == "m" else "m", "rank": 2}]
    call = {
        "id": "call_0",
        "type": "function",
        "function": {
            "name": "make_partial_leaderboard",
            "arguments": json.dumps({"ordered_models": ranking}),
        },
    }
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def test_end_to_end_numbers_are_the_librarys_own(tmp_path: Path, monkeypatch) -> None:
    hub = hub_cache(tmp_path / "hub")
    env = {"HF_HUB_CACHE": str(hub), "HF_HUB_OFFLINE": "1", "RPO_TEST_KEY": "sk-test-secret"}
    cache = tmp_path / "cache"
    with scripted_judge(reply) as judge:
        args = [
            "model=tiny_llama",
            "benchmark=alpaca_eval2",
            f"benchmark.path={evaluation_set(tmp_path)}",
            "benchmark.max_new_tokens=8",
            f"judge.base_url={judge.base_url}",
            "judge.model=scripted-gpt-4",
            "judge.api_key_env=RPO_TEST_KEY",
            "logger=none",
            f"hydra.run.dir={tmp_path / 'out'}",
        ]
        done = evaluate_cli(*args, cache=cache, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
        out = tmp_path / "out"
        assert "alpaca_eval2: 12 instructions, 12 answers to generate, 12 annotator calls" in (
            done.stdout
        )
        asked = list(judge.requests)
        assert len(asked) == 12
        # the library's annotator: its prompt, its function call, the judge's model
        template = (
            Path(alpaca_eval.__file__).parent
            / "evaluators_configs/alpaca_eval_gpt4_turbo_fn/alpaca_eval_fn.txt"
        ).read_text()
        system = template.split("<|im_start|>system\n")[1].split("\n<|im_end|>")[0]
        assert all(r["messages"][0] == {"role": "system", "content": system} for r in asked)
        assert all(r["model"] == "scripted-gpt-4" for r in asked)
        assert all(r["tools"][0]["function"]["name"] == "make_partial_leaderboard" for r in asked)

        # the numbers: the library's metric on the library's stored annotations
        result = json.loads((out / "alpaca_eval2.json").read_text())
        annotations = pd.read_json(out / "alpaca_eval2" / "annotations.json")
        assert len(annotations) == 12 and set(annotations["preference"]) <= {1.0, 2.0}
        import huggingface_hub.constants

        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        monkeypatch.setattr(alpaca_eval.constants, "DEFAULT_CACHE_DIR", str(hub))
        from alpaca_eval.metrics import get_length_controlled_winrate, get_winrate

        raw = get_winrate(annotations)
        lc = get_length_controlled_winrate(annotations, save_weights_dir=None)
        assert result["win_rate"] == pytest.approx(raw["win_rate"])
        assert result["standard_error"] == pytest.approx(raw["standard_error"])
        assert result["lc_win_rate"] == pytest.approx(lc["length_controlled_winrate"])
        assert result["lc_standard_error"] == pytest.approx(lc["lc_standard_error"])
        assert result["score"] == result["lc_win_rate"]
        assert result["requests"] == 12 and result["invalid"] == 0 and result["n_total"] == 12
        wins = (annotations["preference"] == 2).mean() * 100
        assert result["win_rate"] == pytest.approx(wins)  # no ties: the share the policy won
        answers = [
            json.loads(x) for x in (out / "alpaca_eval2_answers.jsonl").read_text().splitlines()
        ]
        assert result["avg_length"] == int(
            pd.Series([a["output"] for a in answers]).str.len().mean()
        )

        record = json.loads((out / "alpaca_eval2_record.json").read_text())
        assert record["annotator"]["name"] == "alpaca_eval_gpt4_turbo_fn"
        # the key reaches the endpoint from the environment, and no file holds it
        assert set(judge.keys) == {"Bearer sk-test-secret"}
        written = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
        assert written and not any(b"sk-test-secret" in data for data in written)

        # a rerun: the answers are reused and every annotation comes from the library's cache
        again = evaluate_cli(*args, cache=cache, env=env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert len(judge.requests) == 12 and "reusing" in again.stdout + again.stderr
        assert json.loads((out / "alpaca_eval2.json").read_text())["requests"] == 0
        assert json.loads((out / "alpaca_eval2.json").read_text())["lc_win_rate"] == pytest.approx(
            result["lc_win_rate"]
        )
