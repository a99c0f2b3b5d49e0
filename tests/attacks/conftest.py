"""Shared tools of the attack suite: run a reader on hostile input under limits.

``guarded(func, *args)`` runs ``func(*args)`` in a forked child process with
an address-space limit (the parent's size plus ``memory``) and a wall-clock
``timeout``, and tells what happened:

* ``Outcome("ok", value)`` - it returned (the value is pickled back; keep it small);
* ``Outcome("error", None, exc_type, message)`` - it raised; ``exc_type`` is
  the exception class (pickled back), so a test can check it is a
  :class:`~qualitapa.errors.QualitapaError`;
* ``Outcome("timeout")`` / ``Outcome("memory")`` / ``Outcome("crashed")``.

The fuzz tests use :func:`assert_typed_or_ok`: "a typed error or a result,
never a raw exception, a hang or a memory blow-up". Fork keeps it cheap (no
re-import per example); it needs Linux, which CI is.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import resource
import select
import signal
import traceback
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings

from qualitapa.errors import QualitapaError

#: Per-example limits of the fuzz tests (issue 13): 2 s of CPU, 1 GiB more than the parent.
FUZZ_TIMEOUT = 2.0
FUZZ_MEMORY = 1 << 30

#: Examples per reader: 200 under the ``ci`` Hypothesis profile (CI's run, issue 13),
#: 50 under the quick local one (``dev``: the whole suite in minutes, issue 25).
FUZZ_EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE", "dev") == "ci" else 50

#: Hypothesis settings of the fuzz tests: :data:`FUZZ_EXAMPLES` examples; the deadline
#: is enforced by ``guarded`` (in a child process), so Hypothesis' own is off.
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@attrs.frozen
class Outcome:
    kind: str  # ok | error | timeout | memory | crashed
    value: Any = None
    exc_type: type[BaseException] | None = None
    message: str = ""
    trace: str = ""


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - Linux always has it


def guarded(
    func: Callable[..., Any],
    *args: Any,
    timeout: float = FUZZ_TIMEOUT,
    memory: int = FUZZ_MEMORY,
    **kwargs: Any,
) -> Outcome:
    """Run ``func(*args, **kwargs)`` in a forked child under a time and memory limit.

    A timeout is tried once more before it is reported: a child forked while
    another thread of the test process held a lock can block for reasons
    that are not the reader's; a real hang or spin times out twice.
    """
    outcome = _guarded_once(func, args, kwargs, timeout, memory)
    if outcome.kind == "timeout":
        outcome = _guarded_once(func, args, kwargs, timeout, memory)
    return outcome


def _guarded_once(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    timeout: float,
    memory: int,
) -> Outcome:
    """One guarded run.

    The time limit is on the child's CPU time (``RLIMIT_CPU``), so a loaded
    machine does not turn a slow example into a "hang"; a child that blocks
    without computing is stopped after five times ``timeout`` of wall-clock time.
    The parent's objects are frozen out of the collector while it forks: the
    child's first collection would otherwise write to every object of the
    parent's heap and copy its pages, a second of system time per example
    that RLIMIT_CPU counts (it made the xlsx fuzz test time out on 0.2 s readers).
    """
    read_fd, write_fd = os.pipe()
    limit = _vm_size() + memory
    cpu = max(1, math.ceil(timeout))
    wall = max(1.0, 5 * timeout)
    gc.freeze()  # the child's collector would touch (copy) every page of the parent's heap
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                result: tuple[Any, ...] = ("ok", func(*args, **kwargs))
            except MemoryError:
                result = ("memory",)
            except BaseException as exc:
                result = ("error", type(exc), str(exc)[:2000], traceback.format_exc()[-4000:])
            try:
                data = pickle.dumps(result)
            except Exception:
                data = pickle.dumps(("ok", None) if result[0] == "ok" else result[:1])
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(0)
    gc.unfreeze()
    os.close(write_fd)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([read_fd], [], [], wall)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return Outcome("timeout")
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return Outcome("timeout")
    if not chunks:
        return Outcome("crashed", message=f"child exited with status {status}")
    result = pickle.loads(b"".join(chunks))
    if result[0] == "ok":
        return Outcome("ok", result[1])
    if result[0] == "error":
        exc_type, message, trace = result[1], result[2], result[3]
        if issubclass(exc_type, MemoryError):
            return Outcome("memory", exc_type=exc_type, message=message, trace=trace)
        return Outcome("error", exc_type=exc_type, message=message, trace=trace)
    return Outcome(result[0])


def assert_typed_or_ok(outcome: Outcome, *, what: str = "") -> Outcome:
    """Fail unless the outcome is a result or a :class:`QualitapaError`."""
    if outcome.kind == "ok":
        return outcome
    if outcome.kind == "error" and issubclass(outcome.exc_type, QualitapaError):  # type: ignore[arg-type]
        return outcome
    pytest.fail(
        f"{what or 'reader'}: {outcome.kind}"
        + (f" {outcome.exc_type.__name__}: {outcome.message}" if outcome.exc_type else "")
        + (f"\n{outcome.trace}" if outcome.trace else ""),
        pytrace=False,
    )
    raise AssertionError  # pragma: no cover - pytest.fail raises


@pytest.fixture
def typed_or_ok() -> Callable[..., Outcome]:
    """``typed_or_ok(func, *args)``: run guarded and assert a result or a typed error."""

    def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
        return assert_typed_or_ok(
            guarded(func, *args, **kwargs), what=getattr(func, "__name__", "")
        )

    return run
