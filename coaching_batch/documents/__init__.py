"""The documents a run writes for people to print, sign and send (PDF, with fpdf2).

* ``certificates/``: a Certificate of Completion per certificate the run issues, addressed to the
  candidate's supervisor with copies to candidate and coach, and all of them in one PDF to print;
  the wording comes from a plain-text template (:mod:`.template`).
* ``payment-requests/``: the coach's Request for Payment, pre-filled, with the log summary.
* ``payment-documentation/``: the log summary finance files with each stipend paid.

Each writer fills the temporary folder :func:`coaching_batch.reports.write_outputs` gives it. The
PDF library is imported only when a document is written (it costs a third of a second).
"""

from __future__ import annotations

from pathlib import Path

from ..model import RunResult
from .names import CERTIFICATES_FOLDER, DOCUMENTATION_FOLDER, REQUESTS_FOLDER, name_certificates
from .template import DEFAULT_TEMPLATE_NAME, default_template_text, read_template_text


def write_certificates(result: RunResult, folder: Path) -> None:
    """certificates/: see :func:`.certificates.write_certificates`."""
    from .certificates import write_certificates as write

    write(result, folder)


def write_payment_requests(result: RunResult, folder: Path) -> None:
    """payment-requests/: see :func:`.payments.write_payment_requests`."""
    from .payments import write_payment_requests as write

    write(result, folder)


def write_payment_documentation(result: RunResult, folder: Path) -> None:
    """payment-documentation/: see :func:`.payments.write_payment_documentation`."""
    from .payments import write_payment_documentation as write

    write(result, folder)


# Folder → writer, for reports.FOLDER_WRITERS.
FOLDER_WRITERS = {
    CERTIFICATES_FOLDER: write_certificates,
    REQUESTS_FOLDER: write_payment_requests,
    DOCUMENTATION_FOLDER: write_payment_documentation,
}

__all__ = [
    "CERTIFICATES_FOLDER", "REQUESTS_FOLDER", "DOCUMENTATION_FOLDER", "DEFAULT_TEMPLATE_NAME", "FOLDER_WRITERS",
    "name_certificates", "write_certificates", "write_payment_requests", "write_payment_documentation",
    "default_template_text", "read_template_text",
]
