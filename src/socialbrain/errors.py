"""Every error socialbrain raises for a user to read.

    SocialbrainError            base; str(err) is one line that says what went wrong and what to do
    ├── ConfigError             a setting, flag or env var is wrong
    │   └── MissingExtra        an optional feature whose extra is not installed (names the pip command)
    ├── ImportFormatError       an input file cannot be imported (names file, line or field)
    │   └── NotThisFormat       the detected format finds none of its records in the file
    ├── ArchiveError            the archive file is missing, locked, or from a newer version
    ├── NotFoundError           an id, knowledge base or year that does not exist
    ├── IndexMismatchError      the index was built by another embedding model: rebuild explicitly
    ├── EmbedderUnavailable     the embedder cannot be loaded or reached
    ├── LLMError                the LLM endpoint failed
    │   └── LLMUnavailable      the endpoint is down or unreachable
    └── CollectError            collecting from a platform failed (e.g. expired cookie)
        └── CookieExpired

The CLI prints ``error: <message>`` and exits with status 2 for these; anything else is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType


class SocialbrainError(Exception):
    """Base class: the message is one line meant for the user."""


class ConfigError(SocialbrainError):
    """A setting, flag or environment variable has a bad value."""


class MissingExtra(ConfigError):
    """An optional feature needs a package extra that is not installed; the message names it."""


def require_extra(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for an optional ``feature``; when that package itself is missing, one line naming the
    extra to install. Any other ImportError (a real bug inside it) is raised as it is, never hidden."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            raise MissingExtra(f"{feature} needs the {extra!r} extra: pip install 'socialbrain[{extra}]'") from None
        raise


class ImportFormatError(SocialbrainError):
    """An input file cannot be imported. The message names the file and the line or field."""

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        self.reason = message
        where = self.path
        if line is not None:
            where += f":{line}"
        if field is not None:
            where += f" [{field}]"
        super().__init__(f"{where}: {message}")


class NotThisFormat(ImportFormatError):
    """The importer that detection picked finds no record of its format in the file (a look-alike, e.g. a note
    that mentions 发布时间): inside a folder such a file is skipped, not failed."""


class ArchiveError(SocialbrainError):
    """The archive database cannot be used as it is."""


class NotFoundError(SocialbrainError):
    """An id, knowledge base or other named thing does not exist."""


class IndexMismatchError(SocialbrainError):
    """The index was built with a different embedding model than the one configured."""


class EmbedderUnavailable(SocialbrainError):
    """The configured embedder cannot be loaded or reached."""


class LLMError(SocialbrainError):
    """The LLM endpoint answered with an error."""


class LLMUnavailable(LLMError):
    """The LLM endpoint is down, unreachable or timed out."""


class CollectError(SocialbrainError):
    """Collecting posts from a platform failed."""


class CookieExpired(CollectError):
    """The platform says the login cookie is expired or wrong."""
