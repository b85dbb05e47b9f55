"""The LLM seam and its one backend: any OpenAI-compatible chat-completions endpoint.

That one client covers Ollama, vLLM, llama.cpp's server, Xinference/FastChat (ChatGLM3), LM Studio, DeepSeek,
Zhipu GLM, Qwen (DashScope compatible mode) and OpenAI (see docs/llm.md). Configuration, first set wins:

    url      --llm-url      > $SOCIALBRAIN_LLM_URL   > $OPENAI_BASE_URL > config.toml [llm] url
    model    --model        > $SOCIALBRAIN_LLM_MODEL > [llm] model      > the endpoint's first /models entry
    key      --llm-key      > $SOCIALBRAIN_LLM_KEY   > $OPENAI_API_KEY  > [llm] key
    timeout  --llm-timeout  > $SOCIALBRAIN_LLM_TIMEOUT > [llm] timeout  > 120 s
    connect  $SOCIALBRAIN_LLM_CONNECT_TIMEOUT > [llm] connect_timeout > 3 s (capped by timeout)
    redact   --redact/--no-redact > $SOCIALBRAIN_LLM_REDACT > [llm] redact > on unless the URL is loopback

No URL (or ``none``) means no-LLM mode: :func:`load_llm` returns None. Nothing leaves the machine unless a URL is
configured; an ``OPENAI_API_KEY`` alone never sends posts anywhere.

Privacy: with redaction on, every message is passed through :class:`~socialbrain.answer.redact.Redactor` before it
is sent, and the pseudonyms (``@某人A``) are put back in the answer shown locally. Every request as sent is appended
to ``<data dir>/logs/llm-requests.jsonl`` (``[llm] log_requests = false`` or ``SOCIALBRAIN_LLM_LOG=0`` turns it off).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource

from ..config import Settings
from ..errors import ConfigError, LLMError, LLMUnavailable
from ..retry import Retryable, call_with_retries
from .redact import Redactor, hidden_from_settings
from .tokens import estimate_messages_tokens, estimate_tokens

DEFAULT_TIMEOUT = 120.0
DEFAULT_CONNECT_TIMEOUT = 3.0  # a refused or silent endpoint is reported within this, then answers fall back
DEFAULT_RETRIES = 3


#: one chat message as the chat-completions API takes it: {"role": "system"|"user"|"assistant", "content": …}
ChatMessage = dict[str, str]


@runtime_checkable
class LLM(Protocol):
    """Anything that completes chat messages. ``complete`` yields text deltas (non-stream: once)."""

    last_usage: dict[str, Any]

    @property
    def name(self) -> str: ...

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        stream: bool = False,
        max_tokens: int | None = None,
        temperature: float = 0.2,
    ) -> Iterator[str]: ...


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(url: str) -> str:
    """``http://host:11434`` → ``http://host:11434/v1``; a URL with a path is kept (Zhipu's ``/api/paas/v4``)."""
    u = url.strip().rstrip("/")
    if "://" not in u:
        u = "http://" + u
    for suffix in ("/chat/completions", "/completions"):
        if u.endswith(suffix):
            u = u[: -len(suffix)]
    parts = urlsplit(u)
    if not parts.hostname:
        raise ConfigError(f"LLM URL {url!r} has no host: use e.g. http://127.0.0.1:11434/v1")
    if parts.path in ("", "/"):
        u += "/v1"
    return u


class _PseudonymRestorer:
    """Puts real @names back into streamed text, holding back a tail that may be a pseudonym cut in two."""

    _TAIL = re.compile(r"某(?:人[A-Z]*)?$")

    def __init__(self, redactor: Redactor):
        self.redactor = redactor
        self.buffer = ""

    def feed(self, delta: str) -> str:
        text = self.buffer + delta
        m = self._TAIL.search(text)
        cut = m.start() if m else len(text)
        self.buffer = text[cut:]
        return self.redactor.restore(text[:cut])

    def flush(self) -> str:
        text, self.buffer = self.buffer, ""
        return self.redactor.restore(text)


class OpenAICompatLLM:
    """A chat-completions client: streaming (SSE) and not, retries on 429/5xx/connection errors, timeouts."""

    def __init__(
        self,
        url: str,
        model: str | None = None,
        key: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        redact: bool | None = None,
        log_path: Path | None = None,
        backoff: float = 0.5,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ):
        self.base_url = normalise_base_url(url)
        self.model = model
        self.key = key
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.remote = not is_loopback(self.base_url)
        self.redact = self.remote if redact is None else redact
        self.redactor = Redactor("llm")
        self.log_path = log_path
        self.last_usage: dict[str, Any] = {}
        self.last_request: dict[str, Any] | None = None
        self.calls = 0
        #: called with the JSON body of every request just before it is sent (``ask --show-prompt``)
        self.on_send: Callable[[dict[str, Any]], None] | None = None
        self._client = httpx.Client(timeout=self._timeouts(), headers=self._headers())

    @property
    def name(self) -> str:
        host = urlsplit(self.base_url).netloc
        return f"{self.model or '?'}@{host}"

    def _timeouts(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout, connect=self.connect_timeout)

    def _headers(self) -> dict[str, str]:
        h = {"Accept": "application/json, text/event-stream"}
        if self.key:
            h["Authorization"] = f"Bearer {self.key}"
        return h

    def close(self) -> None:
        self._client.close()

    # -- errors -------------------------------------------------------------------------------
    def _down(self, detail: str = "") -> LLMUnavailable:
        more = f" ({detail})" if detail else ""
        return LLMUnavailable(
            f"cannot reach the LLM at {self.base_url}{more}: is the server running? "
            "(set SOCIALBRAIN_LLM_URL or --llm-url)"
        )

    def _http_error(self, status: int, body: str) -> LLMError:
        detail = body.strip().replace("\n", " ")[:200]
        try:
            err = json.loads(body).get("error")
            if isinstance(err, dict):
                detail = str(err.get("message") or detail)[:200]
            elif isinstance(err, str):
                detail = err[:200]
        except (ValueError, AttributeError):
            pass
        if status in (401, 403):
            return LLMError(
                f"the LLM at {self.base_url} refused the request (HTTP {status}: {detail}): "
                "check the key (SOCIALBRAIN_LLM_KEY or --llm-key)"
            )
        if status == 404:
            return LLMError(
                f"the LLM at {self.base_url} answered HTTP 404 for model {self.model!r} ({detail}): "
                "check --model and that the URL ends where /chat/completions should follow (often /v1)"
            )
        if status == 429:
            return LLMUnavailable(
                f"the LLM at {self.base_url} is rate-limiting (HTTP 429) and kept doing so after "
                f"{self.retries} retries: wait a little and ask again"
            )
        if status >= 500:
            return LLMUnavailable(
                f"the LLM at {self.base_url} failed with HTTP {status} ({detail}) after {self.retries} retries"
            )
        return LLMError(f"the LLM at {self.base_url} rejected the request (HTTP {status}: {detail})")

    # -- model --------------------------------------------------------------------------------
    def resolve_model(self) -> str:
        """The configured model, else the endpoint's first listed model (Ollama, llama.cpp, LM Studio…)."""
        if self.model:
            return self.model
        try:
            r = self._client.get(self.base_url + "/models")
        except httpx.ConnectTimeout as e:
            raise self._down(f"no connection within {self.connect_timeout:g} s") from e
        except httpx.HTTPError as e:
            raise self._down(type(e).__name__) from e
        if r.status_code == 200:
            try:
                data = r.json().get("data") or []
            except ValueError:
                data = []
            if data and data[0].get("id"):
                self.model = str(data[0]["id"])
                return self.model
        raise ConfigError(
            f"no LLM model configured and {self.base_url}/models lists none: set SOCIALBRAIN_LLM_MODEL or --model"
        )

    # -- sending ------------------------------------------------------------------------------
    def prepare(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """The messages exactly as they will be sent (redacted when redaction is on)."""
        if not self.redact:
            return [dict(m) for m in messages]
        return [{**m, "content": self.redactor.redact(str(m.get("content") or ""))} for m in messages]

    def _log(self, body: dict[str, Any]) -> None:
        if self.on_send is not None:
            self.on_send(body)
        if self.log_path is None:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "url": self.base_url + "/chat/completions",
            "redacted": self.redact,
            **body,
        }
        with self.log_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _open(self, body: dict[str, Any]) -> httpx.Response:
        """Send with retries (429, 5xx, a dropped connection); returns an open (streamed) 200 response, the caller
        closes it."""
        url = self.base_url + "/chat/completions"

        def attempt() -> httpx.Response:
            try:
                resp = self._client.send(self._client.build_request("POST", url, json=body), stream=True)
            except httpx.ConnectTimeout as e:  # nothing answers at all: no retry, callers fall back at once
                raise self._down(f"no connection within {self.connect_timeout:g} s") from e
            except httpx.ConnectError as e:  # refused: the server is not running; retrying only adds waiting
                raise self._down(type(e).__name__) from e
            except httpx.TimeoutException as e:
                raise LLMUnavailable(
                    f"the LLM at {self.base_url} did not answer within {self.timeout:g} s: "
                    "is it overloaded? (raise --llm-timeout or [llm] timeout)"
                ) from e
            except httpx.TransportError as e:
                raise Retryable(type(e).__name__, self._down(type(e).__name__)) from e
            if resp.status_code == 200:
                return resp
            text = resp.read().decode("utf-8", "replace")
            resp.close()
            error = self._http_error(resp.status_code, text)
            if resp.status_code == 429 or resp.status_code >= 500:
                raise Retryable(f"HTTP {resp.status_code}", error, resp.headers)
            raise error

        return call_with_retries(attempt, retries=self.retries, base=self.backoff)

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        stream: bool = False,
        max_tokens: int | None = None,
        temperature: float = 0.2,
    ) -> Iterator[str]:
        """Yield the answer's text: deltas as they arrive (``stream=True``) or the whole text once."""
        sent = self.prepare(messages)
        body: dict[str, Any] = {
            "model": self.resolve_model(),
            "messages": sent,
            "temperature": temperature,
            "stream": stream,
        }
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        self.last_request = body
        self._log(body)
        self.calls += 1
        restorer = _PseudonymRestorer(self.redactor) if self.redact else None
        prompt_estimate = estimate_messages_tokens(sent)
        resp = self._open(body)
        produced: list[str] = []
        usage: dict[str, Any] | None = None
        try:
            if stream:
                for delta, u in self._sse(resp):
                    if u:
                        usage = u
                    if delta:
                        produced.append(delta)
                        out = restorer.feed(delta) if restorer else delta
                        if out:
                            yield out
            else:
                try:
                    data = json.loads(resp.read())
                    text = data["choices"][0]["message"].get("content") or ""
                except (ValueError, KeyError, IndexError, TypeError) as e:
                    raise LLMError(
                        f"the LLM at {self.base_url} sent a reply that is not chat-completions JSON"
                    ) from e
                usage = data.get("usage")
                produced.append(text)
                out = restorer.feed(text) if restorer else text
                if out:
                    yield out
            if restorer:
                tail = restorer.flush()
                if tail:
                    yield tail
        except httpx.TimeoutException as e:
            raise LLMUnavailable(
                f"the LLM at {self.base_url} stopped answering for {self.timeout:g} s mid-reply "
                "(raise --llm-timeout or [llm] timeout)"
            ) from e
        except httpx.TransportError as e:
            raise self._down(f"connection lost mid-reply: {type(e).__name__}") from e
        finally:
            resp.close()
        completion = "".join(produced)
        if usage and usage.get("prompt_tokens") is not None:
            self.last_usage = {
                "prompt_tokens": int(usage.get("prompt_tokens") or 0),
                "completion_tokens": int(usage.get("completion_tokens") or 0),
                "estimated": False,
            }
        else:
            self.last_usage = {
                "prompt_tokens": prompt_estimate,
                "completion_tokens": estimate_tokens(completion),
                "estimated": True,
            }

    def _sse(self, resp: httpx.Response) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """Parse a text/event-stream of chat.completion.chunk objects into (delta text, usage)."""
        if "text/event-stream" not in resp.headers.get("content-type", "").partition(";")[0]:
            # some servers ignore stream=true and answer with one JSON object
            try:
                data = json.loads(resp.read())
                yield (data["choices"][0]["message"].get("content") or ""), data.get("usage")
            except (ValueError, KeyError, IndexError, TypeError) as e:
                raise LLMError(
                    f"the LLM at {self.base_url} sent neither a stream nor chat-completions JSON"
                ) from e
            return
        # the framing (lines, multi-line data, comments, ``event:``) is httpx-sse's; the chunks are ours
        for event in EventSource(resp).iter_sse():
            if event.data == "[DONE]":
                return
            try:
                chunk = json.loads(event.data)
            except ValueError:
                if event.event == "error":  # a named error event with a plain-text message
                    raise LLMError(
                        f"the LLM at {self.base_url} failed mid-reply: {event.data[:200]}"
                    ) from None
                continue  # keep-alives and other non-JSON lines
            if not isinstance(chunk, dict):
                continue
            if chunk.get("error") or event.event == "error":
                err = chunk.get("error") or chunk
                msg = err.get("message") if isinstance(err, dict) else str(err)
                raise LLMError(f"the LLM at {self.base_url} failed mid-reply: {msg}")
            choices = chunk.get("choices") or []
            delta = ""
            if choices:
                d = choices[0].get("delta") or choices[0].get("message") or {}
                delta = d.get("content") or ""
            yield delta, chunk.get("usage")


def load_llm(
    settings: Settings,
    url: str | None = None,
    model: str | None = None,
    key: str | None = None,
    timeout: float | str | None = None,
    *,
    redact: bool | None = None,
) -> LLM | None:
    """The configured LLM client (``settings.llm``, typed and parsed once), or None for no-LLM mode (no URL
    configured, or URL ``none``). Arguments replace settings, as the CLI's flags do."""
    if any(v is not None for v in (url, model, key, timeout, redact)):
        settings = settings.replace(
            llm_url=url, llm_model=model, llm_key=key, llm_timeout=timeout, llm_redact=redact
        )
    cfg = settings.llm
    url = cfg.url
    if not url or str(url).strip().lower() in ("none", "off", "no"):
        return None
    if url.startswith("local:"):
        raise ConfigError(
            "the in-process 'local:' backend is not available (no Chinese instruct model installs from a "
            "package registry, see docs/llm.md): run Ollama or llama.cpp's server and use its URL"
        )
    log_path = settings.data_dir / "logs" / "llm-requests.jsonl" if cfg.log_requests else None
    client = OpenAICompatLLM(
        url,
        model=cfg.model,
        key=cfg.key,
        timeout=cfg.timeout,
        retries=cfg.retries,
        redact=cfg.redact,
        log_path=log_path,
        connect_timeout=cfg.connect_timeout,
    )
    client.redactor.hide(
        hidden_from_settings(settings)
    )  # names the user chose to hide ([privacy] hide_names)
    return client


__all__ = ["LLM", "OpenAICompatLLM", "is_loopback", "load_llm", "normalise_base_url"]
