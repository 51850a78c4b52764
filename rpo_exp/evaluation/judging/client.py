"""The judge: an OpenAI-compatible chat endpoint, asked for one pairwise verdict per request
(or, for a benchmark, whatever its `parse` reads from a text reply, e.g. MT-Bench's rating).

Requests run `judge.concurrency` at a time; the `openai` client retries rate limits, 5xx and
dropped connections with exponential backoff (`judge.max_retries`); an unparseable reply is asked
again up to `judge.attempts` times, then counted invalid. Every outcome is cached on disk under
`$RPO_EXP_CACHE/judge/` by the exact request (judge identity, messages with both responses in
their shown order, decoding settings) and its parser, so a rerun sends no request it already
sent.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import openai
from omegaconf import DictConfig
from tqdm.auto import tqdm

from rpo_exp.common.errors import ConfigError
from rpo_exp.common.files import write_text
from rpo_exp.common.paths import cache_dir
from rpo_exp.evaluation.judging.verdict import Verdict, parse_logprobs, parse_text

log = logging.getLogger(__name__)
CACHE_VERSION = 1


@dataclass(frozen=True)
class Judgment:
    """A request's outcome: the verdict (None: invalid after every attempt; a `Verdict`, or
    what the request's `parse` read) and the replies."""

    verdict: Verdict | Any | None
    replies: tuple[str, ...]
    cached: bool = False


Parse = Callable[[str], Any]  # a text reply -> a JSON value, or None when it states none


def boundary(*texts: str) -> str:
    """A token that none of `texts` contains, drawn from their content (so the same texts give
    the same token, and a rerun the same cached request): a response cannot know the token of
    the prompt it lands in, since the token depends on its own text and the other response's."""
    seed = json.dumps(texts).encode()
    for draw in range(1000):
        token = hashlib.sha256(seed + b"#%d" % draw).hexdigest()[:16]
        if not any(token in text for text in texts):
            return token
    raise ValueError("no boundary token fits these texts")  # 1000 hex tokens all in them: never


def delimited(text: str, n: int, token: str) -> str:
    """Response `n`'s text between an opening and a closing line marked with `token`, which the
    text does not contain: whatever the text says ("END OF RESPONSE 1", "Response 2: ..."), it
    cannot close its own block nor open the other one."""
    return f"[BEGIN {n} {token}]\n{text}\n[END {n} {token}]"


def render(template: str, query: str, first: str, second: str) -> str:
    """A judge prompt: the template (the papers' wording, verbatim) with the query and the two
    responses in shown order, each response delimited by a boundary token that neither response
    nor the query contains (`delimited`), so a response cannot fake the end of its block."""
    token = boundary(query, first, second)
    return template.format(
        query=query, response_1=delimited(first, 1, token), response_2=delimited(second, 2, token)
    )


def parser_name(parse: Parse) -> str:
    """A parser's name for the cache key: its qualified name, with a partial's arguments."""
    if isinstance(parse, functools.partial):
        return f"{parser_name(parse.func)}{parse.args!r}{sorted(parse.keywords.items())!r}"
    return f"{parse.__module__}.{parse.__qualname__}"


class Judge:
    def __init__(self, cfg: DictConfig, base_url: str, model: str, identity: str):
        """`identity` names the judge model for the cache (a hub model name, or a local file
        with its size), `model` is what the endpoint is asked for."""
        if cfg.verdict not in ("text", "logprobs"):
            raise ConfigError(f"judge.verdict={cfg.verdict}: expected text or logprobs")
        self.cfg, self.base_url, self.model, self.identity = cfg, base_url, model, identity
        key = "local"
        if cfg.api_key_env:
            key = os.environ.get(cfg.api_key_env)
            if not key:
                raise ConfigError(
                    f"judge.api_key_env={cfg.api_key_env}: the environment variable is not set; "
                    f"export {cfg.api_key_env}=<key for {base_url}>"
                )
        self.client = openai.OpenAI(
            base_url=base_url, api_key=key, max_retries=cfg.max_retries, timeout=cfg.timeout
        )
        self.requests = 0  # sent by this process (cache hits send none)
        self._lock = threading.Lock()

    def check_reachable(self) -> None:
        """Fail fast, naming judge.base_url, when no OpenAI-compatible server answers there."""
        quick = self.client.with_options(max_retries=0, timeout=self.cfg.connect_timeout)
        try:
            quick.models.list()
        except openai.APIConnectionError as err:
            raise ConfigError(
                f"judge.base_url={self.base_url}: no OpenAI-compatible server answers there "
                f"({err.__class__.__name__}: {err}); start one, or set judge.base_url=<url>"
            ) from None
        except openai.AuthenticationError as err:
            raise ConfigError(
                f"judge.base_url={self.base_url} refused the key in ${self.cfg.api_key_env} "
                f"({err.status_code})"
            ) from None
        except openai.APIStatusError as err:  # it answers, without a model list: go on
            log.info("judge.base_url=%s: GET /models answered %s", self.base_url, err.status_code)

    def instructed(self, text: str) -> str:
        """`text` as the judge reads it: with `prompts.logprobs_instruction` appended for
        `judge.verdict=logprobs` (applied to a template, it gives what record.json hashes)."""
        if self.cfg.verdict == "logprobs":
            return f"{text}\n{self.cfg.prompts.logprobs_instruction}"
        return text

    def request(
        self, prompt: str, system: str | None = None, max_tokens: int | None = None
    ) -> dict:
        """The chat request for one judge prompt (also the cache key's content): the pairwise
        verdict's (`judge.verdict`), or with `max_tokens` a text reply of that length (a
        benchmark's), after the `system` message if any."""
        cfg = self.cfg
        if max_tokens is not None:
            content, extra = prompt, {"max_tokens": max_tokens}
        elif cfg.verdict == "logprobs":
            content = self.instructed(prompt)
            extra = {"max_tokens": 1, "logprobs": True, "top_logprobs": cfg.top_logprobs}
        else:
            content, extra = self.instructed(prompt), {"max_tokens": cfg.max_tokens}
        messages = [{"role": "user", "content": content}]
        if system is not None:
            messages.insert(0, {"role": "system", "content": system})
        return {"model": self.model, "messages": messages, "temperature": cfg.temperature} | extra

    def _cache_path(self, request: dict, parse: Parse | None = None, *more: object) -> Path:
        key = [CACHE_VERSION, self.identity, request]
        if parse is not None:  # another reading of the same reply is another entry
            key.append(parser_name(parse))
        key.extend(more)  # how unparseable replies are followed up
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
        return cache_dir("judge", digest[:2]) / f"{digest}.json"

    def judge(
        self,
        prompt: str,
        system: str | None = None,
        parse: Parse | None = None,
        max_tokens: int | None = None,
        follow_up: str | None = None,
        attempts: int | None = None,
    ) -> Judgment:
        """One verdict: from the cache, else up to `attempts` (default `judge.attempts`)
        requests. Without `parse`, the pairwise pick (`judge.verdict`); with it, what `parse`
        reads from a text reply of up to `max_tokens` (default `judge.max_tokens`) after the
        `system` message. With `follow_up`, an unparseable reply is not asked again afresh: the
        conversation goes on with the reply and `follow_up`, and `parse` reads every reply so
        far, each after a newline (Arena-Hard's way)."""
        if parse is not None and max_tokens is None:
            max_tokens = self.cfg.max_tokens
        request = self.request(prompt, system, max_tokens)
        extra = () if follow_up is None else (follow_up, attempts)
        path = self._cache_path(request, parse, *extra)
        if path.exists():
            try:
                entry = json.loads(path.read_text())
                verdict = entry["verdict"]
                if parse is None and verdict is not None:
                    verdict = Verdict(**verdict)
                return Judgment(verdict, tuple(entry["replies"]), cached=True)
            except (ValueError, KeyError, TypeError):
                log.warning("judge cache entry %s is corrupt: asking again", path)
        replies, verdict, messages = [], None, list(request["messages"])
        for _ in range(attempts or self.cfg.attempts):
            with self._lock:
                self.requests += 1
            sent = request | {"messages": messages}
            choice = self.client.chat.completions.create(**sent).choices[0]
            if parse is not None:
                replies.append(choice.message.content or "")
                if follow_up is None:
                    verdict = parse(replies[-1])
                else:
                    verdict = parse("".join(f"\n{reply}" for reply in replies))
                    messages = [
                        *messages,
                        {"role": "assistant", "content": replies[-1]},
                        {"role": "user", "content": follow_up},
                    ]
            elif self.cfg.verdict == "logprobs":
                first = (
                    choice.logprobs.content[0]
                    if choice.logprobs and choice.logprobs.content
                    else None
                )
                top = [(t.token, t.logprob) for t in first.top_logprobs] if first else []
                replies.append(json.dumps(top))
                verdict = parse_logprobs(top)
            else:
                replies.append(choice.message.content or "")
                verdict = parse_text(replies[-1])
            if verdict is not None:
                break
        stored = asdict(verdict) if isinstance(verdict, Verdict) else verdict
        write_text(path, json.dumps({"verdict": stored, "replies": replies}))
        return Judgment(verdict, tuple(replies))

    def judge_all(
        self,
        prompts: list[str],
        system: str | list[str | None] | None = None,
        parse: Parse | None = None,
        max_tokens: int | None = None,
        follow_up: str | None = None,
        attempts: int | None = None,
    ) -> list[Judgment]:
        """`judge` on each of `prompts` (each with its own `system`, when a list), in order,
        `judge.concurrency` requests at a time."""
        systems = system if isinstance(system, list) else [system] * len(prompts)

        def one(args: tuple[str, str | None]) -> Judgment:
            return self.judge(args[0], args[1], parse, max_tokens, follow_up, attempts)

        with ThreadPoolExecutor(max_workers=self.cfg.concurrency) as pool:
            asks = pool.map(one, zip(prompts, systems, strict=True))
            return list(tqdm(asks, total=len(prompts), desc="judge"))
