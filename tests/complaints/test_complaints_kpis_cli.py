"""complaints kpis --metrics and --backlog month-end through the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from qualitapa.cli import cli

CSV = """id,kind,channel,service,received_at,status,answered_at,description
2024/1,complaint,email,registry,2024-01-08T09:00:00+01:00,answered,2024-01-15T10:00:00+01:00,
2024/2,complaint,email,registry,2024-01-09 10:00,received,,
2024/3,complaint,web,registry,2024-02-12 11:00,answered,2024-03-05 12:00,
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"QUALITAPA_LANG": "en"})
    return result.exit_code, result.stdout, result.stderr


def _register(tmp_path: Path) -> str:
    src = tmp_path / "complaints.csv"
    src.write_text(CSV, encoding="utf-8")
    db = str(tmp_path / "c.db")
    code, _, err = _run("complaints", "import", str(src), "--db", db, "--create")
    assert code == 0, err
    return db


def test_only_the_metrics_asked(tmp_path: Path) -> None:
    db = _register(tmp_path)
    asked = ["--metrics", "median_answer_days,backlog", "--format", "json"]
    code, out, err = _run("complaints", "kpis", "--db", db, "--as-of", "2024-04-01", *asked)
    assert code == 0, err
    rows = json.loads(out)
    assert list(rows[0]) == ["received", "median_answer_days", "open", "backlog_0_15",
                             "backlog_16_30", "backlog_31_60", "backlog_61_90",
                             "backlog_over_90"]  # fmt: skip
    # answers after 7 days (8 -> 15 Jan) and 22 days (12 Feb -> 5 Mar): median 14.5;
    # 2024/2 open since 9 Jan: 83 days at 1 April
    assert (rows[0]["received"], rows[0]["median_answer_days"]) == (3, 14.5)
    assert (rows[0]["open"], rows[0]["backlog_61_90"]) == (1, 1)
    code, _, err = _run("complaints", "kpis", "--db", db, "--metrics", "p95")
    assert code == 2
    assert "p95 is not a complaints indicator" in err
    assert "p90_answer_days" in err


def test_backlog_at_each_month_end(tmp_path: Path) -> None:
    db = _register(tmp_path)
    asked = ["--by", "service", "--as-of", "2024-04-01", "--format", "json"]
    code, out, err = _run("complaints", "kpis", "--db", db, "--backlog", "month-end", *asked)
    assert code == 0, err
    rows = json.loads(out)
    # January: 2024/2 (2024/1 answered 15 Jan); February: 2024/2 and 2024/3
    # (answered 5 Mar); March: 2024/2. April has not ended on 1 April.
    assert [(r["service"], r["period"], r["open"]) for r in rows] == [
        ("registry", "2024-01", 1), ("registry", "2024-02", 2), ("registry", "2024-03", 1),
    ]  # fmt: skip
    code, out, _ = _run("complaints", "kpis", "--db", db, "--backlog", "month-end",
                        "--lang", "it", "--as-of", "2024-04-01")  # fmt: skip
    assert code == 0
    assert "Periodo" in out
    assert "Aperti" in out
    assert "period" not in out


def test_backlog_refuses_the_options_it_would_ignore(tmp_path: Path) -> None:
    db = _register(tmp_path)
    for extra in (["--metrics", "received"], ["--population", "1000"]):
        code, _, err = _run("complaints", "kpis", "--db", db, "--backlog", "month-end", *extra)
        assert code == 2
        assert f"--backlog does not go with {extra[0]}" in err


def test_two_periods_refused_in_words(tmp_path: Path) -> None:
    db = _register(tmp_path)
    for lang, said in (("it", "raggruppare per un solo periodo"), ("de", "nur einem Zeitraum")):
        code, _, err = _run("--lang", lang, "complaints", "kpis", "--db", db, "--by", "month,year")
        assert code == 1
        assert said in err
        assert "None" not in err


CATEGORIES = """id,kind,channel,service,category,received_at,status,answered_at,description
2024/1,complaint,email,registry,registry.access.waiting,2024-01-08 09:00,received,,
2024/2,complaint,email,registry,,2024-01-09 10:00,received,,
2024/3,complaint,web,registry,,2024-03-12 11:00,answered,2024-03-20 12:00,
2024/4,complaint,web,registry,registry.access.waiting,2024-03-31 09:00,received,,
"""


def _categories_register(tmp_path: Path) -> str:
    """A register of the CATEGORIES complaints (two without a category)."""
    src = tmp_path / "complaints.csv"
    src.write_text(CATEGORIES, encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert _run("complaints", "import", str(src), "--db", db, "--create")[0] == 0
    return db


def test_backlog_by_category_names_the_complaints_without_one(tmp_path: Path) -> None:
    db = _categories_register(tmp_path)
    words = {"it": "senza categoria", "en": "no category", "de": "ohne Kategorie"}
    for lang, word in words.items():
        asked = ["--lang", lang, "--by", "category", "--as-of", "2024-03-31", "--format", "json"]
        code, out, err = _run("complaints", "kpis", "--db", db, "--backlog", "month-end", *asked)
        assert code == 0, err
        rows = json.loads(out)
        # for programs the code stays null: a word there would be a fake code that
        # changes with --lang (review #8); the word is in the label column only
        assert all(value not in ("", None) for row in rows for value in row.values()
                   if value is not row["category"])  # fmt: skip
        assert word not in {r["category"] for r in rows}
        none = [(r["period"], r["open"]) for r in rows if r["category"] is None]
        # 2024/2 open since 9 January; 2024/3 open from 12 to 20 March
        assert none == [("2024-01", 1), ("2024-02", 1), ("2024-03", 1)]
        # (the label column exists when the catalog knows a category: see the next test)
        assert {r.get("category_label", word) for r in rows if r["category"] is None} == {word}
        # for people the KPIs name the same group with the same word, in the code column too
        code, out, _ = _run("complaints", "kpis", "--db", db, "--metrics", "backlog", *asked[:-2])
        assert word in out
        code, out, _ = _run("complaints", "pareto", "--db", db, "--lang", lang)
        assert word in out
        code, out, _ = _run("complaints", "pareto", "--db", db, "--lang", lang, "--format", "csv")
        pareto = pd.read_csv(io.StringIO(out), keep_default_na=False)
        assert sorted(pareto["category"]) == ["", "registry.access.waiting"]
        assert "(none)" not in out
    # the categories add up to the backlog of all complaints, month by month
    code, out, _ = _run("complaints", "kpis", "--db", db, "--backlog", "month-end",
                        "--by", "category", "--as-of", "2024-03-31", "--format", "csv")  # fmt: skip
    by = pd.read_csv(io.StringIO(out))
    code, out, _ = _run("complaints", "kpis", "--db", db, "--backlog", "month-end",
                        "--as-of", "2024-03-31", "--format", "csv")  # fmt: skip
    total = pd.read_csv(io.StringIO(out))
    assert by.groupby("period")["open"].sum().tolist() == total["open"].tolist() == [2, 2, 2]


def test_a_missing_group_is_a_word_in_the_label_column_for_programs(
    tmp_path: Path, monkeypatch
) -> None:
    from qualitapa import Organization, hookimpl
    from qualitapa.cli import _complaints
    from qualitapa.testing import catalog_with

    class Cities:
        @hookimpl
        def qualitapa_organizations(self):
            return [Organization("036023", "Modena")]

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog_with(("c", Cities())))
    code, names = "036023", {"036023": "Modena"}
    frame = pd.DataFrame({"organization": [code, None], "received": [3, 2]})
    for fmt, suffix in (("csv", ".csv"), ("json", ".json")):
        out = tmp_path / f"k{suffix}"
        _complaints._emit_labelled(frame, "de", fmt, out, groups=["organization"])
        read = (pd.read_csv(out, dtype=str, keep_default_na=False) if fmt == "csv"
                else pd.read_json(out, dtype=False))  # fmt: skip
        assert not read["organization"].tolist()[1] or pd.isna(read["organization"][1])  # empty
        assert read["organization_name"].tolist() == [names[code], "ohne Körperschaft"]
    out = tmp_path / "k.md"
    _complaints._emit_labelled(frame, "de", "md", out, groups=["organization"])
    assert out.read_text(encoding="utf-8").count("ohne Körperschaft") == 2  # code and name


def test_backlog_up_to_an_as_of_at_a_month_end(tmp_path: Path) -> None:
    db = _categories_register(tmp_path)
    backlog = ["complaints", "kpis", "--db", db, "--backlog", "month-end", "--format", "json"]
    # --as-of 2024-03-31 is the start of 31 March: March's row is the backlog then
    # (2024/1, 2024/2; 2024/4 comes at 09:00), as the KPIs count it
    code, out, err = _run(*backlog, "--as-of", "2024-03-31")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["period"], r["open"]) for r in rows] == [
        ("2024-01", 2), ("2024-02", 2), ("2024-03", 2),
    ]  # fmt: skip
    assert rows[-1]["as_of"] == "2024-03-31T00:00:00+01:00"
    assert rows[0]["as_of"] == "2024-01-31T23:59:59.999999+01:00"
    code, out, _ = _run("complaints", "kpis", "--db", db, "--as-of", "2024-03-31",
                        "--metrics", "backlog", "--format", "json")  # fmt: skip
    assert json.loads(out)[0]["open"] == 2
    # at the end of the day: 2024/4 too
    code, out, _ = _run(*backlog, "--as-of", "2024-03-31T23:59:59")
    assert [r["open"] for r in json.loads(out)] == [2, 2, 3]


def test_kpis_by_month_list_a_month_without_receipts(tmp_path: Path) -> None:
    db = _categories_register(tmp_path)
    asked = ["--by", "month", "--as-of", "2024-04-15", "--metrics", "received,backlog"]
    code, out, err = _run("complaints", "kpis", "--db", db, *asked, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    # nothing received in February: listed with zero; nor in April, which has not
    # ended on 15 April: no row (a running month of 0 would read as a whole one)
    assert [(r["period"], r["complete"], r["received"], r["open"]) for r in rows] == [
        ("2024-01", True, 2, 2), ("2024-02", True, 0, 0), ("2024-03", True, 2, 1),
    ]  # fmt: skip


def test_backlog_dates_for_people_and_spreadsheets(tmp_path: Path) -> None:
    """The reader's dates on screen, ISO for programs, no next-month date in Excel (#9, #32)."""
    import openpyxl

    db = _categories_register(tmp_path)
    backlog = ["complaints", "kpis", "--db", db, "--backlog", "month-end", "--as-of", "2024-03-31"]
    shown = {"it": ("31/01/2024", "31/03/2024 00:00"), "de": ("31.01.2024", "31.03.2024 00:00")}
    for lang, (month_end, as_of) in shown.items():
        code, out, err = _run("--lang", lang, *backlog)
        assert code == 0, err
        assert month_end in out
        assert as_of in out
        assert "T23" not in out
        assert "999" not in out
        assert "+01:00" not in out
    code, out, _ = _run(*backlog, "--format", "csv")
    assert "2024-01-31 23:59:59.999999+01:00" in out  # the instant, in full, for programs
    book = tmp_path / "b.xlsx"
    code, _, err = _run(*backlog, "-o", str(book))
    assert code == 0, err
    cells = [row[1] for row in openpyxl.load_workbook(book).active.iter_rows(values_only=True)]
    # Excel keeps milliseconds: 23:59:59.999999 would round up to 1 February 00:00
    assert cells[1:] == [dt.datetime(2024, 1, 31, 23, 59, 59), dt.datetime(2024, 2, 29, 23, 59, 59),
                         dt.datetime(2024, 3, 31, 0, 0)]  # fmt: skip
