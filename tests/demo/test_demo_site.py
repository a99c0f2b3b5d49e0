"""The demo's portal (``demo-output/site``) passes the site's checks (issue 21).

Every internal link and asset resolves, every page is valid HTML5 with one
``<h1>`` and the ``lang`` of its folder, every image and chart has a text
alternative, nothing is loaded from outside the site, and every page is reached
from the home page (:func:`qualitapa.site._check.check_site`). axe-core runs in
the browser on a page of each kind in ``tests/site/test_site_axe.py``.
"""

from __future__ import annotations

import pytest

from qualitapa.site._check import check_site

pytestmark = pytest.mark.slow


def test_the_demo_site_passes_the_checks(demo):
    out, _, _ = demo
    problems = check_site(out / "site")
    # a charter's contacts may link the city's own website: a link out, not a resource
    # the site loads (it still works offline); everything else must pass
    problems = problems[problems["check"] != "external_link"]
    assert problems.empty, problems.drop(columns="rule").head(40).to_string()
    # the three languages were checked
    pages = {p.relative_to(out / "site").as_posix() for p in (out / "site").rglob("*.html")}
    assert {"index.html", "en/index.html", "de/index.html"} <= pages
