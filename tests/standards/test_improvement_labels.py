"""The labels of an improvement action's source and status (issue 14).

The words were listed twice, in the CLI's plan table and in the programme's
annual report; both now read ``ActionSource``/``ActionStatus``'s labels.
"""

from __future__ import annotations

import enum
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa._labelling import LabelledEnum
from qualitapa.cli import cli
from qualitapa.i18n import translator
from qualitapa.improvement import ActionSource, ActionStatus
from qualitapa.programme import label_of

CODES = (ActionSource, ActionStatus)


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.__name__)
def test_every_member_has_italian_english_german(code: type[LabelledEnum]) -> None:
    for member in code:
        label = label_of(member)
        for lang in ("it", "en", "de"):
            assert label.get(lang).strip(), (member, lang)
        assert label.get("it") != label.get("de"), member  # translated, not copied
    # the labels differ within a code: two codes never read the same
    assert len({m.label.get("it") for m in code}) == len(code)


#: The words the CLI and the report said before the labels (t(Italian word)): the en and
#: de catalogs' translations at eed0651, before the Italian words left the catalogs.
CATALOG_WORDS = {
    "caf": ("autovalutazione CAF", "CAF self-assessment", "CAF-Selbstbewertung"),
    "standard": ("standard di qualità", "quality standard", "Qualitätsstandard"),
    "survey": ("indagine di soddisfazione", "satisfaction survey", "Zufriedenheitsumfrage"),
    "benchmark": ("confronto tra enti", "benchmarking", "Vergleich der Körperschaften"),
    "programme": ("piano della qualità", "quality plan", "Qualitätsplan"),
    "certification": ("certificazione", "certification", "Zertifizierung"),
    # added with the complaints' actions (issue 22), after the catalogs' words
    "complaints": ("reclami", "complaints", "Beschwerden"),
    "other": ("altro", "other", "Sonstiges"),
    "proposed": ("proposta", "proposed", "vorgeschlagen"),
    "planned": ("pianificata", "planned", "geplant"),
    "in_progress": ("in corso", "in progress", "laufend"),
    "on_hold": ("sospesa", "on hold", "ausgesetzt"),
    "done": ("conclusa", "done", "abgeschlossen"),
    "cancelled": ("annullata", "cancelled", "abgesagt"),
}


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.__name__)
def test_labels_are_the_words_the_catalogs_gave(code: type[LabelledEnum]) -> None:
    # the outputs are unchanged: each language's word is the one the catalogs gave
    for member in code:
        words = tuple(member.label.get(lang) for lang in ("it", "en", "de"))
        assert words == CATALOG_WORDS[member.value], member


def test_the_codes_stay_strings() -> None:
    assert ActionStatus("in_progress") is ActionStatus.IN_PROGRESS
    assert ActionStatus.DONE == "done"
    assert isinstance(ActionSource.CAF, enum.StrEnum)
    assert not ActionStatus.DONE.is_open
    with pytest.raises(ValueError, match="finished"):
        ActionStatus("finished")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("it", ("confronto tra enti", "certificazione", "proposta")),
     ("de", ("Vergleich der Körperschaften", "Zertifizierung", "vorgeschlagen"))],
)  # fmt: skip
def test_plan_table_and_report_say_the_labels(tmp_path: Path, lang: str, words: tuple) -> None:
    from qualitapa.programme._report import _status_word

    path = tmp_path / "plan.csv"
    pd.DataFrame({"id": ["b1", "c1"], "title": ["Ridurre le attese", "Chiudere la NC"],
                  "source": ["benchmark", "certification"]}).to_csv(path, index=False)  # fmt: skip
    screen = CliRunner().invoke(cli, ["--lang", lang, "plan", "show", str(path)])
    assert screen.exit_code == 0, screen.output
    for word in words:
        assert word in screen.stdout, word
    for code in ("benchmark", "certification", "proposed"):
        assert code not in screen.stdout, code
    # the annual report's words for a status: the same labels
    assert _status_word(translator(lang), "proposed") == words[2]
    assert _status_word(translator(lang), "odd") == "odd"  # not a status: as it is
