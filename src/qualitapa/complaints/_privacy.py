"""Pseudonymisation of the citizen's contact data, and redaction of free text.

A keyed hash (HMAC-SHA256, :mod:`hmac`) with a secret the caller keeps
turns each contact value into a token: the same citizen always gets the
same token, so repeat complainants can still be counted, but the token
cannot be turned back into the person without the secret (GDPR art. 4(5)
pseudonymisation: keep the secret apart from the data).

Citizens also write who they are in the complaint text. :func:`redact`
replaces, in free text, the complaint's own contact values wherever they
occur and every match of the patterns below with a label; it is best
effort (see :data:`PATTERNS`): a name the citizen did not give as contact,
a phone number written in words or a codice fiscale with spaces inside
stay.

Placeholder contacts (``n/d``, ``non fornito``, ``+39``, empty: see
:func:`is_placeholder`) are no contact: they get no token, so two citizens
who gave none never share one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from qualitapa.errors import DataError

#: Shortest secret accepted (bytes): 128 bits.
MIN_SECRET_BYTES = 16
#: Token length in hex digits (96 bits: collisions are negligible for
#: registers of any municipal size).
TOKEN_HEX = 24
CONTACT_FIELDS = ("email", "phone", "name", "address")
_SPACES = re.compile(r"\s+")
_NOT_DIGITS = re.compile(r"[^\d+]")


#: Values that stand for "no contact given" (compared case-insensitively,
#: surrounding spaces and dots ignored).
PLACEHOLDERS = frozenset(
    {
        "", "-", "--", "---", "/", ".", "?", "x", "xx", "xxx", "0", "n/d", "nd", "n.d",
        "n/a", "na", "n.a", "non fornito", "non fornita", "non disponibile", "non indicato",
        "non indicata", "non presente", "nessuno", "nessuna", "anonimo", "anonima",
        "sconosciuto", "sconosciuta", "null", "none", "nan", "senza",
    }
)  # fmt: skip


def is_placeholder(value: object, field: str = "name") -> bool:
    """True when a contact value says there is none (``n/d``, ``+39``, empty...).

    Beyond :data:`PLACEHOLDERS`: an e-mail without ``@``, a phone with fewer
    than 6 digits after the country code or with one digit repeated, a name
    or address without two letters.

    Examples
    --------
    >>> [is_placeholder(v, "phone") for v in ("+39", "n/d", "0000000", "059 123456")]
    [True, True, True, False]
    """
    if value is None or (isinstance(value, float) and value != value):
        return True
    text = _SPACES.sub(" ", str(value)).strip().strip(".").strip().casefold()
    if text in PLACEHOLDERS:
        return True
    if field == "email":
        return "@" not in text
    if field == "phone":
        digits = _normalise("phone", text).lstrip("+")
        return len(digits) < 6 or len(set(digits)) == 1
    return sum(ch.isalpha() for ch in text) < 2


def _key(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if len(key) < MIN_SECRET_BYTES:
        raise DataError(
            f"the pseudonymisation secret must be at least {MIN_SECRET_BYTES} bytes long "
            "(use a random string, e.g. from `python -c 'import secrets; "
            "print(secrets.token_hex(32))'`)"
        )
    return key


def _normalise(field: str, value: str) -> str:
    text = _SPACES.sub(" ", value.strip()).casefold()
    if field == "phone":
        text = _NOT_DIGITS.sub("", text)
        if text.startswith("+39"):
            text = text[3:]
        elif text.startswith("0039"):
            text = text[4:]
    return text


def pseudonym(value: str, secret: str | bytes, *, field: str = "email") -> str:
    """The token of one contact value (normalised: case, spaces, +39 prefix).

    Examples
    --------
    >>> a = pseudonym("Mario.Rossi@Example.org ", "a secret of 16+ bytes", field="email")
    >>> b = pseudonym("mario.rossi@example.org", "a secret of 16+ bytes", field="email")
    >>> a == b, len(a)
    (True, 26)
    """
    message = f"{field}:{_normalise(field, value)}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).hexdigest()
    return "p_" + digest[:TOKEN_HEX]


def pseudonymise(
    frame: pd.DataFrame,
    secret: str | bytes,
    *,
    prefix: str = "contact_",
    token_column: str = "contact_token",
    text_columns: tuple[str, ...] = ("description",),
) -> pd.DataFrame:
    """Replace contact columns with keyed tokens and redact free text; return a new frame.

    Each ``contact_<field>`` column (email, phone, name, address) is
    replaced by its tokens; ``contact_token`` identifies the citizen by the
    first of email, phone, name that is given, so one person's complaints
    share a token. Missing values and placeholders (:func:`is_placeholder`)
    get no token. The ``text_columns`` are redacted (:func:`redact`, with
    each row's own contact values). The caller's frame is not changed.

    Parameters
    ----------
    frame
        A table with ``contact_*`` columns.
    secret
        The key (at least 16 bytes); keep it apart from the exported data.
    prefix
        Prefix of the contact columns.
    token_column
        Name of the per-citizen token column added.
    text_columns
        Free-text columns to redact (those missing are skipped).

    Raises
    ------
    DataError
        The secret is too short.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["1", "2", "3"],
    ...                    "contact_email": ["anna@example.org", "ANNA@example.org", "n/d"],
    ...                    "description": ["Sono Anna, anna@example.org", "", "Nessuno"]})
    >>> out = pseudonymise(df, "0123456789abcdef")
    >>> out["contact_token"].nunique(), out["contact_token"].isna().tolist()
    (1, [False, False, True])
    >>> out["description"].iloc[0], "anna" in out.to_csv()
    ('Sono Anna, [e-mail]', False)
    """
    key = _key(secret)
    out = frame.copy()
    present_fields = [f for f in CONTACT_FIELDS if prefix + f in out.columns]
    for col in text_columns:
        if col in out.columns:
            contacts = {f: out[prefix + f] for f in present_fields}
            out[col] = _redact_column(out[col], contacts)
    token = pd.Series([None] * len(out), index=out.index, dtype=object)
    for field in CONTACT_FIELDS:
        col = prefix + field
        if col not in out.columns:
            continue
        values = out[col].astype(object).where(out[col].notna(), None)
        uniques = pd.unique(values.dropna().astype(str).to_numpy())
        mapping = {
            u: None if is_placeholder(u, field) else pseudonym(u, key, field=field) for u in uniques
        }
        tokens = values.map(mapping, na_action="ignore").astype(object)
        tokens = tokens.where(tokens.notna(), None)
        out[col] = tokens
        if field != "address":
            token = token.where(token.notna(), tokens)
    out[token_column] = token.to_numpy(dtype=object)
    if not len(out):
        out[token_column] = np.array([], dtype=object)
    return out


# -- free text -------------------------------------------------------------------------

_SEP = r"[ .\-/]?"
_ITALIAN_IBAN = _SEP.join(["I", "T", r"\d", r"\d", "[A-Z]", *[r"\d"] * 10, *["[A-Z0-9]"] * 12])

#: What :func:`redact` looks for in any text, with the label that replaces it.
#: Italian formats; best effort, documented in ``docs/complaints.md``.
PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    # 16 characters; omocodia replaces digits with L M N P Q R S T U V
    "codice fiscale": (
        "[codice fiscale]",
        re.compile(
            r"(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst]"
            r"[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]"
            r"(?![A-Za-z0-9])"
        ),
    ),
    "e-mail": ("[e-mail]", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    # IT + 25 characters (spaces between groups allowed), or any country written
    # in capitals, compact or in groups of four
    "IBAN": (
        "[IBAN]",
        re.compile(
            rf"(?<![A-Za-z0-9])(?:(?i:{_ITALIAN_IBAN})|[A-Z]{{2}}\d{{2}}[A-Z0-9]{{11,30}}"
            r"|[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])"
        ),
    ),
    # +39 / 0039, then a landline (0 and the area code, perhaps "06/...") or a
    # mobile (3xx) number; 6 to 11 digits after the country code, dates excluded
    "phone": (
        "[telefono]",
        re.compile(
            r"(?<![\w/+.,])(?:(?:\+|00) ?39[ .\-]?)?(?:\(0\d{1,3}\)|0\d{1,3}|3\d{2})"
            r"[ .\-/]?\d(?:[ .\-]?\d){3,7}(?![\w/])"
        ),
    ),
}
_DATE = re.compile(r"\d{1,2}([./\-])\d{1,2}\1\d{2,4}")
_LABELS = {"name": "[nome]", "email": "[e-mail]", "phone": "[telefono]", "address": "[indirizzo]"}


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = _normalise("phone", text).lstrip("+")
    if _DATE.fullmatch(text) or not 6 <= len(digits) <= 11:
        return text
    return PATTERNS["phone"][0]


def _flexible(value: str) -> str:
    """A regular expression for ``value``: any case, any run of spaces between words."""
    words = [re.escape(w) for w in value.split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def _contact_patterns(contacts: Mapping[str, object]) -> list[tuple[str, str]]:
    """(regular expression, label) for one complaint's own contact values."""
    out: list[tuple[str, str]] = []
    for field, value in contacts.items():
        if field not in _LABELS or is_placeholder(value, field):
            continue
        text = _SPACES.sub(" ", str(value)).strip()
        label = _LABELS[field]
        out.append((_flexible(text), label))
        if field == "name":  # the name in any order: each word of 3 letters or more
            out += [(_flexible(w), label) for w in text.split() if len(w) >= 3]
        elif field == "address":  # "Via Roma 10, Modena": the parts with a number
            parts = [p.strip() for p in text.split(",")]
            out += [(_flexible(p), label) for p in parts if any(c.isdigit() for c in p)]
        elif field == "phone":
            digits = _normalise("phone", text).lstrip("+")
            out.append((r"(?<!\d)" + r"[\s.\-/]?".join(digits) + r"(?!\d)", label))
    # longest first: the full name before its words
    return sorted(set(out), key=lambda p: -len(p[0]))


def redact(
    text: str,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
) -> str:
    """``text`` with personal data replaced by labels (best effort).

    Replaces the given contact values wherever they occur (any case, any
    spacing; a name's words and an address's numbered parts on their own
    too) and every codice fiscale, e-mail address, IBAN and Italian phone
    number (:data:`PATTERNS`) by ``[nome]``, ``[indirizzo]``, ``[e-mail]``,
    ``[telefono]``, ``[codice fiscale]``, ``[IBAN]``. Dates, amounts,
    protocol numbers (``2024/000123``) and postcodes stay. Placeholders
    (:func:`is_placeholder`) are not contact values.

    Examples
    --------
    >>> redact("Sono Mario Rossi, tel. 333 123 4567, CF RSSMRA80A01H501U", name="Mario Rossi")
    'Sono [nome], tel. [telefono], CF [codice fiscale]'
    """
    contacts = {"name": name, "email": email, "phone": phone, "address": address}
    return _redact_one(text, _contact_patterns(contacts))


def _redact_one(text: str, own: list[tuple[str, str]]) -> str:
    for regex, label in own:
        text = re.sub(regex, label, text, flags=re.IGNORECASE)
    for key, (label, compiled) in PATTERNS.items():
        text = compiled.sub(_phone if key == "phone" else label, text)
    return text


def _redact_column(values: pd.Series, contacts: Mapping[str, pd.Series]) -> pd.Series:
    """Redact a text column, each row with its own contact values."""
    out = values.astype(object).copy()
    present = out.notna().to_numpy(dtype=bool) & out.map(lambda v: isinstance(v, str)).to_numpy(
        dtype=bool
    )
    fields = list(contacts)
    columns = [contacts[f].astype(object).to_numpy() for f in fields]
    texts = np.array(out, dtype=object)  # a copy we may write
    for i in np.flatnonzero(present):
        own = {f: col[i] for f, col in zip(fields, columns, strict=True)}
        texts[i] = _redact_one(texts[i], _contact_patterns(own))
    return pd.Series(texts, index=values.index, dtype=object)
