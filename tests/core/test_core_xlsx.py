"""The openpyxl helpers shared by the readers and writers of workbooks."""

from __future__ import annotations

import sys

import pytest

from qualitapa._xlsx import require_openpyxl, text_cell
from qualitapa.errors import DataError, DefinitionError
from qualitapa.reporting import _excel


def test_require_openpyxl_is_silent_when_installed():
    pytest.importorskip("openpyxl")
    require_openpyxl(DataError, "reading Excel files", "a.xlsx")


@pytest.mark.parametrize("error", [DataError, DefinitionError])
def test_require_openpyxl_names_the_extra_and_the_file(monkeypatch, error):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl -> ImportError
    with pytest.raises(error) as info:
        require_openpyxl(error, "reading .xlsx forms", "form.xlsx")
    assert info.value.source == "form.xlsx"
    assert "reading .xlsx forms needs the 'excel' extra" in str(info.value)
    assert "pip install 'qualitapa[excel]'" in str(info.value)


def test_the_excel_export_writes_cells_with_the_same_text_cell():
    assert _excel.text_cell is text_cell
