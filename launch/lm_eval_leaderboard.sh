#!/usr/bin/env bash
# The Open LLM Leaderboard (v1) rows of paper Table 4 with lm-evaluation-harness, on a GPU box:
#   launch/lm_eval_leaderboard.sh <model dir or hub id> [out dir]        (e.g. <run dir>/final)
# ARC-Challenge 25-shot, HellaSwag 10-shot, MMLU 5-shot, TruthfulQA (mc2) 0-shot, Winogrande
# 5-shot, GSM8k 5-shot, as the leaderboard ran them; one lm_eval call per task (each has its own
# shot count), results as JSON under the out dir (default <model>/lm_eval). Needs network for the
# task datasets: pip install -c constraints.txt 'lm-eval[hf]'. DRY_RUN=1 prints the commands.
# Extra lm_eval arguments: LM_EVAL_ARGS="--batch_size 16 --device cuda:0".
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 <model dir or hub id> [out dir]" >&2
  exit 2
fi
model=$1
out=${2:-$model/lm_eval}
dtype=${DTYPE:-bfloat16}
tasks=(
  "arc_challenge 25"
  "hellaswag 10"
  "mmlu 5"
  "truthfulqa_mc2 0"
  "winogrande 5"
  "gsm8k 5"
)
run() {
  if [[ -n ${DRY_RUN:-} ]]; then
    printf '%q ' "$@"
    echo
  else
    "$@"
  fi
}
for entry in "${tasks[@]}"; do
  read -r task shots <<<"$entry"
  # shellcheck disable=SC2086  # LM_EVAL_ARGS is a list of arguments
  run lm_eval --model hf \
    --model_args "pretrained=$model,dtype=$dtype" \
    --tasks "$task" --num_fewshot "$shots" \
    --batch_size auto --output_path "$out/$task" ${LM_EVAL_ARGS:-}
done
