"""Where the documents go, what their files are called and which pairs get a Request for Payment (no
PDF library needed here: the run names its certificates before the ledger records them, whether or
not any PDF is written, and the notices name the forms they ask coaches to sign)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ..model import NO_REQUEST, RunResult
from ..settings import WINDOWS_DEVICE_NAMES

CERTIFICATES_FOLDER = "certificates"
REQUESTS_FOLDER = "payment-requests"
DOCUMENTATION_FOLDER = "payment-documentation"
NOTES_FILE = "Check before sending.txt"  # in a folder whose documents need a look before they go out

_UNSAFE_IN_FILENAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
# A file name may hold 255 bytes (Linux, macOS) or 255 UTF-16 units (Windows); a name of emoji or CJK
# letters takes 3 or 4 bytes a letter, so the readable part is cut to this many bytes too, leaving
# room for the " - <ID>.pdf" after it.
MAX_NAME_BYTES = 160
_NOT_FIRST = " .-"  # a file name starts with none of these: "-" reads as an option, "." hides the file
# What makes a name readable in a file name: a letter or a digit of any script, or a pictograph (🙂).
_READABLE = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "So"})


def text_of(value: object) -> str:
    """A cell value as text: blank for None, NaN and NaT."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def safe_filename(text: str, *, longest: int = 80, program: str = "") -> str:
    """``text`` as a file name that works on Windows, macOS and Linux (letters of any script kept),
    never starting with ``-`` (a command-line tool reads it as an option), ``.`` (hidden) or a space.
    ``program`` follows as `` - <program>``, whole: a name too long is cut in ``text`` (people's names
    cut at the end lost the program, and left "… Montenegro- - PAY-….pdf")."""
    tail = f" - {_cleaned(program).strip()}"[:longest // 2] if program else ""
    name = _cleaned(text).lstrip(_NOT_FIRST).rstrip(" .")
    cut = name[:longest - len(tail)].encode("utf-8")[:MAX_NAME_BYTES - len(tail.encode("utf-8"))].decode("utf-8", "ignore")
    if cut != name:  # cut after a whole word where one ends in the second half, not in the middle of one
        end = max(cut.rfind(" "), cut.rfind("-"))  # a double name's hyphen ends a word too
        cut = (cut[:end] if end >= len(cut) // 2 else cut).rstrip(" .-")
    return _not_a_device((cut.rstrip(" .") or "document") + tail.rstrip(" ."))


def person_in_filename(name: object, employee_id: object) -> str:
    """A person as a document's file name names them: their name, or their employee ID when the name
    leaves nothing readable there (``..``, ``-``, ``???``: no letter, digit or pictograph once the
    characters a file name cannot hold are gone)."""
    text = text_of(name)
    return text if any(unicodedata.category(ch) in _READABLE for ch in _cleaned(text)) else text_of(employee_id)


def _cleaned(text: str) -> str:
    """``text`` without what no file system takes (``<>:"/\\|?*``, control characters), its spaces one."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE_IN_FILENAME.sub(" ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return re.sub(r"\s+", " ", name)


def _not_a_device(name: str) -> str:
    """``name`` with ``_`` after a first word Windows keeps for a device (``CON_ - itss-coaching``)."""
    device = name.split(".", 1)[0].rstrip(" ")
    return f"{device}_{name[len(device):]}" if device.upper() in WINDOWS_DEVICE_NAMES else name


def combined_certificates_name(result: RunResult) -> str:
    return f"All certificates {result.as_of.isoformat()}.pdf"


def name_certificates(result: RunResult) -> None:
    """Give each certificate this run issues (no earlier issue date) its PDF's path, relative to the
    output folder (``certificates/<candidate> - <program> - <certificate ID>.pdf``); a certificate
    issued before keeps ``file`` None and gets no new PDF."""
    certificates = result.certificates
    if certificates.empty:
        return
    new = certificates["issued_on"].isna()
    certificates["file"] = [
        f"{CERTIFICATES_FOLDER}/{safe_filename(person_in_filename(row.candidate_name, row.candidate_id), program=row.program)} - {row.certificate_id}.pdf"
        if is_new else None
        for row, is_new in zip(certificates.itertuples(index=False), new)
    ]


def waiting_for_request(result: RunResult) -> pd.DataFrame:
    """The pairs that would be payable but for the coach's signed Request for Payment: completion
    eligible, of a program that pays, no request date, not paid, and no other reason against paying."""
    pairs = result.pairs
    if pairs.empty:
        return pairs
    paying = {name for name, policy in result.programs.items() if policy.payment is not None}
    pays = pairs["program"].isin(paying)
    only_reason = pairs["reasons"].fillna("").map(lambda reasons: [r for r in reasons.split("; ") if r] == [NO_REQUEST])
    chosen = (pairs["completion_eligible"] & ~pairs["payment_eligible"] & pays
              & pairs["payment_request_date"].isna() & pairs["paid_on"].isna() & only_reason)
    return pairs[chosen].sort_values(["program", "coach_name", "candidate_name"], na_position="last")


def request_name(pair: dict, activity: str = "coaching") -> str:
    """The file of a pair's pre-filled Request for Payment, in its program's word for the work
    ("<coach> coaching <candidate>", "<mentor> mentoring <mentee>")."""
    who = (f"{person_in_filename(pair['coach_name'], pair['coach_id'])} {activity} "
           f"{person_in_filename(pair['candidate_name'], pair['candidate_id'])}")
    return f"{safe_filename(who, program=pair['program'])} - {pair['payment_id']}.pdf"


def documentation_name(payment_id: str) -> str:
    return f"{safe_filename(payment_id)}.pdf"
