"""Is a roster Email cell one usable email address? (No pandas here: the SMTP config uses it too.)"""

from __future__ import annotations

import re
import unicodedata
from email.utils import parseaddr

# A plain address: local part, one @, a domain with a dot; no spaces, quotes, commas or line breaks.
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")


def email_address(raw: object) -> str | None:
    """The address in ``raw`` (``jo@example.org`` or ``Jo Smith <jo@example.org>``), or None when it is
    blank, missing, several addresses, or not an address at all."""
    if raw is None or not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or any(c in text for c in ",;") or any(unicodedata.category(c) == "Cc" for c in text):
        return None
    _, address = parseaddr(text)
    if not address or not _ADDRESS.fullmatch(address):
        return None
    # what was typed is the address itself, or a name and <the address>: never words run together
    typed = text if "<" not in text else text[text.find("<") + 1:].rstrip().removesuffix(">")
    return address if typed == address else None
