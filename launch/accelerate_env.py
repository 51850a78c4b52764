"""Print, as shell `export` lines, the environment that `accelerate launch --config_file CONFIG`
gives the processes it starts (mixed precision, FSDP settings, ...), read by accelerate itself.

    eval "$(python launch/accelerate_env.py launch/accelerate/fsdp.yaml)"

For SLURM jobs with one task per GPU (conf/hydra/launcher/slurm_ddp.yaml, slurm_fsdp.yaml): the
tasks are the processes, so the rank variables (RANK, WORLD_SIZE, MASTER_ADDR, ...) and the GPU
mask are left out; rpo_exp.train sets the former from SLURM, and SLURM sets the latter.
"""

from __future__ import annotations

import os
import shlex
import sys

# What torchrun sets per process, or SLURM decides: never taken from the accelerate config.
LEFT_OUT = {"MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"}


def accelerate_env(config_file: str, num_processes: int | None = None) -> dict[str, str]:
    """The variables `accelerate launch` adds or changes for its processes under `config_file`
    (`num_processes` overrides the config's, e.g. with SLURM_NTASKS)."""
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser
    from accelerate.utils.launch import prepare_multi_gpu_env, prepare_simple_launcher_cmd_env

    argv = ["--config_file", config_file, "--main_process_port", "0"]
    if num_processes is not None:
        argv += ["--num_processes", str(num_processes)]
    args = launch_command_parser().parse_args([*argv, "-m", "rpo_exp.train"])
    args, _, _ = _validate_launch_command(args)
    if args.use_fsdp or args.multi_gpu:
        env = prepare_multi_gpu_env(args)
    else:
        _, env = prepare_simple_launcher_cmd_env(args)
    return {
        key: value
        for key, value in env.items()
        if os.environ.get(key) != value
        and key not in LEFT_OUT
        and not key.endswith("_VISIBLE_DEVICES")
    }


def main() -> None:
    """`python launch/accelerate_env.py CONFIG`: the export lines, for the job's shell."""
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} ACCELERATE_CONFIG.yaml")
    ntasks = os.environ.get("SLURM_NTASKS")
    env = accelerate_env(sys.argv[1], int(ntasks) if ntasks else None)
    for key, value in sorted(env.items()):
        print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
