"""Cookies and tokens given to collectors: read from a file, optionally kept in ``<data_dir>/secrets/`` (0600).

They only ever travel in request headers: never logged, never in the archive, never in an error message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError


def parse_cookie_text(text: str, *, path: str = "cookie file", domain_hint: str = "weibo") -> str:
    """A ``Cookie:`` header value from what a browser gives: the raw header (``SUB=…; SUBP=…``, with or
    without a leading ``Cookie:``), a Netscape ``cookies.txt``, or a JSON list of ``{name, value}``."""
    t = text.strip().lstrip("\ufeff")
    if not t:
        raise ConfigError(
            f"{path}: the cookie file is empty: paste the Cookie header of a logged-in m.weibo.cn tab"
        )
    if t[:1] in "[{":
        try:
            data = json.loads(t)
        except json.JSONDecodeError as e:
            raise ConfigError(
                f"{path}: looks like JSON but is not valid ({e.msg} at line {e.lineno})"
            ) from None
        items = data.get("cookies", []) if isinstance(data, dict) else data
        pairs = [
            f"{c['name']}={c['value']}"
            for c in items
            if isinstance(c, dict)
            and "name" in c
            and "value" in c
            and domain_hint in str(c.get("domain", domain_hint))
        ]
        if not pairs:
            raise ConfigError(
                f"{path}: no {domain_hint} cookies in this JSON (expected a list of {{name, value}})"
            )
        return "; ".join(pairs)
    lines = [ln for ln in t.splitlines() if ln.strip() and not ln.startswith("#")]
    if lines and all(len(ln.split("\t")) >= 7 for ln in lines):  # Netscape cookies.txt
        pairs = [f"{f[5]}={f[6]}" for f in (ln.split("\t") for ln in lines) if domain_hint in f[0]]
        if not pairs:
            raise ConfigError(f"{path}: no {domain_hint} cookies in this cookies.txt")
        return "; ".join(pairs)
    header = " ".join(ln.strip() for ln in t.splitlines())
    if header.lower().startswith("cookie:"):
        header = header[len("cookie:") :].strip()
    if "=" not in header:
        raise ConfigError(f"{path}: not a cookie (expected name=value pairs such as SUB=…; SUBP=…)")
    return header


def secret_path(settings: Settings, name: str) -> Path:
    return settings.data_dir / "secrets" / name


def save_secret(settings: Settings, name: str, value: str) -> Path:
    """Write a secret readable by the owner only (0600, in a 0700 folder)."""
    d = settings.data_dir / "secrets"
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    p = d / name
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value)
    os.chmod(p, 0o600)
    return p


def load_secret(settings: Settings, name: str) -> str | None:
    p = secret_path(settings, name)
    return p.read_text(encoding="utf-8").strip() if p.exists() else None


def read_secret_file(path: Path | str, what: str) -> str:
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"{p}: no such {what} file")
    return p.read_text(encoding="utf-8")


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with every secret (and each of a cookie's values) replaced by ``***``."""
    for s in secrets:
        if not s:
            continue
        parts = [s] + [kv.split("=", 1)[1].strip() for kv in s.split(";") if "=" in kv]
        for part in sorted(parts, key=len, reverse=True):
            if len(part) >= 6:
                text = text.replace(part, "***")
    return text
