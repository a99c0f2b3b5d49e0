"""Pseudonymisation of the citizen's contact data.

A keyed hash (HMAC-SHA256, :mod:`hmac`) with a secret the caller keeps
turns each contact value into a token: the same citizen always gets the
same token, so repeat complainants can still be counted, but the token
cannot be turned back into the person without the secret (GDPR art. 4(5)
pseudonymisation: keep the secret apart from the data).
"""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd

from qualitapa.errors import DataError

__all__ = ["MIN_SECRET_BYTES", "pseudonym", "pseudonymise"]

#: Shortest secret accepted (bytes): 128 bits.
MIN_SECRET_BYTES = 16
#: Token length in hex digits (96 bits: collisions are negligible for
#: registers of any municipal size).
TOKEN_HEX = 24
CONTACT_FIELDS = ("email", "phone", "name", "address")
_SPACES = re.compile(r"\s+")
_NOT_DIGITS = re.compile(r"[^\d+]")


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
) -> pd.DataFrame:
    """Replace contact columns with keyed tokens; return a new frame.

    Each ``contact_<field>`` column (email, phone, name, address) is
    replaced by its tokens; ``contact_token`` identifies the citizen by the
    first of email, phone, name that is given, so one person's complaints
    share a token. Missing values stay missing. The caller's frame is not
    changed.

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

    Raises
    ------
    DataError
        The secret is too short.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["1", "2"],
    ...                    "contact_email": ["anna@example.org", "ANNA@example.org"]})
    >>> out = pseudonymise(df, "0123456789abcdef")
    >>> out["contact_token"].nunique(), "anna" in out.to_csv()
    (1, False)
    """
    key = _key(secret)
    out = frame.copy()
    token = pd.Series([None] * len(out), index=out.index, dtype=object)
    for field in CONTACT_FIELDS:
        col = prefix + field
        if col not in out.columns:
            continue
        values = out[col].astype(object).where(out[col].notna(), None)
        uniques = pd.unique(values.dropna().astype(str).to_numpy())
        mapping = {u: pseudonym(u, key, field=field) for u in uniques}
        tokens = values.map(mapping, na_action="ignore").astype(object)
        tokens = tokens.where(values.notna(), None)
        out[col] = tokens
        if field != "address":
            token = token.where(token.notna(), tokens)
    out[token_column] = token.to_numpy(dtype=object)
    if not len(out):
        out[token_column] = np.array([], dtype=object)
    return out
