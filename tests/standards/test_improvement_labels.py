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


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.__name__)
def test_labels_are_the_words_the_catalogs_gave(code: type[LabelledEnum]) -> None:
    # the CLI and the report said t(Italian word): the labels keep each language's word
    for member in code:
        for lang in ("en", "de"):
            assert translator(lang)(member.label.get("it")) == member.label.get(lang), member


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
