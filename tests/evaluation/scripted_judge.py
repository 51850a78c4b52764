"""An OpenAI-compatible chat server on 127.0.0.1 whose replies a test scripts: a stand-in for an
external judge (GPT-4 and the like), so the benchmarks run end to end through the real client,
its retries and its cache. Every request it gets is kept, in order."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ScriptedJudge:
    base_url: str
    requests: list[dict] = field(default_factory=list)  # the chat requests, as received
    keys: list[str | None] = field(default_factory=list)  # each one's Authorization header


@contextlib.contextmanager
def scripted_judge(reply: Callable[[dict], str | dict]) -> Iterator[ScriptedJudge]:
    """A server answering each chat request with `reply(request)` (the reply's text, or the
    whole message, e.g. with tool calls); yields its URL and log."""
    lock = threading.Lock()
    judge = ScriptedJudge("")

    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send({"object": "list", "data": [{"id": "scripted", "object": "model"}]})

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                judge.requests.append(request)
                judge.keys.append(self.headers.get("Authorization"))
            answer = reply(request)
            message = (
                answer if isinstance(answer, dict) else {"role": "assistant", "content": answer}
            )
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            self._send(
                {
                    "id": f"scripted-{len(judge.requests)}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": request.get("model", "scripted"),
                    "choices": [choice],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                }
            )

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    judge.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield judge
    finally:
        server.shutdown()
        server.server_close()
