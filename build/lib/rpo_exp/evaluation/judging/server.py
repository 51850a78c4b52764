"""`judge=local`: llama-cpp-python's OpenAI-compatible server on 127.0.0.1, started and stopped
around the judging. Its log (one access line per request) goes to the eval dir."""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from omegaconf import DictConfig

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.paths import is_package_path, package_path


def gguf_file(model: str) -> Path:
    """`judge.server.model`: a .gguf file, a dir holding exactly one, or a pkg:// path."""
    path = package_path(model) if is_package_path(model) else Path(model).expanduser()
    if path.is_dir():
        found = sorted(path.glob("*.gguf"))
        if len(found) != 1:
            raise ConfigError(
                f"judge.server.model={model}: the directory holds {len(found)} .gguf files; "
                "name one file"
            )
        path = found[0]
    if path.suffix != ".gguf" or not path.is_file():
        raise ConfigError(
            f"judge.server.model={model}: not a .gguf file (llama.cpp serves GGUF; convert a "
            "transformers dir with llama.cpp's convert_hf_to_gguf.py)"
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def local_server(cfg: DictConfig, model: Path, log_path: Path) -> Iterator[str]:
    """A llama-cpp-python server for `model` on a free 127.0.0.1 port, answering as model
    `model.name`; yields its base URL and stops it on exit."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(
            "judge=local needs llama-cpp-python's server: run `make install-judge` (builds it "
            "from source once, ~7 min on 2 cores), or use judge=openai judge.base_url=<url>"
        )
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", model.name,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(cfg.n_ctx), "--logits_all", "true",
    ]  # fmt: skip
    if cfg.n_threads:
        command += ["--n_threads", str(cfg.n_threads)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + cfg.start_timeout
        while True:
            if process.poll() is not None:
                raise ConfigError(
                    f"the local judge server for {model} exited ({process.returncode}); "
                    f"{log_path}:\n{log_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise ConfigError(
                        f"the local judge server did not answer within "
                        f"judge.server.start_timeout={cfg.start_timeout} s; {log_path}:\n"
                        f"{log_tail(log_path)}"
                    ) from None
                time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
