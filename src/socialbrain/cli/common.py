"""What every CLI command shares: the console, the Brain for --data-dir, date options, error rendering,
the progress bar."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import SocialbrainError
from ..services import build_filter, parse_date

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..brain import Brain
    from ..models import PostFilter

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")

_state: dict[str, Any] = {"data_dir": None, "brain": None, "overrides": {}}


def set_data_dir(path: str | None) -> None:
    _state["data_dir"] = path
    _state["brain"] = None


def set_overrides(**overrides: Any) -> None:
    """Global options that replace settings for this invocation (e.g. ``index_uri`` from --index-uri)."""
    _state["overrides"] = {k: v for k, v in overrides.items() if v is not None}
    _state["brain"] = None


def get_brain(**more_overrides: Any) -> Brain:
    """The Brain for this invocation (opened once, on first use); ``more_overrides`` (a command's own flags,
    e.g. ``embedder``) join the global ones before it opens."""
    more = {k: v for k, v in more_overrides.items() if v is not None}
    if more:
        set_overrides(**{**_state.get("overrides", {}), **more})
    brain: Brain | None = _state["brain"]
    if brain is None:
        from ..brain import Brain  # not at import: `--help` and option errors never open the archive

        brain = _state["brain"] = Brain.open(_state["data_dir"], **_state.get("overrides", {}))
    return brain


def via_server(path: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """``GET path`` answered by the `serve` running for this data directory with the same search settings
    (web/discovery.py: ``<data dir>/serve.json``, a per-run key, loopback only); None when there is none or it
    cannot answer — then the command runs in this process. A user mistake the server reports raises."""
    from ..config import Settings
    from ..errors import ConfigError
    from ..web import discovery

    settings = Settings.load(_state["data_dir"], _state.get("overrides", {}))
    server = discovery.find(settings.data_dir)
    if server is None or server.search != discovery.search_signature(settings):
        return None
    try:
        answer = discovery.get_json(server, path, params)
    except discovery.ServerError as e:
        raise ConfigError(str(e)) from None
    if answer is not None:
        err_console.print(f"[dim]经由运行中的 serve 检索 (answered by the running serve, {server.url})[/dim]")
    return answer


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn SocialbrainError into one red line and exit status 2: no tracebacks for user mistakes."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SocialbrainError as e:
            raise fail(str(e)) from None
        except KeyboardInterrupt:
            err_console.print(
                "interrupted: everything committed so far is kept; run the same command to resume"
            )
            sys.exit(130)

    return wrapper


def date_option(value: str | None, *, end: bool = False) -> datetime | None:
    """Parse --since/--until: 2016, 2016-05, 2016-05-04, ISO datetimes; --until of a day/month/year is its end."""
    return parse_date(value, "--until" if end else "--since", end=end)


def option_groups(fn: F) -> F:
    """Let a command take groups of options that several commands share.

    A parameter annotated with a dataclass whose fields are typer options (``kb: KbOpt = None``) becomes those
    options, in that place of the command's signature, and the command receives the dataclass built from them:
    ``def ask(question: QuestionArg, opts: AskOptions, json_out: JsonOpt = False)``. ``--help`` shows the
    options exactly as if they had been written out in the command.
    """
    signature = inspect.signature(fn, eval_str=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for p in signature.parameters.values():
        group = p.annotation
        if not (isinstance(group, type) and dataclasses.is_dataclass(group)):
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))
            continue
        fields = list(inspect.signature(group, eval_str=True).parameters.values())
        groups[p.name] = (group, [f.name for f in fields])
        params.extend(f.replace(kind=inspect.Parameter.KEYWORD_ONLY) for f in fields)

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        for name, (group, names) in groups.items():
            kwargs[name] = group(**{n: kwargs.pop(n) for n in names})
        return fn(**kwargs)

    command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return command  # type: ignore[return-value]


#: the filter options most commands share (``build_filter(since=…, platforms=…)`` turns them into a PostFilter)
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date: 2016, 2016-05, 2016-05-04.")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Up to this date, inclusive: 2016 = through 2016.")
]
PlatformOpt = Annotated[list[str] | None, typer.Option("--platform", help="Only this platform (repeatable).")]
AccountOpt = Annotated[list[str] | None, typer.Option("--account", help="Only this account (repeatable).")]
KindOpt = Annotated[
    list[str] | None, typer.Option("--kind", help="original, repost, reply, comment or chat (repeatable).")
]
AllYearsOpt = Annotated[
    bool, typer.Option("--all-years", help="Ignore time phrases such as 2016年 or 去年: search every year.")
]


@dataclasses.dataclass(frozen=True)
class FilterOptions:
    """--since/--until/--platform/--account/--kind: which posts a command looks at."""

    since: SinceOpt = None
    until: UntilOpt = None
    platform: PlatformOpt = None
    account: AccountOpt = None
    kind: KindOpt = None

    def build(self, **more: Any) -> PostFilter:
        """The PostFilter these options name (``more``: other fields, e.g. ``include_hidden=True``)."""
        return build_filter(
            since=self.since,
            until=self.until,
            platforms=self.platform,
            accounts=self.account,
            kinds=self.kind,
            **more,
        )


#: Descriptions of the index/import stages; progress_bar() uses them unless given other labels.
STAGE_LABELS = {
    "index": "索引 indexing",
    "embed": "向量 embedding",
    "import": "导入 importing",
    "migrate": "迁移 migrating",
}


@dataclasses.dataclass(eq=False)
class ProgressBar:
    """A rich progress bar on stderr driven by (stage, done, total) callbacks.

    ``labels`` turns a stage into its description (a mapping falls back to the stage itself; pass ``str``
    to show stages as they are); ``per_stage`` gives every stage its own bar, otherwise one bar whose
    description follows the stage; ``title`` shows that one bar from the start; ``clock`` adds the time
    remaining or elapsed; ``spinner`` shows a spinner instead of the bar and counts (work of unknown size, the
    description says how far it is); ``show=False`` runs silently.

    Use it as a context manager (``with progress_bar() as progress: work(progress=progress)``) or call it
    directly and ``close()`` it: the bar starts on the first call (or on entry when it has a ``title``).
    """

    labels: Mapping[str, str] | Callable[[str], str] = dataclasses.field(default_factory=lambda: STAGE_LABELS)
    _: dataclasses.KW_ONLY
    per_stage: bool = True
    title: str | None = None
    clock: Literal["remaining", "elapsed"] | None = "remaining"
    spinner: bool = False
    show: bool = True
    _bar: Progress | None = dataclasses.field(default=None, init=False, repr=False)
    _tasks: dict[str | None, Any] = dataclasses.field(default_factory=dict, init=False, repr=False)

    def _label(self, stage: str) -> str:
        if callable(self.labels):
            return self.labels(stage)
        return self.labels.get(stage, str(stage))

    def _start(self) -> Progress:
        from rich.progress import (  # on first use: `--help` and most commands never draw a bar
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[ProgressColumn] = [TextColumn("{task.description}")]
        if self.spinner:
            columns.insert(0, SpinnerColumn())
        else:
            columns += [BarColumn(), MofNCompleteColumn()]
        if self.clock == "remaining":
            columns.append(TimeRemainingColumn())
        elif self.clock == "elapsed":
            columns.append(TimeElapsedColumn())
        bar = Progress(*columns, console=err_console, disable=not self.show, transient=True)
        bar.start()
        self._bar = bar
        if self.title is not None:
            self._tasks[None] = bar.add_task(self.title, total=None)
        return bar

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bar or self._start()
        label = self._label(stage)
        key = stage if self.per_stage else None
        if key not in self._tasks:
            self._tasks[key] = bar.add_task(label, total=total or None)
        bar.update(self._tasks[key], description=label, completed=done, total=total or None)

    def close(self) -> None:
        """Take the bar off the screen (a later call starts a new one)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._tasks.clear()

    def __enter__(self) -> ProgressBar:
        if self.title is not None and self._bar is None:
            self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: ``progress_bar(labels, per_stage=…, title=…, clock=…, show=…)``: the bar is its own factory
progress_bar = ProgressBar


def update_index(saved: str, *, embed: bool = True, show_progress: bool = True) -> None:
    """Keep the search index current after a change to the archive (import, collect, forget, hide). The change
    is committed whatever the index does: a failure is a warning that says so (``saved``: what was kept)."""
    from ..services import sync

    try:
        with progress_bar(
            lambda stage: f"索引 {stage}",
            per_stage=False,
            title="索引 indexing",
            clock=None,
            show=show_progress,
        ) as progress:
            sync(get_brain(), embed=embed, progress=progress)
    except (SocialbrainError, OSError) as e:
        err_console.print(
            f"[yellow]warning:[/yellow] {saved}, but the search index was not updated: {escape(str(e))}"
        )
