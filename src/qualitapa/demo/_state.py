"""The demo's typed state: what the options say and what each step leaves for the next."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import pandas as pd

from qualitapa._organizations import organization_names
from qualitapa.catalog import Catalog
from qualitapa.demo._profile import DemoProfile
from qualitapa.demo._synthetic import N_MUNICIPALITIES
from qualitapa.io import write_csv

if TYPE_CHECKING:
    from qualitapa.composite import DEAResult, UncertaintyResult

#: What the demo runs on: the profile's cities (every step) or a synthetic
#: national set of municipalities (indicators, benchmark, composites).
Scale = Literal["cities", "national"]
SCALES: tuple[Scale, ...] = ("cities", "national")


@attrs.frozen
class ProgressEvent:
    """Where a demo run is: its step and, within a long step, the sub-step.

    :func:`~qualitapa.demo.run_demo` calls its ``progress`` callback with one
    before each step (``done == 0``) and before each sub-step of a step that
    has them (the reports, the open-data package and the Excel workbook of
    the last step: ``done`` of ``total`` finished, ``detail`` running now).
    ``str(event)`` is a line for people: ``[9/9] label: detail (2/7)``.

    Attributes
    ----------
    step, steps
        The step (1-based; 0 for a note before the numbered steps) and how many.
    label
        What the step does, in the demo's language.
    done, total
        Sub-steps finished and how many the step has (0: it has none).
    detail
        The sub-step running now, in the demo's language (None: the step starts).

    Examples
    --------
    >>> str(ProgressEvent(9, 9, "rapporti", done=2, total=7, detail="biblioteche"))
    '[9/9] rapporti: biblioteche (2/7)'
    """

    step: int
    steps: int
    label: str
    done: int = 0
    total: int = 0
    detail: str | None = None

    def __str__(self) -> str:
        head = f"[{self.step}/{self.steps}] {self.label}" if self.step else self.label
        if self.detail is None:
            return head
        return f"{head}: {self.detail} ({self.done}/{self.total})"


#: A demo's progress callback (:func:`~qualitapa.demo.run_demo`'s ``progress``):
#: called with a :class:`ProgressEvent` (``str()`` of it is a line for people).
Progress = Callable[[ProgressEvent], object]


@attrs.define
class DemoResult:
    """What :func:`~qualitapa.demo.run_demo` produced.

    Attributes
    ----------
    out
        The output folder.
    tables
        Name -> table of every result written as CSV.
    files
        Every file written, relative to ``out``.
    notes
        Things the reader should know (skipped steps, invalid rows found).
    """

    out: Path
    tables: dict[str, pd.DataFrame] = attrs.field(factory=dict)
    files: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def save(self, name: str, frame: pd.DataFrame) -> None:
        """Write ``frame`` as ``<name>.csv`` (formula injection neutralised)."""
        self.tables[name] = frame
        write_csv(frame, self.out / f"{name}.csv")
        self.files.append(f"{name}.csv")


@attrs.frozen
class DemoOptions:
    """The choices a demo run makes (from the profile and the caller)."""

    profile: DemoProfile
    scale: Scale = "cities"
    organization: str | None = None
    peer_group: str | None = None
    lang: str = "it"
    uncertainty_runs: int = 200
    seed: int = 0
    national_size: int = N_MUNICIPALITIES


@attrs.define
class DemoState:
    """State shared by the demo steps: each step reads what earlier ones left.

    Attributes
    ----------
    catalog
        The catalog (at national scale, extended with the synthetic
        municipalities).
    options
        What to run.
    result
        The files and tables written so far.
    raw
        Tidy raw variables (``organization, period, variable, value``).
    names
        Organization id -> name for organizations the catalog does not have.
    values, benchmark, trends
        Indicator values, benchmark and trends of every period.
    period
        The latest period of the indicator values.
    uncertainty
        Service -> composite uncertainty analysis.
    dea
        Service -> DEA result.
    surveys
        Service -> ``{"survey": dimension scores, "ipa": IPA table}``.
    cases
        Complaint cases of the register (None before the complaints step).
    caf
        Consolidated CAF scores (None without CAF data).
    programme
        Sheet name -> the quality programme's sheet, as the plugins ship it
        (datasets of kind ``programme``; empty without them).
    site_pages
        Pages of the quality portal the demo built (0 before that step).
    progress
        The run's progress callback (see :class:`ProgressEvent`).
    step
        The step running now (None before the first).
    """

    catalog: Catalog
    options: DemoOptions
    result: DemoResult
    raw: pd.DataFrame = attrs.field(factory=pd.DataFrame)
    names: dict[str, str] = attrs.field(factory=dict)
    values: pd.DataFrame = attrs.field(factory=pd.DataFrame)
    benchmark: pd.DataFrame = attrs.field(factory=pd.DataFrame)
    trends: pd.DataFrame = attrs.field(factory=pd.DataFrame)
    period: int = 0
    uncertainty: dict[str, UncertaintyResult] = attrs.field(factory=dict)
    dea: dict[str, DEAResult] = attrs.field(factory=dict)
    surveys: dict[str, dict[str, pd.DataFrame]] = attrs.field(factory=dict)
    cases: pd.DataFrame | None = None
    caf: pd.DataFrame | None = None
    programme: dict[str, pd.DataFrame] = attrs.field(factory=dict)
    site_pages: int = 0
    progress: Progress = attrs.field(default=lambda event: None, repr=False)
    step: ProgressEvent | None = None

    def advance(self, done: int, total: int, detail: str) -> None:
        """Say that the running step has finished ``done`` of its ``total`` sub-steps
        and runs ``detail`` now."""
        if self.step is not None:
            self.progress(attrs.evolve(self.step, done=done, total=total, detail=detail))

    @property
    def organization_names(self) -> dict[str, str]:
        """Organization id -> name in the demo's language (``Bozen`` in German), for the
        catalog's and the synthetic organizations."""
        return organization_names(self.catalog, self.options.lang) | self.names


def datasets(catalog: Catalog, kind: str) -> list[Any]:
    """The catalog's datasets of ``kind``, in catalog order."""
    return [d for d in catalog.datasets.values() if d.kind == kind]


def load(sets: list[Any]) -> pd.DataFrame:
    """The datasets' tables, one under the other (empty without datasets).

    A local dataset's rows must be of its organizations (:meth:`Dataset.read`).
    """
    frames = [d.read() for d in sets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
