"""The Jinja2 environment of a package's templates."""

from __future__ import annotations

import functools

import jinja2


@functools.cache
def template_environment(package: str) -> jinja2.Environment:
    """The cached Jinja2 environment of the templates in ``package``'s ``templates`` folder.

    Autoescape on (HTML is escaped by the engine, never by hand),
    ``StrictUndefined`` (a misspelt name fails instead of printing nothing),
    ``trim_blocks`` and ``lstrip_blocks``. Templates receive the
    :class:`~qualitapa.i18n.Translator` as ``t`` in their context and call
    ``{{ t("...") }}``, ``{{ t.number(x, digits=1) }}``, ``{{ t.text(label) }}``.

    Parameters
    ----------
    package
        An importable package with a ``templates`` folder, e.g.
        ``"qualitapa.reporting"``.

    Returns
    -------
    jinja2.Environment

    Raises
    ------
    ValueError
        ``package`` has no ``templates`` folder (raised by Jinja2's ``PackageLoader``).

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> env = template_environment("qualitapa.standards")
    >>> env.from_string("<p>{{ t('Periodo') }}: {{ x }}</p>").render(t=translator("de"), x="<b>")
    '<p>Zeitraum: &lt;b&gt;</p>'
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
