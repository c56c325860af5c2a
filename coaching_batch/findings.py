"""Findings: every problem the run notices is a value, never an exception.

The catalogue of rule codes lives here with each code's severity, who must act on it and the fix
the coordinator is told to make. Rules create findings with :func:`finding`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# What LOG-TOTAL-MISMATCH's message puts between what its `Total Hours` footer says and the sums of the
# entries above it, which change as entries are added (reports.exceptions tells the footer by the part before)
TOTAL_MISMATCH_SUMS = " but the entries add up to "
# What LOG-DUPLICATE's message puts between the entry and where the entry it repeats is, which moves as
# rows are inserted, sorted or deleted and as its workbook or sheet is renamed (the entry is the same)
DUPLICATE_REPEATS = " repeats the entry at "


@dataclass(frozen=True)
class Code:
    severity: Severity
    actor: str  # who must act: coordinator, coach, candidate, supervisor
    fix: str


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: dict[str, Code] = {
    # files and sheets
    "FILE-UNREADABLE": Code(E, "coordinator", "Open the file in Excel and save it again as .xlsx (not password-protected), then re-run."),
    "FILE-DUPLICATE": Code(W, "coordinator", "Remove the extra copy from the inbox; it was read only once."),
    "SHEET-UNRECOGNIZED": Code(I, "coordinator", "Nothing to do if the sheet is not program data; otherwise give it the template's header row."),
    "SHEET-MISSING-COLUMN": Code(E, "coordinator", "Add the missing column to the header row (see the templates), then re-run."),
    "SHEET-TABLE-BESIDE": Code(W, "coordinator", "Move the second table to a sheet of its own: a sheet is read as one table."),
    "TABLE-MISSING": Code(E, "coordinator", "Put a workbook with this table in the inbox."),
    # cells and rows
    "CELL-REQUIRED": Code(E, "coordinator", "Fill in the cell."),
    "CELL-TYPE": Code(E, "coordinator", "Correct the cell so it holds a valid value of the column's kind."),
    "CELL-ENUM": Code(E, "coordinator", "Use one of the allowed values."),
    "CELL-EXAMPLE": Code(W, "coordinator", "Clear the cell or type the row's own value: the grey example row's values are no data."),
    "ID-DUPLICATE": Code(E, "coordinator", "Keep one roster row per employee ID."),
    "ID-UNKNOWN": Code(E, "coordinator", "Correct the ID or name, or add the employee to the roster."),
    "NAME-AMBIGUOUS": Code(E, "coordinator", "Two employees share this name: use Candidate ID / Coach ID instead."),
    # logs
    "LOG-DURATION-INVALID": Code(E, "coach", "Enter the time spent, greater than zero."),
    "LOG-DURATION-IMPLAUSIBLE": Code(W, "coach", "Check the duration; split a multi-day activity into one entry per day."),
    "LOG-DATE-FUTURE": Code(E, "coach", "Correct the date; entries after the as-of date are not counted."),
    "LOG-OUTSIDE-WINDOW": Code(W, "coach", "Check the date: only entries from the planning meeting to the deadline count."),
    "LOG-EARLIER-YEAR": Code(I, "coordinator", "Nothing to do: entries of an earlier school year stay in the log as meetings "
                         "held; only this school year's entries count towards its hours."),
    "LOG-DUPLICATE": Code(W, "coordinator", "Remove the repeated entry; it was counted once."),
    "LOG-NO-ASSIGNMENT": Code(E, "coordinator", "Record the assignment of this pair, or correct the IDs on the log."),
    "LOG-TOTAL-MISMATCH": Code(W, "coach", "Correct the Total Hours value or the entries above it."),
    "LOG-NOT-KEPT": Code(W, "coordinator", "Check the row's Candidate ID and Coach ID (another pair's?) and the Program on "
                     "the two's assignment; if both are right, nothing to do: that program keeps no such rows."),
    # pairs
    "COACH-NOT-QUALIFIED": Code(E, "coordinator", "Assign a qualified coach, or complete the coach's missing qualification."),
    "COACH-CONCURRENT": Code(E, "coordinator", "A coach may coach one candidate at a time: end or reassign one pair."),
    "CANDIDATE-NOT-ENROLLED": Code(E, "candidate", "The candidate must enroll (form 336-84) before requesting a coach."),
    "CANDIDATE-REPEAT": Code(E, "coordinator", "A candidate may be coached once per band enrollment: check the target grade."),
    "PAIR-NOT-STARTED": Code(W, "coach", "Hold the planning meeting and send in the Planning and Goals sheet."),
    "PAIR-INACTIVE": Code(W, "coach", "Send in the coaching log with the recent contacts; if there were none, get in touch with the candidate."),
    "PAIR-AT-RISK": Code(W, "coach", "The deadline is near: plan the remaining hours with coach and candidate."),
    "PAIR-OVERDUE": Code(E, "coordinator", "The coaching window is over: record completion or withdrawal."),
    "PAIR-TOO-SHORT": Code(W, "coordinator", "Check the completion date: the experience should last at least the minimum."),
    "COMPLETION-HOURS-SHORT": Code(E, "candidate", "The candidate must document the minimum hours before completion."),
    "PAYMENT-CONTACT-SHORT": Code(E, "coach", "The coach log must document the minimum contact hours before payment."),
    "PAYMENT-NOT-COMPLETE": Code(E, "coordinator", "Payment can be made only once the pair is eligible for completion."),
    "PAYMENT-ALREADY-PAID": Code(I, "coordinator", "Nothing to do: the stipend was paid by an earlier run."),
    "PAYMENT-PAID-UNDER-OTHER-NAME": Code(E, "coordinator", "Keep the program's name in the policy file (Payment IDs come from it), and this is the stipend already paid; only if it truly is a new stipend, void the earlier payment (`coaching-batch ledger void ID --reason ...`) and the next run pays it."),
    # support-mentoring
    "MENTOR-NOT-ELIGIBLE": Code(E, "coordinator", "Choose a mentor who meets the program's requirements (years employed, years in the position, not the mentee's supervisor), or correct the roster."),
    "MENTEE-NOT-ELIGIBLE": Code(E, "coordinator", "Mentees must be permanent employees who are not on PAR or special evaluation: check the roster, or end the pairing."),
    "AGREEMENT-MISSING": Code(E, "coordinator", "Have mentor and mentee sign the mentoring agreement before they meet, and record its date in Agreement Date."),
    "MONTH-OVER-LIMIT": Code(W, "coach", "Keep the month's meetings within the program's limit, or correct the durations in the mentor log."),
    "LOG-MONTH-MISSING": Code(W, "coach", "Send in the mentor log for that month: every month of the relationship needs a logged meeting."),
    "RELATIONSHIP-EXPIRED": Code(W, "coordinator", "The relationship's time is over: record its completion (Status Completed and Completion Date)."),
    # reps-coaching
    "COACH-OVER-CAPACITY": Code(E, "coordinator", "Assign the coachee to a coach with room, or end one of the coach's other pairs."),
    "COMMITMENT-DUE": Code(W, "coordinator", "Extend the commitment (Extended Until) or change the coach."),
    "COACH-INACTIVE": Code(W, "coordinator", "Contact the coach; if they are no longer active, change the coachees' coach through the Reps Council."),
    "FEEDBACK-MISSING": Code(W, "coach", "Send in this year's feedback form."),
    # job-embedded
    "AGREEMENT-LATE": Code(E, "coordinator", "Hold the partnership agreement meeting and record it in the milestones (Phase Agreement)."),
    "AGREEMENT-REVIEWS-SHORT": Code(W, "coordinator", "Review the partnership agreement with the coachee and record it in the milestones (Phase Agreement Review)."),
    "PHASE-OUT-OF-ORDER": Code(W, "coach", "Check the phase dates: Orientation, Relationship, Goals and Ongoing Support come in that order."),
    "PHASE-MISSING": Code(W, "coach", "Record in the milestones the date the earlier phase was reached."),
    "MEETING-GAP": Code(W, "coach", "Meet regularly: schedule the next coaching meeting and keep the collaborative log up to date."),
    # the ledger and the delivered payment sheets (coaching_batch/recovery.py)
    "PAYMENT-RECOVERED": Code(W, "coordinator", "Nothing is paid twice; find out why the ledger was behind its payment sheets (lost, replaced or restored from an old copy) and keep state/ backed up."),
    "PAYMENT-SHEET-UNKNOWN-ID": Code(W, "coordinator", "Check the row with finance: a Payment ID this program never issued (typed by hand?) is never recorded or paid."),
    "PAYMENT-DELIVERY-UNCERTAIN": Code(E, "coordinator", "Ask finance whether they received the payment sheet listing this Payment ID; if they did not, void it (`coaching-batch ledger void ID --reason ...`) and the next run pays it."),
    "PAYMENT-SHEET-ROW-MISSING": Code(W, "coordinator", "Ask finance whether the stipend was paid; if it was not, void it (`coaching-batch ledger void ID --reason ...`) and the next run pays it."),
    "PAYMENT-SHEET-UNREADABLE": Code(W, "coordinator", "Close the sheet if it is open in Excel, or put the delivered copy back, so the run can check it."),
    "PAYMENT-SHEET-ELSEWHERE": Code(I, "coordinator", "Keep the output folders; if the ledger is ever lost, rebuild it with `coaching-batch ledger rebuild --from DIR` for each of them."),
    "LEDGER-UNSAFE-LOCATION": Code(W, "coordinator", "Keep the state folder on a local disk (--state) and put only the outputs on the shared drive (--out); see the README."),
}


# The rules that judge a pair on the rows of a table (a feedback form, a milestone): when the inbox held
# no such table (TABLE-MISSING, its topic the table), each says only that none is recorded.
RULES_ON_TABLE_ROWS: dict[str, tuple[str, ...]] = {
    "feedback": ("FEEDBACK-MISSING",),
    "milestones": ("AGREEMENT-LATE", "AGREEMENT-REVIEWS-SHORT", "PHASE-OUT-OF-ORDER", "PHASE-MISSING"),
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    candidate_id: str = ""
    coach_id: str = ""
    fix: str = ""
    actor: str = ""
    program: str = ""  # the pair's program; blank for findings about files and sheets, or rows of no one program's pair
    topic: str = ""  # what it is about, where a pair has several of one rule (a reason, a role, a month)


def finding(rule: str, message: str, *, severity: Severity | None = None, fix: str | None = None,
            actor: str | None = None, **where: str) -> Finding:
    """A finding for catalogue ``rule``, with its default severity, fix and actor."""
    code = CATALOGUE[rule]
    return Finding(
        severity=severity or code.severity,
        rule=rule,
        message=message,
        fix=fix if fix is not None else code.fix,
        actor=actor or code.actor,
        **{k: ("" if v is None else str(v)) for k, v in where.items()},
    )


def sort_key(f: Finding) -> tuple:
    return (SEVERITY_ORDER[f.severity], f.rule, f.file, f.sheet, f.candidate_id, f.coach_id, cell_order(f.cell))


_A1 = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def cell_order(cell: str) -> tuple[int, int, str]:
    """An A1 reference in reading order, row by row (D9 before D10, C10 before D10), not as text
    (D1002 before D102); a blank or other cell text first, as text."""
    a1 = _A1.fullmatch(cell)
    if a1 is None:
        return (0, 0, cell)
    return (int(a1[2]), len(a1[1]), a1[1])
