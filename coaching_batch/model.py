"""What a run produces, handed from the pipeline to the report writers.

Frames use the canonical column names listed beside each field; dates are ``datetime64`` columns
(no time part), durations are whole minutes (``Int64``) with the matching ``*_hours`` columns
already rounded for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .findings import Finding
from .policy import Policy


@dataclass
class SheetInfo:
    name: str
    table: str | None  # recognised table name, or None
    rows: int  # data rows read (entries), 0 when unrecognised
    header_row: int | None = None  # 1-based row of the header in the sheet
    hidden: bool = False


@dataclass
class InputFile:
    path: str  # relative to the inbox
    sha256: str
    size: int | None  # bytes; None for a folder or a link
    status: str  # read | unreadable | duplicate | skipped
    note: str = ""
    sheets: list[SheetInfo] = field(default_factory=list)


PAIR_COLUMNS = [
    "program", "candidate_id", "candidate_name", "coach_id", "coach_name", "assigned_date",
    "planning_meeting_date", "agreement_date", "start", "deadline", "extended_until", "status",
    "completion_date", "payment_request_date", "candidate_minutes", "coach_contact_minutes",
    "candidate_hours", "coach_contact_hours", "candidate_hours_needed", "coach_contact_hours_needed",
    "feedback_coach_date", "feedback_coachee_date", "completion_eligible", "payment_eligible",
    "blocking_errors", "payment_id", "paid_on", "reasons",
]
# The reason a pair gives when its stipend waits only for the coach's signed Request for Payment: the
# rules write it, the documents pre-fill that form for such a pair and the notices ask the coach to sign it.
NO_REQUEST = "no Request for Payment"
PAYMENT_COLUMNS = [
    "payment_id", "coach_id", "coach_name", "candidate_id", "candidate_name", "start_date",
    "end_date", "coach_contact_hours", "candidate_hours", "amount", "program", "amount_basis",
]
COACH_COLUMNS = [
    "program", "coach_id", "coach_name", "grade", "hire_date", "pgs_status", "coach_training_date",
    "recommendations_complete", "qualified", "reasons",
]
HOURS_BY_MONTH_COLUMNS = ["program", "candidate_id", "coach_id", "month", "candidate_hours", "coach_contact_hours"]
CERTIFICATE_COLUMNS = [
    "program", "candidate_id", "candidate_name", "coach_id", "coach_name", "completion_date", "send_to", "copies_to",
    "certificate_id", "issued_on", "file",
]


PEOPLE_COLUMNS = ["employee_id", "name", "email", "job_title", "supervisor_id", "location"]
COUNTED_ENTRY_COLUMNS = ["pair", "kind", "candidate_id", "coach_id", "date", "duration", "contact_type", "activity_type"]


@dataclass
class RunResult:
    as_of: date
    policy: Policy  # the run's default program (`--program`)
    inbox: str
    inputs: list[InputFile]
    pairs: pd.DataFrame  # PAIR_COLUMNS
    payments: pd.DataFrame  # PAYMENT_COLUMNS: the stipends newly payable in this run
    coaches: pd.DataFrame  # COACH_COLUMNS
    hours_by_month: pd.DataFrame  # HOURS_BY_MONTH_COLUMNS
    certificates: pd.DataFrame  # CERTIFICATE_COLUMNS
    findings: list[Finding]
    # set by the ledger (issue 3); until then every finding is New, first seen today
    finding_history: dict[str, tuple[str, date]] = field(default_factory=dict)
    resolved: list[Finding] = field(default_factory=list)
    # last run's keys of findings found again at another row (a row deleted or inserted above): closed, not Resolved
    moved: list[str] = field(default_factory=list)
    programs: dict[str, Policy] = field(default_factory=dict)  # every program a pair belongs to, by name
    # The roster's people (PEOPLE_COLUMNS), for the documents and notices addressed to them.
    people: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PEOPLE_COLUMNS))
    # The log entries that count (COUNTED_ENTRY_COLUMNS), for the hours summaries the documents carry.
    counted_entries: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COUNTED_ENTRY_COLUMNS))
    # a dry run's outputs say so in run.json, so its payment sheet is never taken as delivered
    dry_run: bool = False
    # the wording of the certificates (the template file's text); None = the default shipped.
    certificate_template: str | None = None
    # The folder of the ledger the run used (run.json's state_dir): where `notices send` records what it sent.
    state_dir: str = ""
    # --archive: the line saying which workbooks could not be moved ("" when all were, or not asked)
    not_archived: str = ""
    # a real run: one line per earlier run killed before it finished, saying what this run found it had delivered
    stopped_runs: list[str] = field(default_factory=list)
    # every payment the ledger had issued before this run → its date: run.json keeps it, so a rebuilt ledger
    # can tell that a payment sheet of an earlier week is missing (moved away, or a row deleted)
    paid_before: dict[str, date] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        by_severity = {s: sum(f.severity == s for f in self.findings) for s in ("error", "warning", "info")}
        return {
            "files": sum(i.status == "read" for i in self.inputs),
            "files_skipped": sum(i.status != "read" for i in self.inputs),
            "pairs": len(self.pairs),
            "completion_eligible": int(self.pairs["completion_eligible"].sum()) if len(self.pairs) else 0,
            "payment_eligible": int(self.pairs["payment_eligible"].sum()) if len(self.pairs) else 0,
            "payments": len(self.payments),
            "errors": by_severity["error"],
            "warnings": by_severity["warning"],
            "info": by_severity["info"],
            "resolved": len(self.resolved),  # listed after this run's findings in run.json and exceptions.xlsx
        }
