"""The certificate's wording: a plain-text template a coordinator edits in Notepad.

One line of the file is one line of the certificate; ``#`` lines are notes; a line may start with
a style (``[title]``, ``[name]``, ``[center]``, ``[signature]``, ``[small]``); ``$words`` are
filled in per certificate with :class:`string.Template`. The file is checked whole before a run
reads anything, so a misspelt ``$word`` or style is one clear error, not a run of wrong
certificates.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from ..errors import UsageError

DEFAULT_TEMPLATE_NAME = "certificate-template.txt"
STYLES = ("title", "name", "center", "signature", "small")
PLAIN = "text"
SENTENCE_ENDS = (".", "!", "?")  # a left-out line ending so ends the sentence of the line before it
PLACEHOLDERS = (
    "candidate_name", "candidate_id", "coach_name", "coach_id", "supervisor_name", "supervisor_id",
    "program_title", "program", "start_event", "start_date", "completion_date", "issued_date",
    "candidate_hours", "coach_contact_hours", "hours_documented", "goals", "certificate_id",
    "coach_role", "candidate_role", "activity",
)
_STYLE = re.compile(r"^\s*\[\s*([A-Za-z]+)\s*\]\s?")


@dataclass(frozen=True)
class TemplateLine:
    style: str  # one of STYLES, or PLAIN
    text: Template  # blank for an empty line (a gap)
    placeholders: tuple[str, ...]


def default_template_text() -> str:
    return files(__package__).joinpath(DEFAULT_TEMPLATE_NAME).read_text(encoding="utf-8")


def read_template_text(path: Path | None) -> str:
    """The template's text (the shipped default when ``path`` is None), checked; a bad file is a
    :class:`UsageError` naming the problem. Notepad's UTF-8 (with or without BOM) and its older
    "ANSI" (Windows-1252) are both read; its "Unicode" (UTF-16) is refused with the way to save it."""
    if path is None:
        text = default_template_text()
        parse_template(text, "the default certificate template")
        return text
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the certificate template {path}: {exc.strerror or exc}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:  # no text holds a zero byte
        raise UsageError(f"the certificate template {path} is not UTF-8 text (it was saved as \"Unicode\", UTF-16): "
                         "save it as UTF-8 (in Notepad: File, Save As, Encoding UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    parse_template(text, f"the certificate template {path}")
    return text


def parse_template(text: str, where: str = "the certificate template") -> list[TemplateLine]:
    """The template's printed lines (notes dropped, trailing gaps trimmed); raises UsageError for an
    unknown ``$word``, a ``$`` that starts no word, or an unknown ``[style]``."""
    lines: list[TemplateLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("#"):
            continue
        style, body = PLAIN, raw.rstrip()
        match = _STYLE.match(body)
        if match:
            style = match.group(1).lower()
            if style not in STYLES:
                raise UsageError(f"{where}, line {number}: [{match.group(1)}] is not a style "
                                 f"(use {', '.join(f'[{s}]' for s in STYLES)}, or none)")
            body = body[match.end():]
        else:
            body = body.strip()
        template = Template(body)
        if not template.is_valid():
            bad = _invalid_dollar(body)
            raise UsageError(f"{where}, line {number}: {bad!r} is not a placeholder; write $$ for a dollar sign")
        names = tuple(template.get_identifiers())
        unknown = [name for name in names if name not in PLACEHOLDERS]
        if unknown:
            raise UsageError(f"{where}, line {number}: ${unknown[0]} is not a placeholder the run fills in "
                             f"(the placeholders are {', '.join('$' + p for p in PLACEHOLDERS)})")
        lines.append(TemplateLine(style, template, names))
    while lines and not lines[-1].text.template:
        lines.pop()
    while lines and not lines[0].text.template:
        lines.pop(0)
    if not lines:
        raise UsageError(f"{where} has no text to print (only notes or blank lines)")
    return lines


def fill(lines: list[TemplateLine], values: dict[str, str]) -> list[tuple[str, str]]:
    """(style, text) per printed line: a line whose placeholders are all blank is left out. A line left
    out that ended a sentence hands its full stop to the line before it when that one ends in a comma
    or semicolon ("... to its completion on May 1, 2026," without "documenting ... hours.")."""
    filled = []
    for line in lines:
        if line.placeholders and not any(values.get(name, "") for name in line.placeholders):
            _end_sentence(filled, line.text.template.rstrip()[-1:])
            continue
        filled.append((line.style, line.text.substitute(values)))
    return filled


def _end_sentence(filled: list[tuple[str, str]], stop: str) -> None:
    """The last printed line's trailing comma or semicolon made ``stop`` when that is a sentence's end."""
    if stop in SENTENCE_ENDS and filled and filled[-1][1].rstrip()[-1:] in (",", ";"):
        style, text = filled[-1]
        filled[-1] = (style, text.rstrip()[:-1] + stop)


def _invalid_dollar(body: str) -> str:
    match = Template.pattern.search(body)
    while match is not None and match.group("invalid") is None:
        match = Template.pattern.search(body, match.end())
    start = match.start("invalid") - 1 if match else body.find("$")  # the group starts after the $
    return body[start:start + 6].split(" ")[0] or "$"
