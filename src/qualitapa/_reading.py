"""Where a table comes from and how its text is written: source, format, encoding, delimiter.

:func:`qualitapa.io.read_table` builds on this module:

* :func:`open_source` opens a path, or standard input for ``"-"`` (read
  into memory once, so that the format and the delimiter can be sniffed);
* :func:`input_format` says how the table is stored: by the file's
  extension, by ``format``, or (stdin, an extension that says nothing) by
  the first bytes;
* :func:`text_encoding` says how a CSV file's text is encoded: as given,
  else UTF-8 (with or without BOM), else Windows-1252 (what Italian Excel
  saves as "CSV") with a :class:`~qualitapa.errors.DataWarning` naming the
  file;
* :func:`sniff_delimiter` finds the delimiter among ``, ; tab |``, or says
  it cannot;
* :func:`check_json_text` refuses JSON text holding half a character (a
  lone surrogate, ``"\\ud800"``), which pandas' reader would drop or could
  not store, naming the record and the field;
* :func:`cell_error` is the error of a table's faulty cells: it names the
  first and carries them all.

Examples
--------
>>> sniff_delimiter("organization;value\\n022205;1,5\\n016024;2\\n", "raw.csv")
';'
>>> delimiter_char("tab")
'\\t'
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Literal, get_args

import attrs
import pandas as pd

from qualitapa.errors import DataError, DataWarning, DelimiterError, Either, Message, OptionError
from qualitapa.i18n import N_

#: How a table is stored (``format`` of :func:`qualitapa.io.read_table`,
#: ``--input-format`` on the command line).
InputFormat = Literal["csv", "tsv", "xlsx", "json", "ndjson", "parquet"]
INPUT_FORMATS: tuple[str, ...] = get_args(InputFormat)

#: The format each file extension names.
EXTENSIONS: dict[str, InputFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: The delimiters sniffed, and the names a delimiter may be given by.
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}

#: Bytes looked at to sniff the format, the encoding and the delimiter.
SAMPLE_BYTES = 1 << 16

#: The name standard input goes by in messages.
STDIN = "<stdin>"


@attrs.frozen
class Source:
    """A table to read: a file (``path``), or bytes already in memory (``data``)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    def handle(self) -> Path | IO[bytes]:
        """What pandas reads: the path, or a fresh binary stream over the bytes."""
        if self.path is not None:
            return self.path
        return io.BytesIO(self.data or b"")

    def head(self, size: int = SAMPLE_BYTES) -> bytes:
        """The first ``size`` bytes."""
        if self.path is None:
            return (self.data or b"")[:size]
        with self.path.open("rb") as fh:
            return fh.read(size)

    def suffix(self) -> str:
        """The lower-case extension of the file (empty for standard input)."""
        return self.path.suffix.lower() if self.path is not None else ""

    def read_bytes(self) -> bytes:
        """Every byte of the table."""
        if self.path is None:
            return self.data or b""
        return self.path.read_bytes()


def open_source(path: str | Path) -> Source:
    """The table at ``path``; ``"-"`` is standard input, read into memory once.

    Raises
    ------
    DataError
        The file does not exist, or standard input is empty.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        if not data:
            raise DataError(
                Message("nothing on standard input", N_("niente sullo standard input")),
                source=STDIN,
            )
        return Source(STDIN, data=data)
    p = Path(path)
    if not p.exists():
        raise DataError(Message("file not found", N_("file non trovato")), source=str(p))
    return Source(str(p), path=p)


def check_format(format: str | None) -> InputFormat | None:
    """``format`` if it names an :data:`InputFormat` (or is None); OptionError otherwise."""
    if format is not None and format not in INPUT_FORMATS:
        raise OptionError(
            f"format must be one of {', '.join(INPUT_FORMATS)}, not {format!r}",
            option="format",
            value=format,
        )
    return format  # type: ignore[return-value]


def input_format(source: Source, format: InputFormat | None) -> InputFormat:
    """How ``source`` is stored: ``format``, else its extension, else its first bytes.

    The first bytes decide for standard input and for extensions that say
    nothing: a zip archive is a workbook, ``PAR1`` Parquet, ``[`` JSON
    records, ``{`` NDJSON, anything else CSV.
    """
    if format is not None:
        return format
    known = EXTENSIONS.get(source.suffix())
    if known is not None:
        return known
    head = source.head(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "ndjson"
    return "csv"


def check_encoding(encoding: str | None) -> str | None:
    """The codec name of ``encoding`` (UTF-8 reads a BOM too); OptionError if unknown."""
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise OptionError(
            f"unknown encoding {encoding!r}: use e.g. utf-8, cp1252 (Windows, Italian Excel's "
            "'CSV') or latin-1",
            option="encoding",
            value=encoding,
        ) from None
    return "utf-8-sig" if name == "utf-8" else name


def _decodes(sample: bytes, encoding: str, whole: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=whole)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def text_encoding(source: Source, encoding: str | None) -> str:
    """The encoding to read ``source``'s text with.

    ``encoding`` when given. Otherwise UTF-8 (a BOM is skipped) when the
    first :data:`SAMPLE_BYTES` are UTF-8; else Windows-1252, with a
    :class:`DataWarning` naming the file (Italian Excel saves "CSV" in
    it); else a :class:`DataError` saying where the first odd byte is.
    """
    if encoding is not None:
        return encoding
    sample = source.head()
    whole = len(sample) < SAMPLE_BYTES
    if _decodes(sample, "utf-8-sig", whole):
        return "utf-8-sig"
    if _decodes(sample, "cp1252", whole):
        fallback_warning(source)
        return "cp1252"
    raise decode_error(source, None)


def fallback_warning(source: Source) -> None:
    """Say that ``source`` is read as Windows-1252 because it is not UTF-8 (in the language)."""
    from qualitapa.i18n import translatable

    name = source.name
    warnings.warn(
        translatable(
            DataWarning,
            lambda t: t(
                "{name}: non è UTF-8; letto come Windows-1252 (cp1252, il 'CSV' di Excel su "
                "Windows). Se le lettere accentate non sono giuste, indicare la codifica del "
                "file (--encoding, encoding= in Python) o salvarlo come 'CSV UTF-8'",
                name=name,
            ),
        ),
        stacklevel=4,
    )


def decode_error(source: Source, encoding: str | None) -> DataError:
    """The error for text that ``encoding`` cannot read: which byte, on which row.

    With None (no encoding given) the text was tried as UTF-8 and then as
    Windows-1252: the byte named is one Windows-1252 lacks.
    """
    raw = source.read_bytes()
    tried = "cp1252" if encoding is None else encoding
    try:
        raw.decode(tried)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start)  # 0: the header; n: data row n
        byte = raw[exc.start : exc.start + 1]
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        what = (
            Message("UTF-8 text, nor Windows-1252", N_("testo UTF-8, né Windows-1252"))
            if encoding is None
            else Message("{encoding} text", N_("testo {encoding}"), encoding=shown)
        )
        message = Message(
            "not {what} (byte 0x{byte}); give the file's encoding with --encoding "
            "(encoding= in Python; e.g. latin-1, utf-16), or save it as 'CSV UTF-8'",
            N_(
                "non è {what} (byte 0x{byte}); indicare la codifica del file con --encoding "
                "(encoding= in Python; ad esempio latin-1, utf-16), o salvarlo come 'CSV UTF-8'"
            ),
            what=what,
            byte=byte.hex(),
        )
        return DataError(
            message,
            source=source.name,
            row=line if line > 0 else None,
        )
    return DataError(f"not {encoding} text", source=source.name)  # pragma: no cover


def delimiter_char(delimiter: str | None) -> str | None:
    """The character ``delimiter`` names (``"tab"`` is a tab); OptionError if not one."""
    if delimiter is None:
        return None
    char = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(char) != 1 or char in '\r\n"':
        raise OptionError(
            f"the delimiter must be one character (or tab), not {delimiter!r}",
            option="delimiter",
            value=delimiter,
        )
    return char


def text_sample(source: Source, encoding: str) -> str:
    """The first lines of ``source`` as text (whole lines only, unless it is one line)."""
    raw = source.head()
    text = raw.decode(encoding, errors="replace")
    if len(raw) >= SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _fields(sample: str, delimiter: str) -> list[int]:
    """How many fields each record of ``sample`` has with ``delimiter``."""
    records = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        return [len(r) for r in records if r]
    except csv.Error:  # e.g. a NUL byte: not this delimiter's business
        return []


def sniff_delimiter(sample: str, source: str) -> str:
    """The delimiter of a CSV ``sample``, among ``, ; tab |``.

    Each candidate splits the sample as :mod:`csv` reads it (quotes
    respected). A header with none of them is a table of one column; a
    header split by one of them only is split by it (a row with too many
    fields is then reported by the reader, naming the row). When the header
    is split by several, those that give every record the header's number
    of fields fit (else those that give most records as many), and of them
    the one splitting the header into most fields is it (the more fields
    agree, the less by chance); when none fits, or several split it into as
    many fields, nothing tells which
    is meant (:class:`csv.Sniffer` would pick by a fixed order of
    preference): it is an error, never a guess.

    Raises
    ------
    DataError
        The delimiter cannot be told; the message suggests ``--delimiter``.

    Examples
    --------
    >>> sniff_delimiter("a|b\\n1|2\\n", "x.csv"), sniff_delimiter("value\\n1,5\\n", "x.csv")
    ('|', ',')
    """
    counts = {d: _fields(sample, d) for d in DELIMITERS}
    splitting = [d for d, n in counts.items() if n and n[0] > 1]
    if not splitting:
        return ","  # one column
    if len(splitting) == 1:
        return splitting[0]
    same = {d: counts[d].count(counts[d][0]) for d in splitting}
    fitting: list[str] = []
    for enough in (lambda d: same[d] == len(counts[d]), lambda d: 2 * same[d] > len(counts[d])):
        fitting = [d for d in splitting if enough(d)]  # every record, else most records
        if fitting:
            break
    widest = [d for d in fitting if counts[d][0] == max(counts[f][0] for f in fitting)]
    if len(widest) == 1:  # the more fields agree, the less they agree by chance
        return widest[0]
    if fitting:
        fitting = widest
        why = Message(
            "each splits the header and the rows into as many fields",
            N_("ognuno divide l'intestazione e le righe in altrettanti campi"),
        )
    else:
        fitting = splitting
        why = Message(
            "with none do most rows have the header's number of fields",
            N_("con nessuno la maggior parte delle righe ha i campi dell'intestazione"),
        )
    said = Message(
        "cannot tell the delimiter (it could be {shown}: {why}); give it with "
        "--delimiter (e.g. --delimiter ';' or --delimiter tab; delimiter= in Python)",
        N_("non si capisce il separatore (potrebbe essere {shown}: {why}); indicarlo con "
           "--delimiter (ad es. --delimiter ';' o --delimiter tab; delimiter= in Python)"),
        shown=Either(repr(d) for d in fitting), why=why,
    )  # fmt: skip
    raise DataError(said, source=source)


def check_delimiter(sample: str, delimiter: str, source: str) -> None:
    """Refuse a ``delimiter`` that leaves the header one field when another splits it.

    ``--delimiter ,`` on a file written with ``;`` reads a table of one
    column whose values are whole lines (every check after it would speak
    of a missing column), or stops at the first ``1,5`` with "too many
    fields". When the header is one field with ``delimiter`` but
    :func:`sniff_delimiter` finds another that splits it, it is an error
    suggesting that one. A file that is one column with every delimiter is
    left alone.

    Raises
    ------
    DelimiterError
        Naming the file, the delimiter given and the one that fits.

    Examples
    --------
    >>> check_delimiter("a;b\\n1;2\\n", ";", "x.csv")
    >>> check_delimiter("a;b\\n1;2\\n", ",", "x.csv")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DelimiterError: x.csv: with the delimiter ',' the header is one field; ...
    """
    fields = _fields(sample, delimiter)
    if not fields or fields[0] != 1:
        return
    try:
        found = sniff_delimiter(sample, source)
    except DataError:  # several would fit: none to suggest
        return
    if found != delimiter and (_fields(sample, found) or [1])[0] > 1:
        raise DelimiterError(delimiter, found, source=source)


#: A JSON escape of a surrogate (``\\ud800``..``\\udfff``): the text may hold half a character.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate(value: object) -> str | None:
    """The first lone surrogate in a parsed JSON value (keys included), as its escape."""
    if isinstance(value, str):
        for char in value:
            if "\ud800" <= char <= "\udfff":
                return f"\\u{ord(char):04x}"
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        for item in value:
            found = _lone_surrogate(item)
            if found:
                return found
    return None


def check_json_text(source: Source, fmt: Literal["json", "ndjson"]) -> None:
    """Refuse JSON text with a lone surrogate, naming the record (``row``) and the field.

    JSON can write half of a character (``"\\ud800"``: a UTF-16 surrogate
    without its other half). pandas' reader drops such a character
    silently, or keeps one that a text column stored by pyarrow refuses.
    Pairs (``"\\ud83d\\ude00"``, one letter) are fine. Only text holding a
    surrogate escape is read again with :mod:`json` to find where it is;
    text that :mod:`json` cannot read is left to the table reader to report.

    Raises
    ------
    DataError
        Naming the record (``row``, 1-based) and the field, or the file
        when the top level is not a list of records.

    Examples
    --------
    >>> check_json_text(Source("x.json", data=rb'[{"a": "\\ud83d\\ude00"}]'), "json")
    >>> check_json_text(Source("x.json", data=rb'[{"a": 1}, {"b": "x\\ud800"}]'), "json")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: x.json, row 2, column 'b': contains half of a character ...
    """
    raw = source.read_bytes()
    if _SURROGATE_ESCAPE.search(raw) is None:  # almost always: one pass in C
        return
    try:
        text = raw.decode("utf-8-sig")
        if fmt == "ndjson":
            records: object = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = json.loads(text)
    except (ValueError, RecursionError):  # not JSON: the table reader says why
        return
    found: Iterable[tuple[int | None, str | None, str | None]] = [
        (None, None, _lone_surrogate(records))
    ]
    if isinstance(records, list) and all(isinstance(r, dict) for r in records):
        found = (
            (number, _shown(key), _lone_surrogate([key, value]))
            for number, record in enumerate(records, start=1)
            for key, value in record.items()
        )
    for row, column, escape in found:
        if escape is not None:
            raise DataError(
                f"contains half of a character ({escape}, a lone surrogate), which is not "
                "valid Unicode text; correct the text where the file is made",
                source=source.name,
                row=row,
                column=column,
            )


def json_frame(source: Source, fmt: Literal["json", "ndjson"]) -> pd.DataFrame:
    """JSON records (a list of objects, or one object per line) as a frame, every float exact.

    Read with :mod:`json`, which reads a number to the nearest double
    (pandas' fast reader is an ulp off for 45% of random doubles, and its
    exact mode refuses subnormal numbers): a float written with
    :func:`repr` reads back bit for bit. ``null`` is missing; dates stay
    text here, for :func:`qualitapa.io.read_table` to read by column name.

    Raises
    ------
    ValueError
        The text is not JSON, or not records (the caller names the file).

    Examples
    --------
    >>> json_frame(Source("x.ndjson", data=b'{"a": 0.30000000000000004}\\n{"a": null}\\n'),
    ...            "ndjson")["a"].tolist()
    [0.30000000000000004, nan]
    """
    text = source.read_bytes().decode("utf-8-sig")
    try:
        if fmt == "ndjson":
            records: object = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("the records are not objects in a list")
    return pd.DataFrame.from_records(records) if records else pd.DataFrame()


def cell_error(message: Message, cases: pd.DataFrame, source: str | None) -> DataError:
    """The error at the first of ``cases`` (``row``, ``column``), with every case in it."""
    first = cases.iloc[0]
    return DataError(
        message,
        source=source,
        row=int(first["row"]),
        column=str(first["column"]),
        failure_cases=cases,
    )


def _shown(key: str) -> str:
    """A field name with its lone surrogates written as escapes."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")
