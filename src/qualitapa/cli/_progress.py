"""Progress of long work on stderr: a bar on a terminal, plain lines elsewhere.

The library reports where it is through plain callbacks (the demo's
:class:`~qualitapa.demo.ProgressEvent`); this module draws them:

* on a terminal, a rich progress bar: the step, the current sub-step, how
  many are done, the time spent and an estimate of the time left; each
  finished step stays above the bar as ``[k/n] step (12.3 s)``;
* elsewhere (CI logs, pipes, files) plain lines, no bar and no escape
  codes: a line per step and per sub-step with the time spent and the
  estimate (each section of a report too with ``--verbose``);
* nothing with ``--quiet``.

Colours follow rich, which honours ``NO_COLOR``. Text from the data (labels,
names) is shown with :func:`~qualitapa.cli._terminal.printable`.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from qualitapa.cli._terminal import _GuardedStream, is_terminal, printable
from qualitapa.i18n import translator

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from qualitapa.demo import ProgressEvent


def _real_stderr() -> TextIO:
    """``sys.stderr`` without the terminal guard's filter (rich writes its own codes)."""
    stream = sys.stderr
    return stream.stream if isinstance(stream, _GuardedStream) else stream


def head(event: ProgressEvent) -> str:
    """``[k/n] step`` (the step alone, without its sub-step)."""
    return f"[{event.step}/{event.steps}] {event.label}" if event.step else event.label


def left(elapsed: float, done: int, total: int) -> float | None:
    """Seconds left to finish ``total`` sub-steps at the pace of the ``done`` first ones.

    Examples
    --------
    >>> left(30.0, 2, 7)
    75.0
    >>> left(3.0, 0, 7) is None
    True
    """
    if done <= 0 or total <= done:
        return None
    return elapsed / done * (total - done)


class StepProgress:
    """Draw :class:`~qualitapa.demo.ProgressEvent` s on stderr (use as a context manager).

    Parameters
    ----------
    lang
        Language of the words it adds (seconds, the time left).
    verbosity
        ``-1`` quiet (nothing), ``0`` normal, ``1`` verbose (every sub-step
        detail as a line when not on a terminal).
    bar
        Draw a bar (default: stderr is a terminal).
    """

    def __init__(self, lang: str = "it", *, verbosity: int = 0, bar: bool | None = None) -> None:
        self.t = translator(lang)
        self.verbosity = verbosity
        self.bar = is_terminal(sys.stderr) if bar is None else bar
        self.start = time.perf_counter()
        self._step: ProgressEvent | None = None
        self._step_start = self.start
        self._done = -1
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> StepProgress:
        if self.bar and self.verbosity >= 0:
            self._progress = self._rich_progress()
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self._finish_step()
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, event: ProgressEvent) -> None:
        """Show ``event``."""
        if self.verbosity < 0:
            return
        if self._step is None or (event.step, event.label) != (
            self._step.step,
            self._step.label,
        ):
            self._finish_step()
            self._step, self._step_start, self._done = event, time.perf_counter(), -1
            if self._progress is None:
                self._line(f"{head(event)} ({self.seconds(self._step_start - self.start)})")
        if self._progress is not None:
            self._draw(event)
        elif event.detail is not None and (event.done != self._done or self.verbosity > 0):
            self._line(f"[{event.step}/{event.steps}] {event.done}/{event.total} {event.detail} "
                       + self._times(event))  # fmt: skip
        if event.detail is not None:
            self._done = event.done

    # -- drawing -------------------------------------------------------------

    def seconds(self, value: float) -> str:
        """``12,3 s`` in the language."""
        return f"{self.t.number(value, digits=1)} s"

    def _times(self, event: ProgressEvent) -> str:
        now = time.perf_counter()
        rest = left(now - self._step_start, event.done, event.total)
        spent = self.seconds(now - self.start)
        if rest is None:
            return f"({spent})"
        return "({})".format(self.t("{spent}; ancora circa {left}", spent=spent,
                                    left=self.seconds(rest)))  # fmt: skip

    def _line(self, text: str) -> None:
        stream = sys.stderr
        stream.write(printable(text) + "\n")
        stream.flush()

    def _finish_step(self) -> None:
        """Say how long the step just finished took (the bar keeps it above itself)."""
        if self._step is None:
            return
        if self._progress is not None:
            spent = self.seconds(time.perf_counter() - self._step_start)
            self._progress.console.print(f"{printable(head(self._step))} ({spent})")
        self._step = None

    def _rich_progress(self) -> Progress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.table import Column

        console = Console(
            file=_real_stderr(),
            highlight=False,
            markup=False,
            emoji=False,
            no_color=True if "NO_COLOR" in os.environ else None,  # rich reads it too
        )

        def shrinking(ratio: int) -> Column:  # the texts give way; counts and times never
            return Column(ratio=ratio, no_wrap=True, overflow="ellipsis")

        return Progress(
            TextColumn("{task.description}", markup=False, table_column=shrinking(2)),
            BarColumn(bar_width=12),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[detail]}", markup=False, table_column=shrinking(3)),
            console=console,
            expand=True,
            speed_estimate_period=3600,  # a report takes a minute: estimate over the step
            transient=True,
            redirect_stdout=False,  # data
            redirect_stderr=True,  # notes printed while it runs appear above the bar
        )

    def _draw(self, event: ProgressEvent) -> None:
        bar = self._progress
        if bar is None:
            return
        description = printable(head(event))
        detail = printable(event.detail or "", cell=True)
        total = event.total or None  # no sub-steps: a pulsing bar
        if self._task is None or (self._done == -1 and event.detail is None):
            if self._task is not None:
                bar.remove_task(self._task)
            self._task = bar.add_task(description, total=total, detail=detail)
        bar.update(
            self._task, description=description, total=total, completed=event.done, detail=detail
        )
