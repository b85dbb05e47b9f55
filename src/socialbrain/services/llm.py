"""The LLM client from settings (with this process's overrides), and what its endpoint offers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..answer.llm import LLM
    from ..config import Settings

#: override keys (Brain.open(**overrides), CLI flags) → load_llm arguments
LLM_OVERRIDES = {"llm_url": "url", "llm_model": "model", "llm_key": "key", "llm_timeout": "timeout",
                 "llm_redact": "redact"}
MODELS_TIMEOUT = 3.0


def llm_from_settings(
    settings: Settings, overrides: Mapping[str, Any] | None = None, *, model: str | None = None
) -> LLM | None:
    """The configured LLM (None: no-LLM mode); ``overrides`` use the Brain's keys; ``model`` picks another
    model on the same endpoint."""
    from ..answer.llm import load_llm

    ov = overrides or {}
    kwargs = {arg: ov.get(key) for key, arg in LLM_OVERRIDES.items()}
    if model:
        kwargs["model"] = model
    return load_llm(settings, **kwargs)


def llm_info(llm: LLM | None) -> dict[str, Any]:
    return {
        "available": llm is not None,
        "name": llm.name if llm is not None else None,
        "model": getattr(llm, "model", None) if llm is not None else None,
    }


def list_models(llm: LLM | None, *, timeout: float = MODELS_TIMEOUT) -> list[str]:
    """The model ids the endpoint's ``/models`` lists ([] when there is no LLM or it does not answer)."""
    base = getattr(llm, "base_url", None) if llm is not None else None
    if not base:
        return []
    import httpx

    key = getattr(llm, "key", None)
    try:
        r = httpx.get(base + "/models", timeout=timeout, headers={"Authorization": f"Bearer {key}"} if key else {})
        r.raise_for_status()
        data = r.json().get("data", [])
        return [str(m["id"]) for m in data if isinstance(m, dict) and m.get("id")]
    except (httpx.HTTPError, ValueError, AttributeError, TypeError):
        return []
