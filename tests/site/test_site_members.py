"""The members' build has what is not public; the public build has none of it (issue 21).

A plugin gives Trento a draft charter and an unpublished dataset, each carrying a
marker word found nowhere else. Every file of the public build (pages, search
index, manifest, copied data) is read as bytes: no marker, no page of the draft
charter. The members' build shows both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualitapa import hookimpl
from qualitapa.models import Dataset, Text
from qualitapa.site import build_site
from qualitapa.standards import CharterContent
from qualitapa.testing import catalog_with
from tests.site.conftest import PLUGINS

pytestmark = pytest.mark.slow

#: Marker words in the draft charter and the unpublished dataset (nowhere else).
DRAFT = "Zefirocarta"
UNPUBLISHED = "Borealidati"
#: Trento's page of the draft charter (SITE_SPEC: citta/<slug>/carta-<charter-slug>.html).
DRAFT_PAGE = "citta/trento/carta-registry.html"


class Reserved:
    """A city plugin with a draft charter and an unpublished dataset for Trento."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.qualitapa_data_dirs = [data.parent]  # the data file is in the test's folder

    @hookimpl
    def qualitapa_charter_content(self) -> list[CharterContent]:
        intro = {lang: f"{DRAFT} {lang}" for lang in ("it", "en", "de")}
        return [
            CharterContent(
                charter="registry.charter",
                organization="022205",
                status="draft",
                version="0.9",
                introduction=Text(**intro),
            )
        ]

    @hookimpl
    def qualitapa_datasets(self) -> list[Dataset]:
        label = Text(**{lang: f"{UNPUBLISHED} {lang}" for lang in ("it", "en", "de")})
        return [
            Dataset(
                "trento.libraries.reserved",
                label,
                path=self.data,
                kind="indicator_data",
                service="libraries",
                published=False,
            )
        ]


def files_with(site: Path, word: str) -> list[str]:
    """The files of ``site`` whose bytes contain ``word`` (UTF-8)."""
    needle = word.encode("utf-8")
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(public, members) builds of the tests' results folder with the reserved plugin."""
    from tests.site.conftest import TABLES

    root = tmp_path_factory.mktemp("members")
    results = root / "results"
    results.mkdir()
    for name, text in TABLES.items():
        (results / f"{name}.csv").write_text(text, encoding="utf-8")
    data = root / "reserved.csv"
    data.write_text("organization,period,variable,value\n022205,2024,loans,1\n")
    catalog = catalog_with(("reserved", Reserved(data)), installed=PLUGINS)
    public = build_site(results, root / "public", catalog=catalog).out
    members = build_site(results, root / "members", catalog=catalog, members=True).out
    return public, members


def test_the_public_build_holds_no_member_only_item(builds):
    public, _ = builds
    assert files_with(public, DRAFT) == []
    assert files_with(public, UNPUBLISHED) == []
    # no page of the draft charter, in any language, and no link to one
    assert [p for p in public.rglob("carta-registry.html") if "trento" in p.parts] == []
    assert files_with(public, DRAFT_PAGE) == []


def test_the_members_build_shows_them(builds):
    _, members = builds
    pages = files_with(members, DRAFT)
    # the charter's page in each language: Italian at the root, en/, de/
    for page in (DRAFT_PAGE, f"en/{DRAFT_PAGE}", f"de/{DRAFT_PAGE}"):
        assert page in pages
    assert any(p.endswith(".html") for p in files_with(members, UNPUBLISHED))
    # Trento's page links its draft charter
    assert "carta-registry.html" in (members / "citta" / "trento.html").read_text()


def test_the_two_builds_differ_only_by_the_reserved_items(builds):
    """The public build is the members' build less its pages: none of its own."""
    public, members = builds
    public_pages = {p.relative_to(public).as_posix() for p in public.rglob("*.html")}
    member_pages = {p.relative_to(members).as_posix() for p in members.rglob("*.html")}
    assert public_pages < member_pages
    assert {p for p in member_pages - public_pages if "trento/carta-registry" in p}
