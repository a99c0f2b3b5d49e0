"""One registry of the programme's labels: each code's member carries its own.

A :class:`enum.StrEnum` member hashes and compares equal to its value, so a
mapping keyed by members mixes up two codes that share a value: before the
labels moved onto the members, ``CERTIFICATION_LABELS[CertificateStatus.EXPIRED]``
was the label of ``AlertKind.EXPIRED`` ("certificato scaduto", not "scaduto").
"""

from __future__ import annotations

import enum
import inspect

import pytest

import qualitapa.programme as programme
from qualitapa.models import Text
from qualitapa.programme import (
    CERTIFICATION_LABELS,
    LABELS,
    TRAINING_LABELS,
    ActivityStatus,
    AlertKind,
    AuditKind,
    CertificateStatus,
    CourseKind,
    LabelledEnum,
    LabelTable,
    label_of,
    programme_codes,
)


def public_enums() -> list[type[enum.Enum]]:
    """Every enum the package exports, found without the registry."""
    return [
        obj
        for _, obj in inspect.getmembers(programme, inspect.isclass)
        if issubclass(obj, enum.Enum) and obj is not LabelledEnum
    ]


def test_codes_sharing_a_value_keep_their_own_labels() -> None:
    assert CertificateStatus.EXPIRED == AlertKind.EXPIRED == "expired"  # equal as str
    assert CERTIFICATION_LABELS[CertificateStatus.EXPIRED].it == "scaduto"
    assert CERTIFICATION_LABELS[AlertKind.EXPIRED].it == "certificato scaduto"
    assert label_of(CourseKind.INTERNAL).it == "interno"
    assert label_of(AuditKind.INTERNAL).it == "audit interno"
    assert LABELS[CourseKind.INTERNAL] is not LABELS[AuditKind.INTERNAL]
    assert len(CERTIFICATION_LABELS) == sum(len(c) for c in CERTIFICATION_LABELS.codes())  # type: ignore[attr-defined]


def test_two_new_codes_sharing_a_value_do_not_collide() -> None:
    class Kind(LabelledEnum):
        DONE = "done", Text("fatto", en="done", de="erledigt")

    class Other(LabelledEnum):
        DONE = "done", Text("concluso", en="finished", de="beendet")

    assert Kind.DONE == Other.DONE
    assert (label_of(Kind.DONE).it, label_of(Other.DONE).it) == ("fatto", "concluso")
    assert label_of(Kind("done")) is Kind.DONE.label  # lookup by value still works
    assert len({Kind.DONE: 1, Other.DONE: 2}) == 1  # what a dict keyed by members does
    table = LabelTable(Kind, Other)
    assert (table[Kind.DONE].it, table[Other.DONE].it, len(table)) == ("fatto", "concluso", 2)
    assert Other.DONE not in LabelTable(Kind)
    assert ActivityStatus.DONE.label.it == "conclusa"  # the programme's own is untouched


def test_every_member_of_every_programme_code_has_italian_german_english() -> None:
    enums = public_enums()
    assert len(enums) == 15
    assert set(enums) == set(programme_codes())  # the registry finds exactly these
    for code in enums:
        for member in code:
            text = label_of(member)  # type: ignore[arg-type]
            assert all((text.it, text.de, text.en)), member
            assert LABELS[member] is text, member  # type: ignore[index]


def test_the_module_tables_hold_their_own_codes_only() -> None:
    assert set(TRAINING_LABELS) >= set(CourseKind)
    assert CourseKind.INTERNAL not in CERTIFICATION_LABELS
    assert set(LABELS) >= set(TRAINING_LABELS) | set(CERTIFICATION_LABELS)
    with pytest.raises(KeyError):
        CERTIFICATION_LABELS[CourseKind.INTERNAL]


def test_a_bare_value_is_not_a_code() -> None:
    # "internal" is a course kind and an audit kind: say which
    with pytest.raises(KeyError):
        LABELS["internal"]  # type: ignore[index]
    with pytest.raises(KeyError):
        label_of("internal")  # type: ignore[arg-type]


def test_a_code_without_a_label_is_refused_when_it_is_defined() -> None:
    with pytest.raises(TypeError, match="label"):

        class Bare(LabelledEnum):
            X = "x"
