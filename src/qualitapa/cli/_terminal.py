"""What the CLI prints never drives the user's terminal.

Data reaches the screen: complaint texts, labels, organization names, file
contents quoted in errors. Control characters in them would be obeyed by the
terminal: ``ESC ] 8 ;; URL BEL`` turns text into a hyperlink to anywhere,
``ESC [2J`` clears the screen, a carriage return overwrites what was just
printed, U+202E (RIGHT-TO-LEFT OVERRIDE) reverses the rest of the line.

:func:`printable` shows each such character visibly instead: C0 controls as
their Unicode *control pictures* (``␛`` for ESC, ``␇`` BEL, ``␍`` CR: one
character for one, so tables keep their alignment), DEL as ``␡``, C1 controls
as ``\\x9b``, bidirectional formatting characters and line/paragraph
separators as ``\\u202e``. Line feeds and tabs of messages are kept (in a
table cell they are shown as well). Every other character, accents, ``ß``
and ``€`` included, is printed as it is.

Two layers use it, both installed by :mod:`qualitapa.cli._main`:

* the shared output functions (``emit`` tables, ``echo``, errors, notes,
  warnings) print text for people through :func:`printable` wherever it
  goes (a terminal, a pipe, a log file);
* :func:`terminal_guard` puts a filter on ``sys.stdout`` and ``sys.stderr``
  while a command runs, when they are terminals: anything printed there
  (CSV or JSON asked for on screen, a command's own ``click.echo``, a
  library's ``print``) goes through :func:`printable` too.

Machine formats written to a pipe or a file are left as they are (CSV
keeps the data; JSON escapes these characters as ``\\uXXXX``, which is the
same data: :func:`json_safe`).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

#: Characters a terminal would obey rather than show: C0 controls (except tab
#: and line feed), DEL, C1 controls, the bidirectional formatting characters
#: (LRM, RLM, ALM, embeddings, overrides, isolates) and the line/paragraph
#: separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_IN_CELLS_RE = re.compile(f"[\t\n{_UNSAFE}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures: ␀ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str, *, cell: bool = False) -> str:
    """``text`` with every character a terminal would obey shown visibly.

    Parameters
    ----------
    text
        What is about to be printed.
    cell
        Also show tabs and line feeds (a table cell is one line).

    Examples
    --------
    >>> printable("\\x1b]8;;http://evil\\x07clic\\x1b]8;;\\x07")
    '␛]8;;http://evil␇clic␛]8;;␇'
    >>> printable("ok\\rKO \\u202eexe.gnp")
    'ok␍KO \\\\u202eexe.gnp'
    >>> printable("Università, Straße: 5 €\\n")
    'Università, Straße: 5 €\\n'
    """
    pattern = _UNSAFE_IN_CELLS_RE if cell else _UNSAFE_RE
    return pattern.sub(_visible, text) if pattern.search(text) else text


def json_safe(text: str) -> str:
    """JSON text with the characters of :func:`printable` escaped as ``\\uXXXX``.

    They can only occur inside JSON strings, where the escape is the same
    character: the data read back are unchanged.

    Examples
    --------
    >>> import json
    >>> s = json_safe(json.dumps(["\\u202eabc\\x9b"], ensure_ascii=False))
    >>> s
    '["\\\\u202eabc\\\\u009b"]'
    >>> json.loads(s) == ["\\u202eabc\\x9b"]
    True
    """
    return _UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def is_terminal(stream: Any) -> bool:
    """``stream`` is an interactive terminal."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a file
        return False


class _GuardedStream:
    """A text stream that prints through :func:`printable` (text only, no ``buffer``).

    Without a ``buffer`` attribute click writes text to it rather than
    bytes to the stream underneath.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.stream.write(printable(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # no way around the filter
            raise AttributeError(name)
        return getattr(self.stream, name)


@contextlib.contextmanager
def terminal_guard() -> Iterator[None]:
    """Within the block, text printed to ``sys.stdout``/``sys.stderr`` terminals is printable.

    Streams that are not terminals (pipes, files) are left alone.
    """
    saved = {name: getattr(sys, name) for name in ("stdout", "stderr")}
    for name, stream in saved.items():
        if stream is not None and not isinstance(stream, _GuardedStream) and is_terminal(stream):
            setattr(sys, name, _GuardedStream(stream))
    try:
        yield
    finally:
        for name, stream in saved.items():
            if isinstance(getattr(sys, name), _GuardedStream):
                setattr(sys, name, stream)
