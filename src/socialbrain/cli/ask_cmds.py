"""`socialbrain ask` and `socialbrain chat`: answers from your posts, streamed, with their sources."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..models import PostFilter
from ..services import Answer, AnswerCollector, build_filter, llm_from_settings
from .common import (
    AllYearsOpt,
    SinceOpt,
    UntilOpt,
    console,
    err_console,
    fail,
    get_brain,
    option_groups,
    progress_bar,
    user_errors,
)

if TYPE_CHECKING:
    from ..answer.llm import ChatMessage


@dataclasses.dataclass(frozen=True)
class AskOptions:
    """What `ask` and `chat` share: where to look, which LLM answers and how."""

    kb: Annotated[
        str | None, typer.Option("--kb", help="Knowledge base to ask (default: the whole archive).")
    ] = None
    since: SinceOpt = None
    until: UntilOpt = None
    no_llm: Annotated[
        bool, typer.Option("--no-llm", help="Answer with retrieved posts only (nothing is generated).")
    ] = False
    llm_url: Annotated[
        str | None,
        typer.Option("--llm-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1."),
    ] = None
    model: Annotated[
        str | None,
        typer.Option("--model", help="LLM model name (default: config llm.model, else the server's first)."),
    ] = None
    llm_key: Annotated[str | None, typer.Option("--llm-key", help="API key for the LLM endpoint.")] = None
    llm_timeout: Annotated[
        float | None, typer.Option("--llm-timeout", help="Seconds to wait for the LLM.")
    ] = None
    show_prompt: Annotated[
        bool, typer.Option("--show-prompt", help="Print every request exactly as it is sent.")
    ] = False
    redact: Annotated[
        bool | None,
        typer.Option(
            "--redact/--no-redact",
            help="Hide phones, e-mails, ID numbers, @names before sending "
            "(default: on for non-loopback endpoints).",
        ),
    ] = None
    scope: Annotated[
        str, typer.Option("--scope", help="auto | topk | all (map-reduce over every post in range).")
    ] = "auto"
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before a map-reduce run on a remote endpoint.")
    ] = False
    k: Annotated[int, typer.Option("--k", "-k", help="How many posts to retrieve.")] = 8
    all_years: AllYearsOpt = False

    def open(self) -> tuple[Any, Any]:
        """The Brain and the LLM to answer with: the configured one, with these flags replacing its settings."""
        brain = get_brain()
        flags = {
            "llm_url": self.llm_url,
            "llm_key": self.llm_key,
            "llm_timeout": self.llm_timeout,
            "llm_redact": self.redact,
        }
        if self.model is None and all(v is None for v in flags.values()):
            return brain, brain.llm
        return brain, llm_from_settings(brain.settings, model=self.model, **flags)

    def filter(self) -> PostFilter | None:
        flt = build_filter(since=self.since, until=self.until)
        return flt if (flt.since or flt.until) else None


def _print_request(out: Any) -> Any:
    def show(body: dict[str, Any]) -> None:
        out.rule("[dim]sent to the LLM[/dim]")
        for m in body.get("messages", []):
            out.print(f"[bold]{m.get('role')}[/bold]")
            out.print(str(m.get("content")), markup=False, highlight=False, soft_wrap=True)
        out.rule()

    return show


def _estimate_text(est: Any, remote: bool) -> str:
    where = "远程" if remote else "本机"
    return (
        f"将逐期总结范围内全部 {est.posts} 条帖子（{est.periods} 个时期，按{'月' if est.granularity == 'month' else '年'}）："
        f"约 {est.calls} 次{where}模型调用（{est.cached_calls} 次已缓存），约 {est.prompt_tokens:,} 个 prompt token"
        "（估算：中文约 1 字 1 token，其他约 4 字符 1 token）"
    )


def _confirm(llm: Any, yes: bool) -> Any:
    def confirm(est: Any) -> bool:
        remote = bool(getattr(llm, "remote", False))
        err_console.print(_estimate_text(est, remote), markup=False)
        if not remote or yes or est.calls <= 1:
            return True
        if not sys.stdin.isatty():
            raise fail("this sends your posts to a remote LLM: add --yes to confirm")
        return typer.confirm("继续？ continue?", default=False)

    return confirm


def render_sources(sources: list[dict[str, Any]], cited_ids: list[int] | None = None) -> None:
    if not sources:
        return
    console.print()
    console.print("[bold]来源 Sources[/bold]")
    cited = set(cited_ids or [])
    for s in sources:
        mark = "*" if s["id"] in cited else " "
        text = s["text"].replace("\n", " ")
        if len(text) > 80:
            text = text[:80] + "…"
        line = f"{mark}[{s['n']}] {s['date'][:10]} {s['platform']} #{s['id']}  {escape(text)}"
        if s.get("url"):
            line += f"  [link={s['url']}]{escape(s['url'])}[/link]"
        console.print(line, soft_wrap=True)


def _run(
    brain: Any,
    llm: Any,
    question: str,
    opts: AskOptions,
    *,
    flt: PostFilter | None,
    history: list[ChatMessage] | None = None,
    json_out: bool = False,
    show_sources: bool = True,
) -> Answer:
    """Stream one answer to the terminal (or only collect it, for --json); returns the answer."""
    llm = None if opts.no_llm else llm
    if llm is not None and opts.show_prompt:
        llm.on_send = _print_request(err_console if json_out else console)
    bar = progress_bar(str, per_stage=False, clock="elapsed")  # closed before the answer streams
    from ..answer.ask import ask_stream

    collected = AnswerCollector()
    started = False
    try:
        for ev in ask_stream(
            brain,
            question,
            kb=opts.kb,
            flt=flt,
            history=history,
            mode="retrieval" if opts.no_llm else "auto",
            k=opts.k,
            scope=opts.scope,
            confirm=_confirm(llm, opts.yes),
            progress=bar,
            llm=llm,
            all_years=opts.all_years,
        ):
            collected.add(ev)
            t = ev["type"]
            if t == "meta":
                if not json_out and ev["standalone_question"] != question:
                    err_console.print(f"[dim]（理解为：{escape(ev['standalone_question'])}）[/dim]")
                if not json_out:
                    for note in ev["scope"].get("notes") or []:
                        err_console.print(f"[dim]{escape(note)}[/dim]")
            elif t == "delta":
                bar.close()
                if not json_out:
                    console.print(ev["text"], end="", markup=False, highlight=False, soft_wrap=True)
                    started = True
    finally:
        bar.close()
    answer = collected.answer
    if json_out:
        return answer
    if started:
        console.print()
    if answer.dropped_citations:
        err_console.print(
            f"[yellow]已删除不存在的引用 removed citations of posts not given: {answer.dropped_citations}[/yellow]"
        )
    if answer.unsupported_claims:
        err_console.print(
            f"[yellow]已删除 {len(answer.unsupported_claims)} 句没有引用帖子的话 "
            f"removed sentences citing no post given[/yellow]"
        )
    if show_sources:
        render_sources(answer.sources, answer.citations)
    return answer


@user_errors
@option_groups
def ask_cmd(
    question: Annotated[str, typer.Argument(help='Your question, e.g. "迄今为止发生过的最好的事".')],
    opts: AskOptions,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")] = False,
) -> None:
    """Ask your posts a question: a cited answer streamed, then its sources with dates and links."""
    brain, llm = opts.open()
    answer = _run(brain, llm, question, opts, flt=opts.filter(), json_out=json_out)
    if json_out:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))


@user_errors
@option_groups
def chat_cmd(opts: AskOptions) -> None:
    """Talk with your past: follow-ups keep the context. /sources, /reset, /exit."""
    from rich.prompt import Prompt

    brain, llm = opts.open()
    flt = opts.filter()
    mode = "不用模型（检索）" if opts.no_llm or llm is None else llm.name
    console.print(
        f"[bold]socialbrain chat[/bold] · {escape(mode)} · /sources 来源 · /reset 重新开始 · /exit 退出"
    )
    history: list[ChatMessage] = []
    last = Answer(text="", mode="")
    while True:
        try:
            q = Prompt.ask("[bold cyan]你[/bold cyan]", console=console).strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not q:
            continue
        if q in ("/exit", "/quit", "/q"):
            return
        if q == "/reset":
            history.clear()
            console.print("[dim]已清空对话 history cleared[/dim]")
            continue
        if q == "/sources":
            render_sources(last.sources, last.citations)
            continue
        last = _run(brain, llm, q, opts, flt=flt, history=history, show_sources=False)
        history.append({"role": "user", "content": q, "standalone": last.standalone_question or q})
        history.append({"role": "assistant", "content": last.text})


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_cmd)
    app.command("chat")(chat_cmd)
