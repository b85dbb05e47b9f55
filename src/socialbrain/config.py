"""Where socialbrain keeps its files, and the settings read from the environment.

Data directory: ``--data-dir`` > ``$SOCIALBRAIN_HOME`` > ``$XDG_DATA_HOME/socialbrain`` >
``~/.local/share/socialbrain``. Inside it:

    archive.db      the archive (plain SQLite; the source of truth)
    index/          derived search indexes, rebuildable from the archive
    media/          downloaded media (collectors, optional)
    secrets/        cookies and tokens given to collectors (0600, never in the archive)
    config.toml     optional settings (llm, embedder, index)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError


def default_data_dir() -> Path:
    if os.environ.get("SOCIALBRAIN_HOME"):
        return Path(os.environ["SOCIALBRAIN_HOME"]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "socialbrain"


@dataclass
class Settings:
    data_dir: Path
    file_values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path | str | None = None) -> Settings:
        d = Path(data_dir).expanduser() if data_dir else default_data_dir()
        values: dict[str, Any] = {}
        cfg = d / "config.toml"
        if cfg.exists():
            try:
                values = tomllib.loads(cfg.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise ConfigError(f"{cfg}: not valid TOML ({e})") from e
        return cls(data_dir=d, file_values=values)

    @property
    def archive_path(self) -> Path:
        return self.data_dir / "archive.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def get(self, section: str, key: str, env: tuple[str, ...] = (), default: Any = None) -> Any:
        """A setting: the first set env var in ``env``, else config.toml ``[section] key``, else default."""
        for name in env:
            v = os.environ.get(name)
            if v:
                return v
        return self.file_values.get(section, {}).get(key, default)
