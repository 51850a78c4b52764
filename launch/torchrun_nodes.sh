#!/usr/bin/env bash
# Several nodes, one torchrun each, meeting at a c10d rendezvous on the first node:
#   srun --nodes 2 --ntasks-per-node 1 launch/torchrun_nodes.sh trainer.strategy=fsdp hydra.run.dir=runs/x
# (inside an sbatch allocation). Elsewhere set NNODES, NPROC_PER_NODE and RDZV_ENDPOINT
# (host:port of the first node) yourself. Give every node the same hydra.run.dir: the global
# main process writes the run dir. Set NPROC_PER_NODE to the node's GPUs (default: all of them,
# or one process on a CPU node).
set -euo pipefail
python=${PYTHON:-python}
nnodes=${NNODES:-${SLURM_NNODES:-1}}
nproc=${NPROC_PER_NODE:-$("$python" -c "import torch; print(max(torch.cuda.device_count(), 1))")}
if [[ -z "${RDZV_ENDPOINT:-}" ]]; then
  RDZV_ENDPOINT="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1):29500"
fi
exec "$python" -m torch.distributed.run --nnodes "$nnodes" --nproc_per_node "$nproc" \
  --rdzv_backend c10d --rdzv_endpoint "$RDZV_ENDPOINT" \
  --rdzv_id "${RDZV_ID:-${SLURM_JOB_ID:-rpo_exp}}" -m rpo_exp.train "$@"
