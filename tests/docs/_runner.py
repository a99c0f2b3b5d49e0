"""Find the shell commands of the docs, check that they parse, run the runnable ones.

The pages are README.md, docs/*.md and plugins/*/README.md. A *command block* is a
fenced block marked ``bash``, ``sh``, ``shell`` or ``console``. What happens to it:

* a ``console`` block (``$ `` before each command, the output pasted below it) is
  **runnable**: the slow test runs each command and checks its exit status (0, or the
  one written after it as ``  # exit N``) and every pasted output line (``…`` marks a
  cut; spaces are compared squashed, so column widths may change);
* a ``bash`` block preceded by ``<!-- runnable -->`` is runnable too (no output
  pasted: the exit status must be 0);
* ``<!-- runnable: raw.csv is plugins/.../indicator_data.csv -->`` (clauses ``NAME is
  PATH``, separated by ``;``) copies a shipped file under the name the page uses
  for the reader's own before the page's commands run;
* ``<!-- not runnable: REASON -->`` before any command block says why it is not run
  (needs a PostgreSQL URL, installs packages, stands for the reader's own file...);
* ``<!-- pending: REASON -->`` before a block cites a command that does not exist
  yet: the fast test expects it not to parse and fails once it does (then mark the
  block runnable).

A bash block with a ``qualitapa`` command and none of these marks fails the fast
test: new docs cannot rot silently. Every ``qualitapa`` command, in any command
block or inline code span (`` `qualitapa ...` ``), must parse against the CLI (the
command path and its options exist, ids of the catalog's items exist), pending
blocks aside.

A page's runnable commands run in page order in one temporary folder, so later
commands read what earlier ones wrote. A plain ``qualitapa ...`` command (no pipe,
redirection, ``&&``, ``;``, variable, ``VAR=value`` or ``cd``) runs in the test's
process through click's ``CliRunner`` (:func:`run_in_process`): starting an
interpreter and loading every plugin's catalog for each command made the run last
18 minutes. Shell constructs run in a shell; the pages of :data:`AS_PROCESSES` run
every command as a real process (encodings, stdin and exit codes as a shell sees them):
shell constructs in a shell, plain commands in a process forked from one that has
imported qualitapa (:class:`ForkServer`: 35 interpreter starts were 48 of the page's
50 s).
The pages of :data:`OWN_TEST` are run by their own test, not by the general one.

A page that says ``cd docs/examples/NAME`` in a command block runs in a copy of that
folder; other pages run in an empty one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
SHELLS = ("bash", "sh", "shell", "console")

_FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
_MARK = re.compile(
    r"<!--\s*(?P<kind>runnable|not runnable|pending)\s*(?::\s*(?P<reason>(?:(?!-->).)*?))?"
    r"\s*-->\s*\Z",
    re.S,
)
_INLINE = re.compile(
    r"(?P<pending><!--\s*pending:[^>]*-->\s*)?(?<!`)`(?P<code>(?:\S*/)?qualitapa [^`\n]+)`(?!`)"
)
_CD = re.compile(r"^cd (?P<path>docs/examples/[\w./-]+)$", re.M)


def pages() -> list[Path]:
    """The pages whose commands are checked (docs/cli.md is generated from the CLI)."""
    found = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found += sorted(ROOT.glob("plugins/*/README.md"))
    return [p for p in found if p.name != "cli.md"]


def relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else str(page)


@dataclass
class Step:
    """One command of a runnable block: its expected exit status and pasted output."""

    command: str
    status: int = 0
    pasted: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A fenced command block of a page."""

    page: Path
    line: int
    lang: str
    body: str
    mark: str | None  # "runnable", "not runnable", "pending" or None
    reason: str

    @property
    def where(self) -> str:
        return f"{relative(self.page)}:{self.line}"

    @property
    def runnable(self) -> bool:
        if self.mark is not None:
            return self.mark == "runnable"
        return self.lang == "console"

    def steps(self) -> list[Step]:
        """The commands in order, continuation lines joined, with status and output."""
        steps: list[Step] = []
        lines = iter(self.body.splitlines())
        for line in lines:
            if self.lang == "console" and not line.startswith("$ "):
                if steps and line.strip() and line.strip() != "…":
                    steps[-1].pasted.append(line)
                continue
            text = line[2:] if self.lang == "console" else line
            while text.rstrip().endswith("\\"):
                text = text.rstrip()[:-1].rstrip() + " " + next(lines, "").strip()
            command, _, comment = text.partition("  # ")
            if not command.strip() or command.lstrip().startswith("#"):
                continue
            status = re.fullmatch(r"exit (\d+)", comment.strip())
            steps.append(Step(command.strip(), int(status[1]) if status else 0))
        return steps

    def qualitapa_commands(self) -> list[tuple[Step, list[str]]]:
        """Each ``qualitapa`` call of the block, with the step it belongs to."""
        return [(step, args) for step in self.steps() for args in qualitapa_args(step.command)]


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for fence in _FENCE.finditer(text):
        lang = fence["lang"]
        if lang not in SHELLS:
            continue
        before = text[: fence.start()].rstrip()
        mark = _MARK.search(before[-300:])
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, fence.start()) + 1,
                lang=lang,
                body=fence["body"],
                mark=mark["kind"] if mark else None,
                reason=(mark["reason"] or "") if mark else "",
            )
        )
    return found


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


def inline_commands() -> list[tuple[str, str, bool]]:
    """(where, command, pending) of each `qualitapa ...` inline code span outside blocks.

    A span with a placeholder (``...``, ``…``, ``<TAB>``, a word in capitals such as
    ``KIND`` or ``FILE``) is a sketch and is left out.
    ``<!-- pending: REASON -->`` just before a span says its command is not there yet.
    """
    found = []
    for page in pages():
        text = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text("utf-8"))
        for span in _INLINE.finditer(text):
            if re.search(r"\.\.\.|…|<TAB>|(?<![\w.-])[A-Z][A-Z_]+\b(?![=.])", span["code"]):
                continue
            line = text.count("\n", 0, span.start()) + 1
            found.append((f"{relative(page)}:{line}", span["code"], bool(span["pending"])))
    return found


def qualitapa_args(command: str) -> list[list[str]]:
    """The arguments of each ``qualitapa`` call in a shell command line.

    Pipes, ``&&``, ``;`` and ``VAR=value`` prefixes are understood; ``.venv/bin/qualitapa``
    and ``python -m qualitapa`` count.
    """
    lexer = shlex.shlex(command, posix=False, punctuation_chars=True)  # quotes kept
    lexer.whitespace_split = True
    lexer.commenters = "#"
    calls = []
    try:
        segments = list(_segments(list(lexer)))
        for segment in segments:
            words = [" ".join(shlex.split(token)) for token in segment]
            while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
                words = words[1:]
            if words and Path(words[0]).name == "qualitapa":
                calls.append(words[1:])
            elif "python" in Path(words[0] if words else "").name and words[1:3] == [
                "-m",
                "qualitapa",
            ]:
                calls.append(words[3:])
    except ValueError:  # an unbalanced quote: not a command we can read
        return []
    return calls


def _segments(tokens: list[str]) -> Iterator[list[str]]:
    """Split at the unquoted ``|``, ``&&``, ``;``, parentheses and redirections."""
    segment: list[str] = []
    for token in tokens:
        if token and set(token) <= set("|&;()<>"):
            yield segment
            segment = []
        else:
            segment.append(token)
    yield segment


# -- parsing against the CLI -------------------------------------------------------------


def parse_problem(args: list[str], *, complete: bool = True) -> str | None:
    """Why ``qualitapa ARGS`` does not parse, or None. Nothing is executed.

    Each group resolves its subcommand (click's ``resolve_command``) and the last
    command parses its options and arguments (``make_context``: names, choices, counts).
    Files need not exist. ``complete=False`` (an inline mention such as
    ``qualitapa demo --organization``) forgives missing values and arguments. The
    values of options and arguments that take catalog ids are checked against the
    installed catalog.
    """
    from qualitapa.cli import cli

    command: click.Command = cli
    name = "qualitapa"
    parent: click.Context | None = None
    rest = list(args)
    while True:
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                _files_need_not_exist(command),
                _placeholders(rest),
            ):
                ctx = command.make_context(
                    name, list(rest), parent=parent, resilient_parsing=not complete
                )
        except (click.exceptions.Exit, click.exceptions.NoArgsIsHelpError):  # --help, --version
            return None
        except click.ClickException as error:
            return f"{error.format_message()} ({' '.join(args)})"
        if not isinstance(command, click.Group):
            return _unknown_ids(ctx, args)
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            return None
        first = rest[0]
        try:
            name, sub, rest = command.resolve_command(ctx, rest)
        except click.ClickException as error:
            return f"{error.format_message()} ({' '.join(args)})"
        if sub is None or name is None:  # resilient parsing says nothing
            return f"No such command {first!r} ({' '.join(args)})"
        command, parent = sub, ctx


@contextlib.contextmanager
def _files_need_not_exist(command: click.Command) -> Iterator[None]:
    """The docs cite the reader's files: parse as if they existed."""
    types = [p.type for p in command.params if isinstance(p.type, click.Path) and p.type.exists]
    for type_ in types:
        type_.exists = False
    try:
        yield
    finally:
        for type_ in types:
            type_.exists = True


@contextlib.contextmanager
def _placeholders(args: list[str]) -> Iterator[None]:
    """Empty files, in a temporary working folder, for the file names among ``args``."""
    with tempfile.TemporaryDirectory() as tmp:
        for arg in args:
            if _is_file(arg) and not arg.startswith("-") and "/" not in arg:
                (Path(tmp) / arg).touch()
        with contextlib.chdir(tmp):
            yield


#: Parameters that take catalog ids besides the completed ones (qualitapa.cli._complete).
MORE_IDS = {"index_id": "composites"}


def _unknown_ids(ctx: click.Context, args: list[str]) -> str | None:
    from qualitapa.catalog import default_catalog
    from qualitapa.cli._complete import COMPLETED

    catalog = default_catalog()
    for param, value in ctx.params.items():
        kind = COMPLETED.get(param) or MORE_IDS.get(param)
        if kind is None or value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            for one in str(item).split(","):
                if one and not _is_file(one) and one not in _ids(catalog, kind):
                    what = kind[:-1].replace("_", " ")
                    return f"no {what} {one!r} in the catalog ({' '.join(args)})"
    return None


def _is_file(text: str) -> bool:
    return "/" in text or bool(re.search(r"\.(csv|xlsx|json|toml|xml|ndjson|parquet|db)$", text))


def _ids(catalog: object, kind: str) -> set[str]:
    items = getattr(catalog, kind)
    ids = {str(key) for key in items}
    if kind == "organizations":  # by code or by name, in any language
        for item in items.values():
            ids |= {item.names.get(language) for language in item.names.languages}
    return ids


# -- running -----------------------------------------------------------------------------


def files(page: Path) -> dict[str, Path]:
    """The files the runnable marks of a page copy into its folder (name -> source)."""
    found = {}
    for block in blocks(page):
        if block.mark == "runnable":
            for clause in filter(None, (c.strip() for c in block.reason.split(";"))):
                name, sep, source = clause.partition(" is ")
                if not sep:
                    raise ValueError(f"{block.where}: write 'NAME is PATH', not {clause!r}")
                found[name.strip()] = ROOT / source.strip()
    return found


def prepare(page: Path, tmp: Path) -> Path:
    """A folder prepared as the page says: its example folder copied, its files named."""
    source = workdir_source(page)
    work = tmp / (source.name if source else page.stem)
    if source:
        shutil.copytree(source, work)
    else:
        work.mkdir()
    for name, path in files(page).items():
        shutil.copyfile(path, work / name)
    return work


def runnable_steps(page: Path) -> list[tuple[Block, Step]]:
    return [(block, step) for block in blocks(page) if block.runnable for step in block.steps()]


def workdir_source(page: Path) -> Path | None:
    """The example folder a page says to ``cd`` into, if any."""
    for block in blocks(page):
        cd = _CD.search(block.body)
        if cd:
            return ROOT / cd["path"]
    return None


def squash(text: str) -> str:
    return " ".join(text.split())


def env() -> dict[str, str]:
    """The environment of a reader's shell: installed plugins, plain output, 100 columns."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALITAPA_")}
    env.update(
        COLUMNS="100", NO_COLOR="1", TERM="dumb", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    )
    return env


#: Pages whose commands all run as real processes: they show encodings, standard input
#: and exit codes as the reader's shell sees them.
AS_PROCESSES = frozenset({"docs/your-own-data.md"})
#: Pages run by a test of their own (which also runs their Python blocks), not by
#: ``test_docs_run.py``: page -> that test.
OWN_TEST = {"docs/programme.md": "tests/programme/test_programme_docs.py"}


@dataclass
class Ran:
    """What a command did: its exit status and what it printed."""

    status: int
    stdout: str
    stderr: str


def plain_args(command: str) -> list[str] | None:
    """The arguments of a plain ``qualitapa ARGS`` command line, else None.

    Plain: one call of the ``qualitapa`` script, with no pipe, redirection, ``&&``,
    ``;``, ``$`` variable, backquote, ``VAR=value`` prefix or glob: what a shell would
    pass to the script unchanged.
    """
    return _words(command, globs=False)


def _words(command: str, *, globs: bool) -> list[str] | None:
    """The words after ``qualitapa`` of a plain command line (file patterns allowed if
    ``globs``: ``*``, ``?`` and ``[`` outside quotes, left unexpanded), else None."""
    lexer = shlex.shlex(command, posix=False, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
        words = shlex.split(command, comments=True)
    except ValueError:
        return None
    if any(token and set(token) <= set("|&;()<>") for token in tokens):
        return None
    if not words or words[0] != "qualitapa":
        return None
    unquoted = [t for t in tokens if not t.startswith(("'", '"'))]
    shell = r"[$`~\\]" if globs else r"[$`*?~\\\[]"
    if any(re.search(shell, t) for t in unquoted) or any(
        "$" in t or "`" in t for t in tokens if t.startswith('"')
    ):
        return None
    return words[1:]


def globbed_args(command: str, cwd: Path) -> list[str] | None:
    """The arguments a shell in ``cwd`` passes to ``qualitapa`` for a command that is plain
    but for its file patterns (``qualitapa collect scheda_*.xlsx``), else None.

    The shell of :func:`run_in_shell` expands the words, given to a Python that prints
    its ``argv``: the shell's order, its hidden files, a pattern matching nothing left as
    it is.
    """
    if _words(command, globs=True) is None:
        return None
    words = command.split(maxsplit=1)[1] if " " in command.strip() else ""
    show = "import json, sys; print(json.dumps(sys.argv[1:]))"
    shown = run_in_shell(f"{shlex.quote(sys.executable)} -I -S -c '{show}' {words}", cwd)
    if shown.status != 0:
        raise RuntimeError(f"the shell did not expand {command!r}: {shown.stderr}")
    return list(json.loads(shown.stdout))


def run_in_process(args: list[str], cwd: Path, stdin: str | None = None) -> Ran:
    """``qualitapa ARGS`` run by click's ``CliRunner`` in ``cwd``, with :func:`env`.

    The environment has no ``QUALITAPA_*`` variable (every installed plugin loads, as
    for a reader, whatever the test's fixtures set); the catalog is built by the first
    command and cached for the next ones, as in a process that ran them all: a command's
    ``-d`` definitions build a catalog of their own and are not cached. The root options
    (``--quiet``, ``--lang``...) live in the click context, made anew for each command.
    stdout and stderr are kept apart (click >= 8.2 always does). An exception that is
    not click's exit is a traceback a reader would see: it is returned on stderr with
    the status 1 a process would have, marked so that no page can paste it.
    """
    from click.testing import CliRunner

    from qualitapa.cli import cli

    environment: dict[str, str | None] = {k: None for k in os.environ if k.startswith("QUALITAPA_")}
    environment.update({k: v for k, v in env().items() if k in ("COLUMNS", "NO_COLOR", "TERM")})
    runner = CliRunner(env=environment)
    with contextlib.chdir(cwd):
        result = runner.invoke(cli, args, input=stdin, prog_name="qualitapa")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        stderr += f"\n[in-process traceback]\n{trace}"
    return Ran(result.exit_code, result.stdout, stderr)


#: The fork server's program: argv[1] and argv[2] are its job and answer pipes.
_FORK_SERVER = r"""
import atexit, json, os, runpy, sys, warnings
from qualitapa.cli import main
from qualitapa.catalog import KINDS, default_catalog

for kind in KINDS:  # the modules a command's catalog imports
    kind.model_class()
# the installed plugins' catalog, as each command would build it (it reads no file of the
# working folder): a child that prints nothing while building it prints the same with it
# built. A build that warns (a broken plugin) is left to each child, which then says so.
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    default_catalog()
if said:
    default_catalog.cache_clear()
jobs, answers = os.fdopen(int(sys.argv[1])), os.fdopen(int(sys.argv[2]), "w")
for line in jobs:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:  # the command, as the qualitapa script runs it: sys.exit(main())
        jobs.close(); answers.close()
        os.chdir(job["cwd"])
        for fd, name, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, job["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            opened = os.open(name, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        try:
            if "script" in job:  # as `python SCRIPT` runs it
                sys.argv = [job["script"]]
                sys.path[0] = os.path.dirname(job["script"])
                runpy.run_path(job["script"], run_name="__main__")
                sys.exit(0)
            sys.argv = ["qualitapa", *job["args"]]
            sys.exit(main())
        except SystemExit as exc:  # as the interpreter says it
            code = exc.code
            if code is None:
                code = 0
            elif not isinstance(code, int):
                print(code, file=sys.stderr)
                code = 1
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    answers.write(json.dumps(os.waitstatus_to_exitcode(status)) + "\n")
    answers.flush()
"""


class ForkServer:
    """Plain ``qualitapa`` commands as real processes, without an interpreter start each.

    One Python process, started with :func:`env` as a reader's shell would start the
    script, imports ``qualitapa.cli`` (what the ``qualitapa`` script imports) and the
    catalog's model modules and builds the installed plugins' catalog (unless building
    it warns: then each child builds it and warns), then forks a child per command: the
    child has the files of a process run by :func:`run_in_shell` (no terminal: standard
    input empty, standard output and error captured), its own working folder and argv,
    and exits with the status the script would (``sys.exit(main())``). No state passes
    between commands: each child starts from the server's state, not the previous one's.
    (Building the catalog in each child was 0.27 s of each command's 0.45 s.)

    Examples
    --------
    >>> with ForkServer() as server:  # doctest: +SKIP
    ...     server.run(["--version"], Path(".")).status
    0
    """

    def __init__(self, flags: tuple[str, ...] = ()) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        job_r, self._jobs = os.pipe()
        self._answers, answer_w = os.pipe()
        self._log = open(Path(self._tmp.name) / "server.log", "w")  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, *flags, "-c", _FORK_SERVER, str(job_r), str(answer_w)],
            env=env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            pass_fds=(job_r, answer_w),
        )
        os.close(job_r)
        os.close(answer_w)
        self._send = os.fdopen(self._jobs, "w")
        self._receive = os.fdopen(self._answers)

    def run(self, args: list[str], cwd: Path) -> Ran:
        """``qualitapa ARGS`` in ``cwd``, in a child of the server."""
        return self._run({"args": args}, cwd)

    def run_script(self, script: Path, cwd: Path) -> Ran:
        """``python SCRIPT`` (with the server's ``flags``) in ``cwd``, in a child."""
        return self._run({"script": str(script.resolve())}, cwd)

    def _run(self, job: dict[str, object], cwd: Path) -> Ran:
        out, err = Path(self._tmp.name) / "out", Path(self._tmp.name) / "err"
        job = {**job, "cwd": str(cwd), "out": str(out), "err": str(err)}
        self._send.write(json.dumps(job) + "\n")
        self._send.flush()
        answer = self._receive.readline()
        if not answer:
            self._log.flush()
            log = (Path(self._tmp.name) / "server.log").read_text(encoding="utf-8")
            raise RuntimeError(f"the fork server stopped:\n{log}")
        # the text decoded as run_in_shell's subprocess.run(text=True) decodes it
        return Ran(int(answer), *(_decoded(path.read_bytes()) for path in (out, err)))

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._send.close()
        self._process.wait(timeout=60)
        self._receive.close()
        self._log.close()
        self._tmp.cleanup()


def _decoded(data: bytes) -> str:
    """Bytes a process printed, as ``subprocess.run(text=True)`` gives them."""
    stream = io.TextIOWrapper(io.BytesIO(data))  # the locale's encoding, universal newlines
    return stream.read()


def run_in_shell(command: str, cwd: Path) -> Ran:
    run = subprocess.run(
        command,
        shell=True,  # the pages' commands include pipes and variables
        cwd=cwd,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Ran(run.returncode, run.stdout, run.stderr)


def run_step(step: Step, cwd: Path, *, server: ForkServer | None = None) -> Ran:
    """Run one step: a plain one in this process (in a child of ``server`` if given), else
    in a shell."""
    args = plain_args(step.command)
    if args is None and server is None:  # a file pattern: the shell's words, run here
        args = globbed_args(step.command, cwd)
    if args is None:
        return run_in_shell(step.command, cwd)
    return run_in_process(args, cwd) if server is None else server.run(args, cwd)


def run_steps(
    steps: list[tuple[Block, Step]], cwd: Path, *, processes: bool = False, twin: Path | None = None
) -> list[str]:
    """Run the steps in order in ``cwd``; the failures, each explained.

    Plain ``qualitapa`` commands run in this process (:func:`run_in_process`), the
    others in a shell; with ``processes`` every command runs as a process (plain ones
    forked by a :class:`ForkServer`, the others in a shell). With ``twin``
    (a second copy of the page's folder; with ``processes``) every step also runs in
    it, plain ones in this process, and must print the same (status, stdout and
    stderr) as the process did: what lets the other pages run in this process (a shell
    construct that changed no file of the folder is not run again there).
    """
    from qualitapa.catalog import default_catalog

    default_catalog.cache_clear()  # built again for the reader's plugins (see run_in_process)
    with ForkServer() if processes else contextlib.nullcontext() as server:
        return _run_steps(steps, cwd, server, twin)


def _run_steps(
    steps: list[tuple[Block, Step]], cwd: Path, server: ForkServer | None, twin: Path | None
) -> list[str]:
    failures = []
    for block, step in steps:
        shell = twin is not None and plain_args(step.command) is None
        before = _files(cwd) if shell else None
        run = run_step(step, cwd, server=server)
        if twin is not None and not (shell and _files(cwd) == before):
            failures += _compare(block, step, run, cwd, twin)
        output = squash(run.stdout + "\n" + run.stderr)
        if run.status != step.status or "[in-process traceback]" in run.stderr:
            failures.append(
                f"{block.where}: $ {step.command}\nexit {run.status}, the page says "
                f"{step.status}\n{run.stderr[-2000:]}"
            )
            continue
        missing = [line for line in step.pasted if squash(line) not in output]
        if missing:
            failures.append(
                f"{block.where}: $ {step.command}\npasted lines not printed any more:\n"
                + "\n".join(missing)
                + f"\n--- printed:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"
            )
    return failures


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file under ``folder``: its size and modification time (nanoseconds)."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def _compare(block: Block, step: Step, process: Ran, cwd: Path, twin: Path) -> list[str]:
    """Run ``step`` in ``twin`` as :func:`run_step` would; a difference with ``process``.

    :func:`_run_steps` does not call it for a shell construct that changed no file of
    the page's folder (``cat a.csv | qualitapa ...``): run again in ``twin`` it would
    only have kept alike a folder that is alike.
    """
    ran = run_step(step, twin)
    if plain_args(step.command) is None:
        return []  # run in a shell both times: only keeps the twin folder alike
    said = (process.stdout, process.stderr)
    expected = tuple(text.replace(str(cwd), str(twin)) for text in said)
    if ran.status == process.status and (ran.stdout, ran.stderr) == expected:
        return []
    return [
        f"{block.where}: $ {step.command}\nin this process, not as a process: exit "
        f"{ran.status} (process {process.status})\n--- stdout:\n{ran.stdout[-2000:]}\n"
        f"--- process stdout:\n{process.stdout[-2000:]}\n--- stderr:\n{ran.stderr[-2000:]}"
        f"\n--- process stderr:\n{process.stderr[-2000:]}"
    ]
