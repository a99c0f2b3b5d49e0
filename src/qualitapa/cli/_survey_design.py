"""The design path of ``qualitapa survey score|ipa|compare|benchmark``: design and calibration.

``--strata``, ``--clusters``, ``--fpc``, ``--nest``, ``--lonely-psu`` or
``--design FILE.toml`` (a ``[design]`` table) declare the sampling design;
``--calibrate MARGINS.csv`` (repeatable), ``--population-size N``,
``--calibration``, ``--bounds`` and ``--trim`` calibrate its weights, as do
the ``[design]`` table's ``calibrate`` (a file, or a list of files,
relative to the TOML file), ``population_size``, ``method``, ``bounds`` and
``trim``. The options override the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeGuard, cast

import click
import numpy as np
import pandas as pd

from qualitapa.cli._context import language
from qualitapa.cli._main import echo, get_catalog, read_input
from qualitapa.cli._options import FILE, choice_option, file_option

if TYPE_CHECKING:
    from qualitapa.errors import DataError, DefinitionError
    from qualitapa.i18n import Translator
    from qualitapa.surveys import Calibrated, CalibrationMethod, SurveyDesign
    from qualitapa.surveys._design import Floats

#: The population totals of the margins files, as ``calibrate`` takes them.
Totals = Mapping[str | tuple[str, ...], object]

#: The ``[design]`` table's keys that calibrate the design (beside the design's own).
CALIBRATION_FIELDS = ("calibrate", "population_size", "method", "bounds", "trim")
_METHODS = ("linear", "raking", "logit")


def _t() -> Translator:
    """The translator of the command's language (messages, Italian msgids)."""
    from qualitapa.i18n import translator

    return translator(language())


class Calibration(NamedTuple):
    """What the calibration options (or the design file) ask for, the margins read."""

    population: Totals
    method: CalibrationMethod
    bounds: tuple[float, float] | None
    trim: tuple[float, float] | None = None
    population_size: float | None = None
    #: margin -> the margins file that gives it
    files: Mapping[str | tuple[str, ...], str] = {}
    #: where the population size is given: "--population-size", or the design file
    size_source: str | None = None


class _Asked(NamedTuple):
    """The calibration settings of one source: the options, or the design file (None: unsaid)."""

    paths: tuple[Path, ...] = ()
    method: CalibrationMethod | None = None
    bounds: tuple[float, float] | None = None
    trim: tuple[float, float] | None = None
    population_size: float | None = None

    def margins(self) -> bool:
        """Whether it gives totals to calibrate to (margins files, the population size)."""
        return bool(self.paths) or self.population_size is not None

    def settings(self) -> bool:
        """Whether it sets how to calibrate (method, bounds, trim)."""
        return any(v is not None for v in (self.method, self.bounds, self.trim))


class Declared(NamedTuple):
    """The design and the calibration the options and the ``--design`` file declare."""

    design: dict[str, object] | None
    calibration: Calibration | None


def declared(options: dict[str, object], rake_path: Path | None) -> Declared:
    """The design and calibration of a command's options (popped from them), margins read.

    Raises
    ------
    click.UsageError
        Calibration settings without totals, ``--rake`` with a calibration,
        logit without bounds.
    qualitapa.errors.DefinitionError
        A ``--design`` file that is no TOML, has unknown fields or values
        of the wrong kind, names a margins file that is not there.
    """
    if "strata" not in options:
        return Declared(None, None)
    path = cast(Path | None, options.pop("design_path"))
    flags = {
        name: options.pop(name) for name in ("strata", "clusters", "fpc", "nest", "lonely_psu")
    }
    spec, in_file = ({}, _Asked()) if path is None else design_file(path)
    spec.update({k: v for k, v in flags.items() if v not in (None, False, "fail")})
    given = _Asked(
        cast(tuple[Path, ...], options.pop("calibrate_paths")),
        cast("CalibrationMethod | None", options.pop("calibration")),
        _pair(cast(str | None, options.pop("bounds")), "--bounds", _around_one(strict=False)),
        _pair(cast(str | None, options.pop("trim")), "--trim", lambda low, high: low < high),
        _population_size(cast(str | None, options.pop("population_size"))),
    )
    return Declared(spec or None, _calibration(given, in_file, path, rake_path))


def _population_size(text: str | None) -> float | None:
    """``--population-size`` as the input files' numbers are read (``3.024.295`` with
    ``--numbers it``; without a convention, as it reads only one way)."""
    if text is None:
        return None
    from qualitapa._numbers import number_convention, parse_numbers
    from qualitapa.cli._options import READ_OPTIONS

    ctx = click.get_current_context(silent=True)
    read = dict(ctx.meta.get(READ_OPTIONS, {})) if ctx is not None else {}
    convention = number_convention(read.get("numbers"), read.get("decimal"), read.get("thousands"))
    parsed = parse_numbers(pd.Series([text.strip()], dtype=object), convention)
    value = float(parsed.canonical.iloc[0]) if parsed.number[0] else float("nan")
    if value > 0:
        return value
    t = _t()
    if parsed.ambiguous[0]:
        said = t("{value} si legge in due modi: indicare --numbers it o en, o scriverlo senza "
                 "separatori (3024295)", value=repr(text))  # fmt: skip
    else:
        said = t("{value} non è un numero positivo: scriverlo come 3024295 (o 3.024.295 con "
                 "--numbers it)", value=repr(text))  # fmt: skip
    raise click.BadParameter(said, param_hint="'--population-size'")


def _calibration(
    given: _Asked, in_file: _Asked, path: Path | None, rake_path: Path | None
) -> Calibration | None:
    """The options' calibration over the file's; checked as a whole, the margins read."""
    from qualitapa.errors import DataError, DefinitionError, Message
    from qualitapa.i18n import N_
    from qualitapa.surveys import merge_populations, population_from_frame

    t = _t()
    if not (given.margins() or in_file.margins()):
        if given.settings():
            raise click.UsageError(
                t("--calibration, --bounds e --trim valgono solo con --calibrate o "
                  "--population-size (i totali a cui calibrare)")
            )  # fmt: skip
        if in_file.settings():
            raise DefinitionError(
                Message(
                    "method, bounds and trim calibrate to totals: give calibrate (the margins "
                    "files) or population_size too",
                    N_("method, bounds e trim calibrano a dei totali: indicare anche calibrate "
                       "(i file dei margini) o population_size"),
                ),
                source=str(path),
                field=next(f for f in ("method", "bounds", "trim") if getattr(in_file, f)),
            )  # fmt: skip
        return None
    if rake_path is not None:
        raise click.UsageError(
            t("indicare --rake o --calibrate, non entrambi (--calibration raking fa il raking)")
        )
    method: CalibrationMethod = given.method or in_file.method or "linear"
    bounds = given.bounds or in_file.bounds
    if method == "logit" and bounds is None:
        if given.method is None:  # the file's logit, its totals from the options
            raise _logit_without_bounds(path)
        raise click.UsageError(t("--calibration logit richiede --bounds L,U (ad esempio 0.5,2)"))
    if method == "logit" and bounds is not None and not _around_one(strict=True)(*bounds):
        if given.bounds is None:  # the file's, for another method
            raise DefinitionError(
                Message("logit calibration needs bounds = [L, U] with L < 1 < U, not {value}",
                        N_("la calibrazione logit richiede bounds = [L, U] con L < 1 < U, non "
                           "{value}"), value=list(bounds)),
                source=str(path),
                field="bounds",
            )  # fmt: skip
        raise click.BadParameter(
            t("indicare due numeri L,U con L < 1 < U (ad esempio 0.5,2)"), param_hint="--bounds"
        )
    paths = given.paths or in_file.paths
    parts = [population_from_frame(_read(p), source=str(p)) for p in paths]
    size, size_source = (
        (given.population_size, "--population-size")
        if given.population_size is not None
        else (in_file.population_size, None if in_file.population_size is None else str(path))
    )
    population = merge_populations(parts, [str(p) for p in paths])
    if size is None and not any(isinstance(v, Mapping) for v in population.values()):
        raise DataError(
            Message(
                "the margins give only totals of numeric columns ({names}): nothing fixes "
                "the weights' sum (R's calibrate warns, and its weights are then wrong); "
                "give the population size (--population-size N, or population_size in the "
                "design file) or a margin by categories",
                N_("i margini danno solo totali di colonne numeriche ({names}): nulla fissa "
                   "la somma dei pesi (calibrate di R lo segnala, e i suoi pesi sono allora "
                   "sbagliati); indicare la dimensione della popolazione (--population-size N, "
                   "o population_size nel file del disegno) o un margine per categorie"),
                names=", ".join(map(str, population)),
            ),
            source=", ".join(str(p) for p in paths),
        )  # fmt: skip
    return Calibration(
        population,
        method,
        bounds,
        given.trim or in_file.trim,
        size,
        {margin: str(p) for p, part in zip(paths, parts, strict=True) for margin in part},
        size_source,
    )


def _read(path: Path) -> pd.DataFrame:
    """A margins table, read as the responses are (the command's reading options)."""
    return read_input(path, catalog=get_catalog())


def _around_one(*, strict: bool) -> Callable[[float, float], bool]:
    """Whether bounds ``L, U`` hold 1: ``L <= 1 <= U`` (``L < 1 < U`` if ``strict``)."""
    if strict:
        return lambda low, high: low < 1 < high
    return lambda low, high: low < high and low <= 1 <= high


def _pair(
    text: str | None, option: str, ordered: Callable[[float, float], bool]
) -> tuple[float, float] | None:
    """``L,U`` of ``--bounds`` or ``--trim`` as two numbers in order (None: not given)."""
    if text is None:
        return None
    t = _t()
    try:
        low, high = (float(v) for v in text.split(","))
    except ValueError:
        low = high = float("nan")
    if not ordered(low, high):
        raise click.BadParameter(
            t("indicare due numeri L,U con L <= 1 <= U (ad esempio 0.5,2)")
            if option == "--bounds"
            else t("indicare due numeri L,U con L < U (ad esempio 0.3,3)"),
            param_hint=option,
        )
    return low, high


def design_file(path: Path) -> tuple[dict[str, object], _Asked]:
    """The ``[design]`` table of a TOML file (or its top-level keys), checked.

    Returns the design's fields and the calibration the table asks for
    (``calibrate`` resolved against the file's folder).

    Raises
    ------
    qualitapa.errors.DefinitionError
        Not UTF-8 TOML, ``[design]`` no table, an unknown field, a value of
        the wrong kind, a margins file that is not there (naming the field).
    """
    from qualitapa.models import DESIGN_FIELDS
    from qualitapa.surveys import check_design_mapping

    table = _design_table(path)
    check_design_mapping(table, source=str(path), others=CALIBRATION_FIELDS)
    design = {k: v for k, v in table.items() if k in DESIGN_FIELDS}
    return design, _asked_in_file(table, path)


def _design_table(path: Path) -> dict[str, object]:
    """The ``[design]`` table (or the top-level keys) of the TOML file ``path``."""
    import tomllib

    from qualitapa.errors import DefinitionError, Message
    from qualitapa.i18n import N_

    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            Message(
                "not UTF-8 text (line {line}); save the file as UTF-8",
                N_("non è testo UTF-8 (riga {line}); salvare il file come UTF-8"),
                line=raw.count(b"\n", 0, exc.start) + 1,
            ),
            source=str(path),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(
            Message("not a TOML file: {error}", N_("non è un file TOML: {error}"), error=str(exc)),
            source=str(path),
        ) from None
    table = data.get("design", data)
    if not isinstance(table, dict):
        raise DefinitionError(
            Message("[design] must be a table", N_("[design] deve essere una tabella")),
            source=str(path),
            field="design",
        )
    return table


def _asked_in_file(table: Mapping[str, object], path: Path) -> _Asked:
    """The calibration keys of a ``[design]`` table, checked (files relative to ``path``)."""
    from qualitapa.errors import DefinitionError, Message
    from qualitapa.i18n import N_

    def wrong(field: str, english: str, italian: str) -> DefinitionError:
        said = Message(english, italian, value=repr(table[field]))
        return DefinitionError(said, source=str(path), field=field)

    files = table.get("calibrate", [])
    files = [files] if isinstance(files, str) else files
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise wrong("calibrate", "calibrate is a file, or a list of files, not {value}",
                    N_("calibrate è un file o un elenco di file, non {value}"))  # fmt: skip
    paths = tuple(path.parent / f for f in files)
    for name, found in zip(files, paths, strict=True):
        if not found.is_file():
            raise DefinitionError(
                Message(
                    "no margins file {name} in {folder} (the folder of the design file: a "
                    "relative path starts there)",
                    N_("nessun file dei margini {name} in {folder} (la cartella del file del "
                       "disegno: un percorso relativo parte da lì)"),
                    name=repr(name), folder=str(found.parent),
                ),
                source=str(path),
                field="calibrate",
            )  # fmt: skip
    method = cast("CalibrationMethod | None", table.get("method"))
    if method is not None and method not in _METHODS:
        raise wrong("method", "method is linear, raking or logit, not {value}",
                    N_("method è linear, raking o logit, non {value}"))  # fmt: skip
    size = table.get("population_size")
    if size is not None and not (_number(size) and size > 0):
        raise wrong("population_size", "population_size is a positive number, not {value}",
                    N_("population_size è un numero positivo, non {value}"))  # fmt: skip
    bounds = _pair_in_file(table, "bounds", _around_one(strict=method == "logit"), path)
    # without totals, that is the file's error (said by _calibration unless the options give them)
    if bounds is None and method == "logit" and (paths or size is not None):
        raise _logit_without_bounds(path)
    trim = _pair_in_file(table, "trim", lambda low, high: low < high, path)
    return _Asked(paths, method, bounds, trim, float(size) if _number(size) else None)


def _logit_without_bounds(path: Path | None) -> DefinitionError:
    """The design file's logit method without its bounds."""
    from qualitapa.errors import DefinitionError, Message
    from qualitapa.i18n import N_

    return DefinitionError(
        Message("logit calibration needs bounds = [L, U] (e.g. [0.5, 2])",
                N_("la calibrazione logit richiede bounds = [L, U] (ad esempio [0.5, 2])")),
        source=str(path),
        field="bounds",
    )  # fmt: skip


def _pair_in_file(
    table: Mapping[str, object], field: str, ordered: Callable[[float, float], bool], path: Path
) -> tuple[float, float] | None:
    """``bounds`` or ``trim`` of a ``[design]`` table: ``[L, U]``, two numbers in order."""
    from qualitapa.errors import DefinitionError, Message
    from qualitapa.i18n import N_

    value = table.get(field)
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 2 and all(map(_number, value)):
        low, high = float(value[0]), float(value[1])
        if ordered(low, high):
            return low, high
    if field == "bounds":
        rule = Message("L <= 1 <= U (L < 1 < U for logit)",
                       N_("L <= 1 <= U (L < 1 < U per logit)"))  # fmt: skip
    else:
        rule = Message("L < U", N_("L < U"))
    raise DefinitionError(
        Message(
            "{field} is two numbers [L, U] with {rule}, not {value}",
            N_("{field} sono due numeri [L, U] con {rule}, non {value}"),
            field=field, rule=rule, value=repr(value),
        ),
        source=str(path),
        field=field,
    )  # fmt: skip


def _number(value: object) -> TypeGuard[int | float]:
    """Whether a TOML value is a number (true and false are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def named_columns(spec: dict[str, object] | None, calibration: Calibration | None) -> list[str]:
    """The columns the design and the margins name (expected columns of the responses)."""
    from qualitapa.surveys import design_columns

    named = [] if spec is None else design_columns(spec)
    if calibration is not None:
        named += [c for m in calibration.population for c in ((m,) if isinstance(m, str) else m)]
    return named


def build_design(
    clean: pd.DataFrame, spec: dict[str, object], weights: str | None, responses: str
) -> SurveyDesign:
    """The design of the clean responses (of the file ``responses``); its effect said on stderr.

    An error names the file, and its row (not the clean responses' row).
    """
    from qualitapa.errors import DataError
    from qualitapa.surveys import design_from_mapping

    try:
        built = design_from_mapping(clean, spec, weights=weights)
    except DataError as exc:
        row = None if exc.row is None else _file_row(clean.index.tolist(), exc.row)
        raise DataError(exc.message, source=responses, row=row, column=exc.column) from None
    t = _t()
    echo(
        t("disegno campionario: {strata}, {clusters}; gradi di libertà {df}",
          strata=t.plural("{n} strato", "{n} strati", len(built.n_psu)),
          clusters=t.plural("{n} unità primaria", "{n} unità primarie", int(built.n_psu.sum())),
          df=built.degrees_of_freedom),
        err=True,
    )  # fmt: skip
    return built


def calibrated(
    base: SurveyDesign, calibration: Calibration, responses: str, rows: Sequence[object]
) -> SurveyDesign:
    """The design calibrated to the margins; its weight factors said on stderr.

    ``responses`` is the responses' file and ``rows`` the clean responses'
    index (the file's rows from 0): an error names the file's row, and the
    margins file of the margin at fault.
    """
    from qualitapa.errors import DataError
    from qualitapa.surveys import calibrate

    _check_totals(calibration, len(base.weights))
    try:
        out = calibrate(
            base, calibration.population, method=calibration.method,
            bounds=calibration.bounds, trim=calibration.trim,
            population_size=calibration.population_size,
        )  # fmt: skip
    except DataError as exc:
        raise _placed(exc, calibration, responses, rows) from None
    steps = cast("Calibrated", out.calibration).steps
    echo(_factors_said(calibration, out.weights / base.weights, steps[-1].scale), err=True)
    return out


def _factors_said(calibration: Calibration, g: Floats, scale: float) -> str:
    """The calibration's line: method, margins, the factors ``--trim`` bounds (and ``--bounds``).

    ``g`` are the calibrated over the base weights (what ``--trim`` bounds,
    as R's ``trim``); when the base weights were rescaled first (R's
    ``grake``), ``--bounds`` bound ``g / scale``: both are said.
    """
    t = _t()
    names = {"linear": t("calibrazione lineare"), "raking": t("calibrazione raking"),
             "logit": t("calibrazione logit")}  # fmt: skip
    n = len(calibration.population)
    if calibration.population_size is None:
        margins = t.plural("{n} margine", "{n} margini", n)
    elif n:
        margins = t("{margins} e la dimensione della popolazione",
                    margins=t.plural("{n} margine", "{n} margini", n))  # fmt: skip
    else:
        margins = t("la dimensione della popolazione")
    said = t("{calibration} su {margins}; fattori dei pesi da {low} a {high} (--trim)",
             calibration=names[calibration.method], margins=margins,
             low=t.number(float(g.min())), high=t.number(float(g.max())))  # fmt: skip
    if scale != 1.0:
        low, high = float(g.min() / scale), float(g.max() / scale)
        said += t("; rispetto ai pesi base riscalati di {scale} volte (come fa R), fattori da "
                  "{low} a {high} (--bounds)", scale=t.number(scale), low=t.number(low),
                  high=t.number(high))  # fmt: skip
    return said


def _check_totals(calibration: Calibration, respondents: int) -> None:
    """Refuse shares for counts, and a population size that a margin contradicts.

    A categorical margin's counts add up to the population, which holds
    every respondent: less than the respondents are shares or percentages.
    """
    from qualitapa.errors import DataError, DefinitionError, Figure, Message
    from qualitapa.i18n import N_

    size = calibration.population_size
    for margin, totals in calibration.population.items():
        if not isinstance(totals, Mapping):
            continue
        total = float(sum(cast(Mapping[object, float], totals).values()))
        name = margin if isinstance(margin, str) else " x ".join(margin)
        if total < respondents:
            raise DataError(
                Message(
                    "the totals of {margin} add up to {total}, fewer than the {n} respondents: "
                    "are they shares or percentages? Calibration needs population counts (the "
                    "people of each category, e.g. the residents from the registry)",
                    N_("i totali di {margin} sommano a {total}, meno dei {n} rispondenti: sono "
                       "quote o percentuali? La calibrazione richiede conteggi di popolazione "
                       "(le persone di ogni categoria, ad esempio i residenti dall'anagrafe)"),
                    margin=repr(name), total=Figure(total, digits=_digits(total)),
                    n=Figure(respondents, digits=0),
                ),
                source=calibration.files.get(margin),
                column=name,
            )  # fmt: skip
        if size is not None and abs(total - size) > 1e-8 * max(size, total):
            said = Message(
                "the population size {size} is not the sum of the margin {margin} ({total} in "
                "{file}): give the size of the same population, or leave it out (a margin by "
                "categories gives it)",
                N_("la dimensione della popolazione {size} non è la somma del margine {margin} "
                   "({total} in {file}): indicare la dimensione della stessa popolazione, o "
                   "toglierla (un margine per categorie la dà già)"),
                size=Figure(size, digits=_digits(size)), margin=repr(name),
                total=Figure(total, digits=_digits(total)), file=calibration.files.get(margin, ""),
            )  # fmt: skip
            if calibration.size_source in (None, "--population-size"):
                raise click.BadParameter(said.render(_t()), param_hint="'--population-size'")
            raise DefinitionError(said, source=calibration.size_source, field="population_size")


def _digits(value: float) -> int:
    """Decimals to say a total with: none when it is whole, else 2."""
    return 0 if float(value).is_integer() else 2


def _placed(
    exc: DataError, calibration: Calibration, responses: str, rows: Sequence[object]
) -> DataError:
    """A calibration's error placed in the files it is about.

    A row is one of the responses: their file and its row (header
    excluded), the margins files said after the message. Otherwise the
    fault is a margin's (a level no respondent has, a column the responses
    lack): the margins file that gives it, the responses said after.
    """
    from qualitapa.errors import DataError, Message, UnknownValueError
    from qualitapa.i18n import N_
    from qualitapa.surveys import CalibrationError

    files = calibration.files
    margins = sorted(set(files.values()))
    if exc.row is not None:
        where, row = responses, _file_row(rows, exc.row)
        said = Message("{error} (the margins: {files})", N_("{error} (i margini: {files})"),
                       error=exc.message, files=", ".join(margins))  # fmt: skip
        numeric = calibration.population.get(exc.column or "", {})
        if not isinstance(numeric, Mapping):
            said = Message(
                "{error}: a row with no category makes {column} a numeric column, whose "
                "population total it gives; give its categories instead",
                N_("{error}: una riga senza categoria fa di {column} una colonna numerica, di "
                   "cui dà il totale di popolazione; indicarne invece le categorie"),
                error=said, column=repr(exc.column),
            )  # fmt: skip
    else:
        named = [f for m, f in files.items() if _names(exc, (m,) if isinstance(m, str) else m)]
        where, row = ", ".join(sorted(set(named)) or margins), None
        said = Message("{error} (the responses: {file})", N_("{error} (le risposte: {file})"),
                       error=exc.message, file=responses)  # fmt: skip
        joint = [m for m in files if not isinstance(m, str) and exc.column in m]
        if isinstance(exc, UnknownValueError) and joint:
            said = Message(
                "{error}; in a joint margin every column but the totals is a variable: a "
                "column that is not one (a source, a note) must go (only share or quota are "
                "not read)",
                N_("{error}; in un margine congiunto ogni colonna tranne i totali è una "
                   "variabile: una colonna che non lo è (una fonte, una nota) va tolta (solo "
                   "share o quota non sono lette)"),
                error=said,
            )  # fmt: skip
        if getattr(exc, "reason", None) == "absent_level":
            said = Message(
                "{error}; or, if the responses are of a part of the population only (some "
                "cities, one district), keep in the margins the rows of that part only",
                N_("{error}; oppure, se le risposte sono di una parte della popolazione soltanto "
                   "(alcune città, un quartiere), tenere nei margini le sole righe di quella "
                   "parte"),
                error=said,
            )  # fmt: skip
    if isinstance(exc, CalibrationError):
        return CalibrationError(said, reason=exc.reason, margin=exc.margin,
                                iterations=exc.iterations, row=row, column=exc.column,
                                source=where)  # fmt: skip
    return DataError(said, source=where, row=row, column=exc.column)


def _names(exc: DataError, columns: tuple[str, ...]) -> bool:
    """Whether the error is about a margin of ``columns`` (its column, or its level's label)."""
    label = str(getattr(exc, "margin", None) or "")  # "sex = 'F', age = '18-34'"
    named = {part.split(" = ", 1)[0] for part in label.split(", ")} if label else set()
    return exc.column in columns or named == set(columns)


def _file_row(rows: Sequence[object], row: int) -> int:
    """The file's row (from 1) of the clean responses' ``row``-th (from 1)."""
    label = rows[row - 1]
    return int(label) + 1 if isinstance(label, int | np.integer) else row


#: The design path's options, in their order on a command.
DESIGN_OPTIONS = (
    click.option(
        "--strata", default=None, help="Column of the design's strata (e.g. the counter)."
    ),
    click.option(
        "--clusters",
        default=None,
        help="Column of the design's clusters, the primary sampling units (survey day, session).",
    ),
    click.option(
        "--fpc",
        default=None,
        help="Column of the finite population correction: per stratum its population (of "
        "clusters) or sampling fraction.",
    ),
    click.option(
        "--nest", is_flag=True, help="Cluster ids repeat across strata (day 1 of each counter)."
    ),
    choice_option(
        "--lonely-psu",
        choices=["fail", "adjust", "average", "certainty", "remove"],
        default="fail",
        help="What a stratum with a single cluster adds to a variance (R's survey.lonely.psu).",
    ),
    file_option(
        "--design",
        "design_path",
        help="TOML file with a [design] table (weights, strata, clusters, fpc, nest, "
        "lonely_psu; calibrate, population_size, method, bounds, trim as the options below); "
        "the options override it.",
    ),
    click.option(
        "--calibrate",
        "calibrate_paths",
        multiple=True,
        type=FILE,
        help="CSV of population counts to calibrate the design's weights to (GREG standard "
        "errors): variable,category,target (no category: a numeric column's total), or a "
        "joint margin (a column per variable and target); the counts' column may be "
        "population or popolazione. Repeat for several files. Without a design: independent "
        "respondents.",
    ),
    click.option(
        "--population-size",
        metavar="N",
        default=None,
        help="Population size to calibrate the weights' sum to (with or without --calibrate); "
        "written as the input files' numbers (3.024.295 with --numbers it).",
    ),
    click.option(
        "--calibration",
        type=click.Choice(list(_METHODS)),
        default=None,
        help="Distance of the calibration: linear (GREG, the default), raking, logit (needs "
        "--bounds).",
    ),
    click.option(
        "--bounds",
        default=None,
        help="L,U: bounds of the calibration's weight factors (e.g. 0.5,2), L <= 1 <= U.",
    ),
    click.option(
        "--trim",
        default=None,
        help="L,U: trim the weight factors after calibrating to [L, U] (the totals are then "
        "met only roughly), L < U.",
    ),
)
