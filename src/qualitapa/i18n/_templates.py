"""The Jinja2 environment of a package's templates."""

from __future__ import annotations

import functools
import pathlib

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


@functools.lru_cache(maxsize=32)
def sandboxed_environment(package: str, folders: tuple[pathlib.Path, ...]) -> jinja2.Environment:
    """A sandboxed environment for plugins' templates, over ``package``'s own.

    Templates are looked up in the plugins' ``folders`` first, then in
    ``package``'s ``templates`` folder (so a plugin's template can import its
    macros, ``{% import "_macros.html.j2" as m with context %}``). The
    sandbox keeps a plugin's template from reaching what it was not given;
    autoescape and ``StrictUndefined`` as in :func:`template_environment`.

    Examples
    --------
    >>> import tempfile
    >>> from qualitapa.i18n import translator
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "mine.html.j2").write_text("<p>{{ t('Periodo') }} {{ x }}</p>")
    ...     env = sandboxed_environment("qualitapa.standards", (pathlib.Path(d),))
    ...     env.get_template("mine.html.j2").render(t=translator("de"), x="<b>")
    '<p>Zeitraum &lt;b&gt;</p>'
    """
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(f) for f in folders])]
    own = template_environment(package).loader
    if own is not None:
        loaders.append(own)
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
