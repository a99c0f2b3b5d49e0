"""The TOML reference page (docs/toml-reference.md) is complete, current and its examples load."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from qualitapa._toml_reference import (
    EXTRA_FIELDS,
    FORMS,
    PLUGINS_DIR,
    first_example,
    kind_reference,
    missing_descriptions,
    parameter_descriptions,
    plugin_toml_files,
    render_toml_reference,
)
from qualitapa.catalog import KINDS, KINDS_BY_NAME
from qualitapa.declarative import parse_definitions

PAGE = Path(__file__).parents[2] / "docs" / "toml-reference.md"
FILES = plugin_toml_files()
REGENERATE = "python -m qualitapa._toml_reference > docs/toml-reference.md"


def test_the_page_is_up_to_date():
    assert PAGE.read_text(encoding="utf-8") == render_toml_reference(FILES), (
        f"docs/toml-reference.md is stale: run `{REGENERATE}`"
    )


def test_every_key_of_every_kind_has_a_description():
    missing = missing_descriptions()
    assert not missing, (
        "TOML keys without a description (add them to the 'Parameters' section of the "
        "model's docstring, then regenerate the page): " + ", ".join(missing)
    )


def test_missing_descriptions_names_an_undocumented_field(monkeypatch):
    import qualitapa._toml_reference as ref

    real = ref.parameter_descriptions

    def forgetful(cls):
        out = real(cls)
        if cls.__name__ == "Deadline":
            out.pop("unit")
        return out

    monkeypatch.setattr(ref, "parameter_descriptions", forgetful)
    assert ref.missing_descriptions() == ["[[complaint_categories]] deadline.unit"]


def test_the_page_covers_every_kind_and_its_overrides():
    text = PAGE.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"## `[[{kind.name}]]`" in text
    assert "[[overrides.<section>]]" in text


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_has_a_real_example_that_loads(kind):
    found = first_example(kind, FILES)
    assert found is not None, f"no plugin in plugins/ has a [[{kind.name}]] entry"
    text, source = found
    data = tomllib.loads(text)
    assert list(data) == [kind.name]
    assert len(data[kind.name]) == 1
    items = parse_definitions(data, source=source, base_dir=Path(source).parent)
    assert len(items[kind.name]) == 1
    # it is the first entry of that file, at most with arrays of tables shortened
    first = tomllib.loads(Path(source).read_text(encoding="utf-8"))[kind.name][0]
    assert set(data[kind.name][0]) == set(first)


def _keys(value: object, path: str = "") -> set[str]:
    """Dotted paths of the keys in ``value``; ``[]`` marks arrays of tables."""
    out: set[str] = set()
    if isinstance(value, Mapping):
        for k, v in value.items():
            here = f"{path}.{k}" if path else str(k)
            out.add(here)
            out |= _keys(v, here)
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for v in value:
            out |= _keys(v, path + "[]")
    return out


def _documented(kind_name: str) -> dict[str, str]:
    """Documented key path -> its TOML type."""
    out: dict[str, str] = {}
    for table in kind_reference(KINDS_BY_NAME[kind_name]).tables:
        prefix = f"{table.path}." if table.path else ""
        out |= {prefix + f.name: f.toml_type for f in table.fields}
    return out


_RECURSION = re.compile(r"(\w+\[\])(?:\.\1)+")


def _is_data(documented: Mapping[str, str], key: str) -> bool:
    """A key inside a text (language codes) or a table of values (ids): data, not a key.

    At any depth: in a table of texts (``class_labels.medium.de``) the class and the
    language are both data.
    """
    parts = key.split(".")
    return any(
        documented.get(".".join(parts[:i]).removesuffix("[]"), "").startswith(
            ("text", "table of", "array of texts")
        )
        for i in range(1, len(parts))
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PLUGINS_DIR)))
def test_every_key_the_plugins_write_is_documented(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = ("overrides", "extensions")
    sections = [(k, v) for k, v in data.items() if k not in ("plugin", *groups)]
    for group in groups:
        sections += list(data.get(group, {}).items())
    undocumented = set()
    for kind_name, entries in sections:
        documented = {**_documented(kind_name), "extends": "string", "organizations": "array"}
        for entry in entries:
            for key in _keys(entry):
                key = _RECURSION.sub(r"\1", key)  # a sub-index's components are components
                # an instrument's named scales have the keys of a question's scale
                key = re.sub(r"^scales\[\]", "questions[].scale", key)
                if key not in documented and not _is_data(documented, key):
                    undocumented.add(f"[[{kind_name}]] {key}")
    assert not undocumented, sorted(undocumented)


def test_the_alternative_forms_are_accepted():
    from qualitapa.complaints import ComplaintCategory
    from qualitapa.indicators import IndicatorDefinition
    from qualitapa.standards import QualityStandard
    from qualitapa.surveys import Instrument

    ind = {"id": "r.x", "label": "X", "service": "r", "dimension": "quality", "formula": "a / b"}
    for polarity, target, text in [("lower_is_better", 5, "<= 5"), ("neutral", ">= 33", ">= 33")]:
        made = IndicatorDefinition.from_mapping({**ind, "polarity": polarity, "target": target})
        assert str(made.target) == text
    std = {"id": "r.s", "service": "r", "dimension": "timeliness", "label": "S", "indicator": "r.x"}
    between = {"comparator": "between", "value": [5, 10]}
    for target, text in [("between 5 and 10", "between 5 and 10"), ("<= 10", "<= 10"),
                         (between, "between 5 and 10")]:  # fmt: skip
        assert str(QualityStandard.from_mapping({**std, "target": target}).target) == text
    cat = {"id": "r.c", "label": "C", "service": "r"}
    assert str(ComplaintCategory.from_mapping({**cat, "deadline": 30}).deadline) == (
        "30 calendar days"
    )
    inst = Instrument.from_mapping({
        "id": "r.i", "label": "I",
        "scales": [{"id": "agree4", "min": 1, "max": 4}],
        "questions": [
            {"id": "q1", "type": "likert", "label": "Q1", "scale": "agree4"},
            {"id": "q2", "type": "likert", "label": "Q2", "scale": "likert5"},
            {"id": "q3", "type": "single", "label": "Q3", "choices": ["web", 2, {"code": "pec"}]},
            {"id": "q4", "type": "rating", "label": "Q4", "scale": "recommend"},
            {"id": "q5", "type": "rating", "label": "Q5", "scale": "yes_no"},
        ],
    })  # fmt: skip
    assert [q.scale.max for q in inst.questions if q.scale] == [4.0, 5.0, 10.0, 1.0]
    assert [c.label.it for c in inst.questions[2].choices] == ["web", "2", "pec"]
    # every class with documented forms or extra keys is one of the models
    models = {t.model for k in KINDS for t in kind_reference(k).tables}
    assert set(FORMS) <= models
    assert set(EXTRA_FIELDS) <= models


def test_parameter_descriptions_reads_numpydoc():
    class Model:
        """Summary.

        Parameters
        ----------
        a, b
            Shared text
            on two lines, with :class:`~qualitapa.models.Text` and ``code``.
        c : int
            Typed.

        Examples
        --------
        >>> 1
        1
        """

    got = parameter_descriptions(Model)
    assert got == {
        "a": "Shared text on two lines, with `Text` and `code`.",
        "b": "Shared text on two lines, with `Text` and `code`.",
        "c": "Typed.",
    }


def test_cli_prints_one_section_as_markdown_and_every_key_as_rows():
    from click.testing import CliRunner

    from qualitapa._toml_reference import FRAME_COLUMNS, reference_frame
    from qualitapa.cli import cli

    runner = CliRunner()
    md = runner.invoke(cli, ["plugin", "reference", "complaint_categories"])
    assert md.exit_code == 0, md.output
    kinds = [KINDS_BY_NAME["complaint_categories"]]
    assert md.output == render_toml_reference(FILES, kinds=kinds, plain=True)
    assert "| `deadline` | table or integer |" in md.output
    assert "<code" not in md.output  # no HTML on a terminal
    rows = runner.invoke(cli, ["plugin", "reference", "--format", "json"])
    assert rows.exit_code == 0, rows.output
    table = json.loads(rows.output)
    assert list(table[0]) == FRAME_COLUMNS
    assert len(table) == len(reference_frame())
    assert {r["section"] for r in table} == {k.name for k in KINDS}
    unit = next(r for r in table if r["key"] == "deadline.unit")
    assert (unit["allowed"], unit["default"]) == ("calendar working", '"calendar"')


def test_cli_names_every_section_and_refuses_an_unknown_one():
    from click.testing import CliRunner

    from qualitapa.cli import cli

    runner = CliRunner()
    help_text = " ".join(runner.invoke(cli, ["plugin", "reference", "--help"]).output.split())
    assert all(f" {k.name}," in help_text or f" {k.name}." in help_text for k in KINDS)
    wrong = runner.invoke(cli, ["plugin", "reference", "complaint_category"])
    assert wrong.exit_code == 2
    assert "'complaint_category' non è tra" in wrong.output  # click's message, in Italian
