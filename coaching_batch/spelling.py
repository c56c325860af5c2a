"""How typed text is compared: the characters a coordinator's keyboard, Word, Outlook or a PDF put in
place of plain ones. Shared by the reader (which has no pandas yet), the values' parsers and the policy
files, so that a header, a cell and a policy's list of choices read one spelling alike."""

from __future__ import annotations

import re

# hyphens and dashes as Word, Outlook or a PDF give them (`Form 336‑84`, `In–person`), and the minus sign
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
DASHES_AS_HYPHENS = str.maketrans(dict.fromkeys(DASHES, "-"))
# full-width letters, digits and signs as East Asian keyboards type them (`１０４２３３`, `１．５`, `３／５`) made plain
FULL_WIDTH_AS_PLAIN = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
# typographic quotes and apostrophes (`O’Kim`, `OʼKim`, `O´Kim`) made plain
PLAIN_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d\u02bc\u00b4`", "''\"\"'''")
# Characters a cell shows nothing of, pasted with text from a web form, a PDF, Outlook or a CSV: a zero-width
# space, a soft hyphen, the marks and controls of text direction (LRM, RLM, embeddings, isolates), a word
# joiner and the invisible operators, a byte-order mark. Removed from every text value, as its reader cannot see
# them (`200\u200e` is the ID 200, `Kim\u00adLee` is Kim Lee); the joiners of a script's letters are kept.
INVISIBLE = "\u00ad\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
WITHOUT_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE, None))
# SPEC §3's whitespace rule: every run of whitespace (line breaks, non-breaking and zero-width spaces) is one space
WHITESPACE_RUN = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")

# Names (SPEC §3: compared after case-folding) as a Turkish keyboard or another one types them: İ folds to `i` and
# a combining dot (`i̇`), the dotless ı is the lower case of I in Turkish; `İlkay`, `ILKAY` and `ilkay`, `Yılmaz`
# and `YILMAZ`, are one name.
TURKISH_I = {"i\u0307": "i", "\u0131": "i"}
# what may end a typed name without being part of it (`Kim Lee.`, `Kim Lee,`; `Sam Lee Jr` is the roster's `Sam Lee Jr.`)
NAME_END_MARKS = ".,;"

_SEPARATORS_AS_SPACES = str.maketrans(dict.fromkeys("-_" + DASHES, " "))


def words_key(text: str) -> str:
    """A name as compared: any case, with `-`, a dash, `_` and runs of spaces alike (`Job–Embedded`
    and `job_embedded` are `job embedded`)."""
    return " ".join(text.translate(_SEPARATORS_AS_SPACES).split()).casefold()


def choice_key(text: str) -> str:
    """A choice as compared: any case, without `-`, dashes, `_` and whitespace (the spacing variants of
    SPEC §3: `OngoingSupport`, `On-going Support` and `Ongoing support` are one)."""
    return "".join(text.translate(FULL_WIDTH_AS_PLAIN).casefold().translate(_SEPARATORS_AS_SPACES).split())
