"""From a name to an instrument, from a raw export to analysable responses.

:func:`load_instrument` finds a questionnaire wherever a user keeps it (the
catalog, an XLSForm, a TOML file); :func:`prepare_responses` is the step
every analysis starts with: validate (lenient), then weight by raking to
population margins when they are given. The ``qualitapa survey`` commands
are these two calls and a print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from qualitapa.errors import DefinitionError, OptionError
from qualitapa.surveys._models import Instrument
from qualitapa.surveys._validate import DEFAULT_EXTRA_COLUMNS, ValidationResult, validate
from qualitapa.surveys._weighting import WeightingResult, rake

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: File suffixes read as an XLSForm by :func:`load_instrument`.
FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
#: The weight column :func:`prepare_responses` adds when it rakes.
RAKED_WEIGHT = "_weight"


def _from_toml(path: Path, item: str) -> Instrument:
    from qualitapa.declarative import load_definitions

    found = [i for i in load_definitions(path)["instruments"] if isinstance(i, Instrument)]
    if item:
        for inst in found:
            if inst.id == item:
                return inst
        raise DefinitionError(
            f"no instrument {item!r} in the file (found {[i.id for i in found]})",
            source=str(path),
        )
    if len(found) != 1:
        raise DefinitionError(
            f"the file defines {len(found)} instruments {[i.id for i in found]}; "
            f"pick one with {path}::ID",
            source=str(path),
        )
    return found[0]


def load_instrument(spec: str | Path, *, catalog: Catalog | None = None) -> Instrument:
    """The questionnaire named by ``spec``: a catalog id, an XLSForm or a TOML file.

    Parameters
    ----------
    spec
        An instrument id of the catalog (``"registry.counter"``); an XLSForm
        (``.xlsx``, a folder of CSV sheets, a ``survey.csv``); or a TOML file
        with ``[[instruments]]`` (``defs.toml::ID`` picks one when the file
        defines several).
    catalog
        Where ids are looked up; default: the installed plugins'
        (:func:`qualitapa.catalog.default_catalog`).

    Returns
    -------
    Instrument
        Read from the file, or the catalog's.

    Raises
    ------
    DefinitionError
        The file does not exist, or the TOML file does not say which
        instrument (none, several, or not the one after ``::``).
    UnknownItemError
        ``spec`` is not a file and not an instrument of the catalog.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> defs = Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = defs.write_text('''
    ... [[instruments]]
    ... id = "counter"
    ... label = { it = "Sportello" }
    ... version = "2025"
    ... scales = [{ id = "agree4", min = 1, max = 4 }]
    ... [[instruments.questions]]
    ... id = "courtesy"
    ... type = "likert"
    ... label = { it = "Cortesia" }
    ... scale = "agree4"
    ... ''', encoding="utf-8")
    >>> load_instrument(defs).id
    'counter'
    >>> load_instrument(f"{defs}::counter").version
    '2025'
    """
    from qualitapa.surveys._xlsform import read_xlsform

    path_text, _, item = str(spec).partition("::")
    path = Path(path_text)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _from_toml(path, item)
    if path.is_dir() or (suffix in FORM_SUFFIXES and path.exists()):
        return read_xlsform(path)
    if suffix in FORM_SUFFIXES:
        raise DefinitionError("file not found", source=str(path))
    if catalog is None:
        from qualitapa.catalog import default_catalog

        catalog = default_catalog()
    return catalog.instruments[str(spec)]


@attrs.frozen
class PreparedResponses:
    """What :func:`prepare_responses` returns.

    Attributes
    ----------
    clean
        The responses that passed validation, with the raking weights in
        column ``_weight`` when margins were given.
    weights
        The weight column to analyse with (``None``: unweighted).
    validation
        The result of :func:`~qualitapa.surveys.validate` (its problems).
    weighting
        The raking (design effect, effective n), or ``None``.
    """

    clean: pd.DataFrame
    weights: str | None
    validation: ValidationResult
    weighting: WeightingResult | None = None


def prepare_responses(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    weights: str | None = None,
    margins: Mapping[str, Mapping[Any, float]] | None = None,
    extra_columns: Iterable[str] = (),
    source: str | None = None,
) -> PreparedResponses:
    """Validate responses (lenient) and rake them to ``margins``: ready to analyse.

    Parameters
    ----------
    instrument
        The questionnaire the responses answer.
    responses
        The raw responses, one row per respondent. Not modified.
    weights
        A column of survey weights already in ``responses``.
    margins
        Population margins (``{variable: {category: target}}``, as
        :func:`~qualitapa.surveys.margins_from_frame` reads them): the
        clean responses are raked to them (:func:`~qualitapa.surveys.rake`).
        Not together with ``weights``.
    extra_columns
        Expected columns besides :data:`DEFAULT_EXTRA_COLUMNS`, the weight
        column and the margins' variables (grouping and profile columns).
    source
        Name of the data (file path) used in messages.

    Returns
    -------
    PreparedResponses
        The clean responses, the weight column to use, the validation and
        the raking. No clean response: ``clean`` is empty and nothing is
        raked.

    Raises
    ------
    OptionError
        Both ``weights`` and ``margins``.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.models import Text
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("c", Text("Sportello"), questions=[
    ...     Question("q1", "likert", Text("Cortesia"), scale=Scale((1, 2, 3, 4)))])
    >>> raw = pd.DataFrame({"q1": [4, 2, 3, 7], "sex": ["F", "F", "M", "F"]})
    >>> ready = prepare_responses(inst, raw, margins={"sex": {"F": 50, "M": 50}})
    >>> len(ready.validation.problems), len(ready.clean), ready.weights
    (1, 3, '_weight')

    Two women and one man are weighted to half and half of the 3 clean
    respondents: 0.75 each for the women, 1.5 for the man.

    >>> ready.clean["_weight"].tolist()
    [0.75, 0.75, 1.5]
    """
    if weights and margins:
        raise OptionError(
            "give either weights or margins to rake to, not both", option="margins", value=margins
        )
    allowed = (*DEFAULT_EXTRA_COLUMNS, *extra_columns, *([weights] if weights else []))
    if margins:
        allowed = (*allowed, *margins)
    result = validate(instrument, responses, extra_columns=allowed, source=source)
    clean = result.clean
    if clean.empty or not margins:
        return PreparedResponses(clean, weights, result)
    raked = rake(clean, margins, source=source)
    return PreparedResponses(raked.apply(clean, RAKED_WEIGHT), RAKED_WEIGHT, result, raked)
