"""Apply every program's rules to the validated tables and reach each pair's verdict (SPEC §2a, §4).

One run may hold pairs of several programs (the assignments' Program column). Every pair gets its
program's period (:mod:`.periods`), the log entries of all pairs are judged in one pass, and then,
program by program, each family of rules the program's policy names (:data:`FAMILIES`) judges that
program's pairs. The verdicts combine what the families blocked with the program's hour minimums,
what completes a pair, and its stipend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pandas as pd

from .. import settings
from ..contracts import tables as contracts
from ..findings import Finding, Severity, finding
from ..forked import Forked
from ..model import CERTIFICATE_COLUMNS, COACH_COLUMNS, HOURS_BY_MONTH_COLUMNS, NO_REQUEST, PAYMENT_COLUMNS
from ..policy import Policy, Programs, Words, capital
from ..validate import Tables
from . import candidate, coach, logs, mentoring, reps, schedule, school_year
from .dates import day_text
from .judgement import Context, Judgement, latest_meetings
from .pairs import (RosterIds, band_of_topic, bands, build_pairs, certificate_id, id_hint, judge_completion, named_few,
                    no_assignment_text, pair_finding, payment_id, programs_by_pair, roster_emails, unknown_id, unknown_ids, unknown_ids_fix)
from .payment import stipend
from .periods import PERIOD_COLUMNS, PERIOD_DATES, WINDOWS

# Policy section → the family of rules it switches on. The sections not named here are read by the
# verdicts (hours, payment; completion too) or by validation (reading); the window sections are read by
# the periods too.
FAMILIES = {
    "window": schedule.judge_window,
    "completion": judge_completion,
    "relationship": mentoring.judge_relationship,
    "commitment": reps.judge_commitment,
    "coach": coach.judge_coach,
    "candidate": candidate.judge_candidate,
    "mentor_eligibility": mentoring.judge_mentor,
    "mentee_eligibility": mentoring.judge_mentee,
    "monthly_meetings": mentoring.judge_monthly_meetings,
    "capacity": reps.judge_capacity,
    "coach_activity": reps.judge_coach_activity,
    "feedback": reps.judge_feedback,
    "partnership_agreement": school_year.judge_partnership_agreement,
    "phases": school_year.judge_phases,
    "meeting_gap": school_year.judge_meeting_gap,
}


@dataclass
class Evaluation:
    pairs: pd.DataFrame
    entries: pd.DataFrame
    payable: pd.DataFrame  # every payment-eligible stipend (the ledger decides which are new)
    coaches: pd.DataFrame
    hours_by_month: pd.DataFrame
    certificates: pd.DataFrame
    findings: list[Finding]
    programs: dict[str, Policy]  # the programs of the run's pairs, by name


def _by_pair(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` (indexed by pair number) aligned to the rows of ``frame``."""
    return pd.Series(values.reindex(frame["pair"].to_numpy()).to_numpy(), index=frame.index)


def hours(minutes) -> float:
    """Minutes shown as hours with 2 decimals."""
    return round(float(minutes) / 60, 2)


# What the rules read of the entries that count (the totals, the payments, a family's context): a
# copy of these only, not of every column of a million entries.
COUNTED_COLUMNS = ["pair", "kind", "date", "duration", "candidate_id", "coach_id", "_file", "_sheet", "_row", "duration_col"]


def evaluate(tables: Tables, programs: Policy | Programs, as_of: pd.Timestamp, footers: list | None = None,
             issued: pd.DataFrame | None = None, certified: pd.DataFrame | None = None,
             left_out: Mapping[tuple[str, str], int] | None = None, unread: str = "") -> Evaluation:
    """Judge every pair by its own program. ``programs`` is a run's known programs, or one policy
    (then the presets are known too, and that policy is the default). ``issued`` and ``certified``:
    the ledger's payments and certificates, which keep each ID with the coaching it was issued for
    (see :func:`.pairs.bands`). ``left_out``: (candidate ID, coach ID) → the coach-log rows of that
    pair that validation left out for a bad cell (read, though not entries). ``unread``: what a
    TABLE-MISSING adds about the spreadsheets the run skipped for their kind, where the table may be."""
    if isinstance(programs, Policy):
        programs = Programs.of(programs)
    findings: list[Finding] = []
    pairs, pair_findings = build_pairs(tables, programs)
    findings += pair_findings
    pairs = _with_periods(pairs, programs, as_of)
    known = RosterIds(tables["employees"]["employee_id"], tables.set_aside, tables.assignments_aside,
                      roster_emails(tables["employees"]), tables["employees"])

    entries = logs.log_entries(tables)
    large = len(entries) >= settings.PARALLEL_ROWS  # then part of the work below is done by forked copies
    # For a large inbox, the two logs may be judged side by side, one by a forked process.
    entries, entry_findings = logs.judge_both_logs(entries, pairs, known, programs, as_of, may_fork=large)
    findings += entry_findings + logs.label_findings(entries, tables)
    counted = entries.loc[entries["counted"].to_numpy(), COUNTED_COLUMNS]
    # The footers' sums and LOG-MONTH-MISSING both read these, worked out once: a forked copy inherits them.
    left_out_rows = logs.rows_left_out(tables)
    # What needs only the entries and the pairs' IDs is worked out by a forked process meanwhile, for a large inbox.
    aside = Forked(partial(_beside_the_rules, tables, entries, counted, left_out_rows, pairs, known, footers or [], programs),
                   enabled=large)

    # each pair's counted minutes of each log, summed by its number (its position among the pairs), not grouped by pair and kind
    counted_pair, counted_minutes = counted["pair"].to_numpy(), counted["duration"].to_numpy(dtype=np.int64, na_value=0)
    for kind, column in (("candidate_log", "candidate_minutes"), ("coach_log", "coach_contact_minutes")):
        of_kind = (counted["kind"] == kind).to_numpy()
        pairs[column] = np.bincount(counted_pair[of_kind], counted_minutes[of_kind], minlength=len(pairs)).astype(int)
    of_coach_log = ((entries["kind"] == "coach_log") & (entries["pair"] >= 0)).to_numpy()
    coach_entries = entries.loc[of_coach_log, ["pair", "date"]]
    pairs["coach_log_counted"] = pairs["pair"].map(counted.loc[counted["kind"] == "coach_log", "pair"].value_counts()).fillna(0).astype(int)
    pairs["coach_log_read"] = (pairs["pair"].map(coach_entries.groupby("pair").size()).fillna(0).astype(int)
                               + [(left_out or {}).get(key, 0) for key in zip(pairs["candidate_id"], pairs["coach_id"])])
    pairs = _with_feedback_dates(pairs, reps.given_feedback(tables), as_of)
    pairs = _with_coaching_period(pairs, counted)

    # a contact: a coach-log row without an error (zero hours is one: SPEC §4 excludes the row)
    contacts = entries["reason"].to_numpy(dtype=object)[of_coach_log] != "LOG-DURATION-INVALID"  # not by label: a million
    dated = coach_entries[contacts & (coach_entries["date"] <= as_of)]
    last_contact = dated.groupby("pair")["date"].max().reindex(pairs.index)

    judgement = Judgement()
    used: dict[str, Policy] = {}
    judged = pairs[pairs["known_program"] & pairs["judged"]]
    every_latest_meeting = cache(partial(latest_meetings, entries))  # for every program that asks, once
    for name, group in judged.groupby("program", sort=False):
        policy = programs[name]
        context = Context(tables=tables, entries=entries, counted=counted, left_out_rows=left_out_rows, as_of=as_of,
                          policy=policy, last_coach_contact=last_contact, every_latest_meeting=every_latest_meeting)
        for section, judge in FAMILIES.items():
            section_settings = policy.section(section)
            if section_settings is not None:
                judgement.merge(judge(group, section_settings, context))
    for name in pairs.loc[pairs["known_program"], "program"].unique():
        used[name] = programs[name]
    findings += tables_missing(tables, pairs, judgement.needs, programs, unread)
    pairs, verdict_findings = _verdicts(pairs, programs, tables, known, judgement, as_of, issued, certified)
    payable = pairs[pairs["payment_eligible"]]
    payments, coaches, certificates = _payments(payable), _coaches(pairs, tables, judgement, programs), _certificates(pairs, tables, programs, as_of)
    footer_findings, unpaired_findings, hours_by_month = aside.result()
    findings = findings + footer_findings + unpaired_findings + judgement.findings + verdict_findings
    pairs["blocking_errors"] = blocking_errors(pairs, findings)
    return Evaluation(
        pairs=pairs,
        entries=entries,
        payable=payments,
        coaches=coaches,
        hours_by_month=hours_by_month,
        certificates=certificates,
        findings=findings,
        programs=used,
    )


def tables_missing(tables: Tables, pairs: pd.DataFrame, needs: Mapping[str, list[int]], programs: Programs,
                   unread: str = "") -> list[Finding]:
    """TABLE-MISSING (warning, once per table) for a table of which the inbox holds no sheet while some
    pairs' rules read its rows (a job-embedded pair's milestones, a reps pair's feedback round due):
    each of those pairs is judged as having none of its rows, and its own finding (AGREEMENT-LATE,
    FEEDBACK-MISSING) says only that none is recorded. It names the table, the programs and the pairs."""
    findings = []
    for table, needing in needs.items():
        if table not in tables.missing or not needing:
            continue
        needing = pairs.loc[list(dict.fromkeys(needing)), ["program", "candidate_id", "coach_id"]]
        names = " and ".join(programs[name].title or name for name in needing["program"].unique())
        what = PAIR_ROWS[table][0]
        shown = named_few(needing.to_dict("records"), lambda pair: f"{pair['candidate_id']} / {pair['coach_id']}")
        many = len(needing) > 1
        findings.append(finding("TABLE-MISSING",
            f"No {table} table was read from the inbox, though {len(needing)} {names} "
            f"{'pairs need' if many else 'pair needs'} one: {'each' if many else 'it'} is judged as having no {what} "
            f"rows (candidate / coach: {shown}){unread}",
            severity=Severity.WARNING, topic=table,
            program=needing["program"].iloc[0] if needing["program"].nunique() == 1 else "",
            fix=f"Put the workbook with the {contracts()[table].title} sheet in the inbox (`coaching-batch templates` "
                f"writes a blank one), then re-run: until then each of these pairs' findings about its {what} rows "
                f"says only that none is recorded."))
    return findings


def blocking_errors(pairs: pd.DataFrame, findings: list[Finding]) -> pd.Series:
    """Each pair's error rules that hold back its verdicts ("COACH-NOT-QUALIFIED; PAIR-OVERDUE", or ""):
    the errors on the pair itself, which sit at its assignment row (SPEC §4: an error on a pair blocks
    what its rule is about). An error on a log entry, feedback or milestone row excludes that row only,
    so it is not one of them; nor is an error on a pair of the same two people in another program."""
    rules: dict[tuple, list[str]] = {}
    for f in findings:  # a cell's error on the pair's row sets that value aside only
        if f.severity == Severity.ERROR and not f.rule.startswith("CELL-"):
            key = (f.program, f.candidate_id, f.coach_id, f.file, f.sheet, band_of_topic(f.topic))
            rules.setdefault(key, []).append(f.rule)
    keys = zip(pairs["program"], pairs["candidate_id"], pairs["coach_id"], pairs["_file"], pairs["_sheet"], pairs["_band"])
    return pd.Series(["; ".join(dict.fromkeys(rules.get(key, ()))) for key in keys], index=pairs.index, dtype=object)


def _beside_the_rules(tables: Tables, entries: pd.DataFrame, counted: pd.DataFrame, left_out_rows: pd.DataFrame,
                      pairs: pd.DataFrame, known: set[str], footers: list,
                      programs: Programs) -> tuple[list[Finding], list[Finding], pd.DataFrame]:
    """The footers' totals, the feedback and milestone rows without a pair (or of a program keeping
    none), and the hours by month: what needs only the judged entries (and the log rows left out,
    :func:`.logs.rows_left_out`) and the pairs' IDs, not the programs' verdicts."""
    unpaired = (_rows_without_pair(tables, pairs, known) + _rows_no_program_keeps(tables, pairs, programs)
                + _forms_of_unknown_employees(tables, known))
    return logs.check_footers(entries, footers, left_out_rows), unpaired, _hours_by_month(counted, pairs)


def _with_periods(pairs: pd.DataFrame, programs: Programs, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each pair's period, measured by its program's window section (see :mod:`.periods`)."""
    parts = []
    for name, group in pairs[pairs["known_program"]].groupby("program", sort=False):
        policy = programs[name]
        section = policy.window_section
        part = WINDOWS[section](group, policy.section(section), as_of)
        part["implausible_minutes"] = round(policy.hours.implausible_entry_hours * 60)
        parts.append(part)
    unknown = pairs[~pairs["known_program"]]
    if len(unknown):
        blank = pd.DataFrame(index=unknown.index)
        for column in PERIOD_COLUMNS:
            blank[column] = pd.NaT if column in PERIOD_DATES else ""
        blank["judged"], blank["reached_end"] = False, False
        blank["not_judged"] = [f"program {p!r} is not a known program" for p in unknown["program"]]
        blank["implausible_minutes"] = round(programs.default.hours.implausible_entry_hours * 60)
        parts.append(blank)
    if not parts:
        return pairs.assign(**{c: pd.Series(dtype=object) for c in (*PERIOD_COLUMNS, "implausible_minutes")})
    periods = pd.concat(parts).reindex(pairs.index)
    for column in PERIOD_DATES:
        periods[column] = pd.to_datetime(periods[column])
    periods["judged"] = periods["judged"].astype(bool)
    periods["reached_end"] = periods["reached_end"].astype(bool)
    return pd.concat([pairs, periods], axis=1)


def _rows_without_pair(tables: Tables, pairs: pd.DataFrame, known: set[str]) -> list[Finding]:
    """A feedback or milestone row must belong to an assigned pair of people in the roster."""
    findings = []
    assigned = set(zip(pairs["candidate_id"], pairs["coach_id"]))
    program_of = programs_by_pair(pairs)  # a row of an assigned pair's: its program
    for table, (what, _, _) in PAIR_ROWS.items():
        rows = tables[table]
        if rows.empty:
            continue
        cells = tables.cells(rows, "candidate_id")
        coach_cells = tables.cells(rows, "coach_id")
        givers = tables.cells(rows, "employee_id") if "employee_id" in rows else None  # feedback: who gave it
        for i, row in zip(rows.index, rows.to_dict("records")):
            where = dict(file=row["_file"], sheet=row["_sheet"], cell=cells[i],
                         candidate_id=row["candidate_id"], coach_id=row["coach_id"],
                         program=program_of.get((row["candidate_id"], row["coach_id"]), ""))
            if unknown := unknown_ids(row, known):
                # at the cell of the ID not in the roster: the coach's when the candidate is known
                cell = cells[i] if row["candidate_id"] not in known else coach_cells[i]
                findings.append(finding("ID-UNKNOWN", f"{unknown} on the {what} row, not in the roster",
                                        fix=unknown_ids_fix(row, known), **{**where, "cell": cell}))
            elif (row["candidate_id"], row["coach_id"]) not in assigned:
                unassigned, fix = no_assignment_text(row["candidate_id"], row["coach_id"], known, f"{what} row")
                findings.append(finding("LOG-NO-ASSIGNMENT", f"{unassigned}; the {what} row is not used",
                    fix=fix or f"Record the assignment of this pair, or correct the IDs on the {what} row.", **where))
            elif givers is not None and row["employee_id"] not in known:
                findings.append(finding("ID-UNKNOWN",
                    f"{unknown_id('Employee', row['employee_id'], known)}, who gave the {what}, is not in the roster; "
                    f"the {what} row is not used", fix=id_hint(row["employee_id"], known)[1], **{**where, "cell": givers[i]}))
    return findings


# the tables whose rows belong to a pair: a row's words, the policy sections whose rules read them, and
# what a program without those sections keeps none of
PAIR_ROWS = {"feedback": ("feedback", ("feedback",), "feedback round"),
             "milestones": ("milestone", ("partnership_agreement", "phases"), "milestones")}


def _rows_no_program_keeps(tables: Tables, pairs: pd.DataFrame, programs: Programs) -> list[Finding]:
    """A feedback or milestone row of two people assigned only in programs that keep no such rows (ITSS
    keeps no milestones, only reps a feedback round) is not used: one warning per sheet and pair, at
    the first row's Candidate ID, naming the programs (two people assigned in an unknown program are
    not judged at all: its CELL-ENUM says so)."""
    findings = []
    assigned = pairs.groupby(["candidate_id", "coach_id"], sort=False)["program"].unique()
    titles = {policy.name: policy.title or policy.name for policy in programs}
    for table, (what, sections, kept) in PAIR_ROWS.items():
        rows = tables[table]
        if rows.empty:
            continue
        keeping = {policy.name for policy in programs if any(policy.has(section) for section in sections)}
        keeping_none = assigned[[all(name in titles and name not in keeping for name in names) for names in assigned]]
        unused = rows[pd.MultiIndex.from_frame(rows[["candidate_id", "coach_id"]]).isin(keeping_none.index)]
        if unused.empty:
            continue
        keys = ["_file", "_sheet", "candidate_id", "coach_id"]
        sizes = unused.groupby(keys, sort=False).size().to_numpy()  # in order of first row
        first = unused[~unused.duplicated(keys)]
        cells = tables.cells(first, "candidate_id")
        for cell, row, size in zip(cells, first[keys].to_dict("records"), sizes):
            names = keeping_none[(row["candidate_id"], row["coach_id"])]
            named = " and ".join(titles[name] for name in names)
            findings.append(finding(
                "LOG-NOT-KEPT",
                f"Candidate {row['candidate_id']} and coach {row['coach_id']} are assigned in {named}, which "
                f"keep{'s' if len(names) == 1 else ''} no {kept}; {size} {what} row{'' if size == 1 else 's'} not used",
                file=row["_file"], sheet=row["_sheet"], cell=cell,
                candidate_id=row["candidate_id"], coach_id=row["coach_id"], program=names[0] if len(names) == 1 else ""))
    return findings


# a form whose employee must be in the roster: table → (its ID column, the ID's words, the form's words)
_FORMS = {"recommendations": ("prospective_coach_id", "Prospective Coach", "recommendation form"),
          "requests": ("employee_id", "Employee", "coaching request")}


def _forms_of_unknown_employees(tables: Tables, known: RosterIds) -> list[Finding]:
    """A recommendation form or a coaching request naming an ID not in the roster counts for no one:
    ID-UNKNOWN at its cell (it was left out unsaid, and the coach then lacked a recommendation, or the
    candidate a request, with nothing pointing at the form)."""
    findings = []
    for table, (column, role, what) in _FORMS.items():
        rows = tables[table]
        if rows.empty:
            continue
        missing = ~rows[column].isin(known)
        if not missing.any():
            continue
        rows = rows[missing]
        cells = tables.cells(rows, column)
        for i, row in zip(rows.index, rows[[column, "_file", "_sheet"]].to_dict("records")):
            findings.append(finding(
                "ID-UNKNOWN", f"{unknown_id(role, row[column], known)} on the {what} is not in the roster; the {what} is not counted",
                fix=id_hint(row[column], known)[1],
                file=row["_file"], sheet=row["_sheet"], cell=cells[i]))
    return findings


def _with_feedback_dates(pairs: pd.DataFrame, feedback: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The latest feedback received from each side of the pair (dates only: the forms are confidential)."""
    received = feedback[feedback["feedback_date"] <= as_of]
    latest = received.groupby(["candidate_id", "coach_id", "role"])["feedback_date"].max()
    keys = pd.MultiIndex.from_arrays([pairs["candidate_id"].astype(object), pairs["coach_id"].astype(object)])
    for role, column in (("Coach", "feedback_coach_date"), ("Coachee", "feedback_coachee_date")):
        of_role = latest.xs(role, level="role") if len(latest) and role in latest.index.get_level_values("role") else pd.Series(dtype="datetime64[ns]")
        pairs[column] = pd.to_datetime(pd.Series(of_role.reindex(keys).to_numpy() if len(of_role) else pd.NaT, index=pairs.index))
    return pairs


# The columns the verdicts read (a pair has many more).
VERDICT_COLUMNS = [
    "program", "known_program", "judged", "not_judged", "candidate_id", "candidate_name", "coach_id", "coach_name",
    "status", "goals_attained", "reached_end", "completion_date", "payment_request_date", "candidate_minutes",
    "coach_contact_minutes", "coach_log_counted", "coach_log_read", "window_end", "end_label", "_file", "_sheet",
]


def _hours_short_fix(pair: Mapping, as_of: pd.Timestamp) -> str | None:
    """COMPLETION-HOURS-SHORT's fix: the catalogue's ("document the minimum hours before completion")
    while hours can still be logged; once the pair's window has closed or it is marked Completed, what
    is still possible: a session held and not logged."""
    closed = pd.notna(pair["window_end"]) and pair["window_end"] < as_of
    if not closed and pair["status"] != "Completed":
        return None
    if closed:
        why = f"{capital(pair['end_label'])} ({day_text(pair['window_end'])}) has passed: no hours after it count"
    else:
        why = "The pair is already marked Completed"
    return (f"{why}. Check the candidate log with the coordinator for sessions held {'by then ' if closed else ''}"
            "that are not in it; if none is missing, the minimum was not met and the pair cannot be completed with "
            "these hours.")


def _verdicts(pairs: pd.DataFrame, programs: Programs, tables: Tables, known: set[str], judgement: Judgement,
              as_of: pd.Timestamp, issued: pd.DataFrame | None = None, certified: pd.DataFrame | None = None):
    findings = []
    completion_eligible, payment_eligible, reasons, amounts, bases = [], [], [], [], []
    roster: dict | None = None  # coach → roster row, read only when a stipend is worked out
    for i, pair in zip(pairs.index, pairs[VERDICT_COLUMNS].to_dict("records")):
        if not pair["known_program"] or not pair["judged"]:
            completion_eligible.append(False)
            payment_eligible.append(False)
            reasons.append(pair["not_judged"])
            amounts.append(np.nan)
            bases.append("")
            continue
        policy = programs[pair["program"]]
        need_candidate = policy.candidate_minimum_minutes
        why: list[str] = []
        for role, key in ((policy.words.candidate, "candidate_id"), (policy.words.coach, "coach_id")):  # mentee, mentor …
            if pair[key] in known.set_aside:
                why.append(f"{role} ID {pair[key]}: its roster row has an error ({known.set_aside[pair[key]]})")
            elif pair[key] not in known:
                why.append(f"{role} ID {pair[key]} not in the roster")
        # An ID not in the roster keeps every log entry of the pair from counting: its ID-UNKNOWN is what
        # to fix, not hours for the candidate or the coach to log (they may have logged them all).
        hours_known = not why
        if need_candidate is not None and pair["candidate_minutes"] < need_candidate:
            why.append(f"candidate hours {hours(pair['candidate_minutes']):.2f} < {policy.hours.candidate_minimum:g}")
        ended = pair["reached_end"] and _completes_at_end(policy)  # the period's end completes the pair
        if policy.completion.requires == "goals attained":
            if not pair["goals_attained"]:
                why.append("goals not attained")
        elif pair["status"] not in ("Completed", "Withdrawn") and not ended:
            why.append(f"status is {pair['status']}, not Completed")  # Withdrawn: "withdrawn" below says it
        why += judgement.completion.get(i, [])
        # typed ahead: not done yet, unless the period ended first (a mentoring relationship's 12 months)
        if pd.notna(pair["completion_date"]) and pair["completion_date"] > as_of and not ended:
            why.append(f"completion date {day_text(pair['completion_date'])} is after the as-of date {day_text(as_of)}")
        if pair["status"] == "Withdrawn":
            why.append("withdrawn")
        complete = not why

        if (need_candidate is not None and hours_known and (pair["status"] == "Completed" or pair["goals_attained"])
                and pair["candidate_minutes"] < need_candidate):
            findings.append(pair_finding("COMPLETION-HOURS-SHORT", pair,
                f"Marked {'Completed' if pair['status'] == 'Completed' else 'goals attained'} but the candidate log counts "
                f"{hours(pair['candidate_minutes']):.2f} h of the {policy.hours.candidate_minimum:g} h needed",
                fix=_hours_short_fix(pair, as_of)))

        pay_why, amount, basis = _payment_problems(pair, policy, why, judgement.payment.get(i, []), findings, as_of,
                                                   hours_known)
        pays = policy.payment is not None
        # payable now, or once the coach's signed form is in (the notice tells the coach the amount)
        if pays and complete and (not pay_why or pay_why == [NO_REQUEST]):
            coach_row = {}
            if any(tier.when is not None for tier in policy.payment.tiers):  # a condition on the coach's roster row
                if roster is None:
                    roster = tables["employees"].drop_duplicates("employee_id").set_index("employee_id").to_dict("index")
                coach_row = roster.get(pair["coach_id"], {})
            amount, basis = stipend(policy.payment, _paid_minutes(pair, policy), coach_row)
            if amount <= 0:
                pay_why.append(basis)
        completion_eligible.append(complete)
        payment_eligible.append(pays and complete and not pay_why)
        reasons.append("; ".join(why + pay_why))
        amounts.append(amount)
        bases.append(basis)

    pairs = pairs.assign(
        completion_eligible=pd.Series(completion_eligible, index=pairs.index, dtype=bool),
        payment_eligible=pd.Series(payment_eligible, index=pairs.index, dtype=bool),
        reasons=pd.Series(reasons, index=pairs.index, dtype=object),
        amount=pd.Series(amounts, index=pairs.index, dtype=float),
        amount_basis=pd.Series(bases, index=pairs.index, dtype=object),
    )
    pairs["candidate_hours"] = pairs["candidate_minutes"].map(hours)
    pairs["coach_contact_hours"] = pairs["coach_contact_minutes"].map(hours)
    for column, minimum, done in (("candidate_hours_needed", "candidate_minimum_minutes", "candidate_minutes"),
                                  ("coach_contact_hours_needed", "coach_contact_minimum_minutes", "coach_contact_minutes")):
        need = pairs["program"].map({p.name: getattr(p, minimum) for p in programs}).astype(float)
        pairs[column] = (need - pairs[done]).clip(lower=0).map(lambda m: np.nan if pd.isna(m) else hours(m))
    who = list(zip(pairs["program"], pairs["candidate_id"], pairs["coach_id"], bands(pairs, issued, certified)))
    # a Payment ID only where a stipend may be paid: on a program that pays none it reads as one to finance
    pays = pairs["program"].map({p.name: p.payment is not None for p in programs}).fillna(False).astype(bool)
    pairs["payment_id"] = [payment_id(*key) if paying else None for key, paying in zip(who, pays)]
    pairs["certificate_id"] = [certificate_id(*key) for key in who]
    pairs["paid_on"] = pd.NaT
    return pairs, findings


def _completes_at_end(policy: Policy) -> bool:
    """Whether the program counts a pair whose period reached its end as completed (mentoring)."""
    return bool(getattr(policy.section(policy.window_section), "completes_at_end", False))


def _paid_minutes(pair: dict, policy: Policy) -> int:
    return pair["candidate_minutes"] if policy.payment.hours == "candidate" else pair["coach_contact_minutes"]


def _payment_problems(pair: dict, policy: Policy, not_complete: list[str], blocked: list[str], findings: list[Finding],
                      as_of: pd.Timestamp, hours_known: bool):
    """Why a pair is not payable (besides completion: ``not_complete``, why it is not complete), with the
    PAYMENT-* findings. A program that pays no stipend has nothing to say here: its pairs are simply never payable.
    ``hours_known`` False: an ID of the pair is not in the roster, so none of its entries count and
    PAYMENT-CONTACT-SHORT would send the coach to log hours already logged."""
    payment = policy.payment
    if payment is None:
        return [], np.nan, ""
    pay_why = list(blocked)
    need_coach = policy.coach_contact_minimum_minutes
    request = pair["payment_request_date"]
    requested = pd.notna(request) and request <= as_of  # one dated after the run's date is not in yet
    if need_coach is not None and pair["coach_contact_minutes"] < need_coach:
        pay_why.append(f"coach contact hours {hours(pair['coach_contact_minutes']):.2f} < {policy.hours.coach_contact_minimum:g}")
        if requested and hours_known:
            findings.append(pair_finding("PAYMENT-CONTACT-SHORT", pair,
                f"Payment requested but the coach log counts {hours(pair['coach_contact_minutes']):.2f} contact hours "
                f"of the {policy.hours.coach_contact_minimum:g} needed"))
    if payment.requires_coach_log and pair["coach_log_counted"] == 0:
        read = pair["coach_log_read"]
        pay_why.append("no coach log received" if not read else
                       f"no counted coach-log entry ({read} read, none counted: see the Exceptions)")
    if payment.requires_payment_request and not requested:
        pay_why.append(NO_REQUEST if pd.isna(request) else
                       f"the Request for Payment is dated {day_text(request)}, after the as-of date {day_text(as_of)}")
    if requested and not_complete:
        findings.append(pair_finding("PAYMENT-NOT-COMPLETE", pair,
            f"Payment requested on {pair['payment_request_date']:%Y-%m-%d} but the pair is not eligible for completion: "
            + "; ".join(not_complete)))
    return pay_why, np.nan, ""


def _with_coaching_period(pairs: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """The period the stipend's paperwork states, worked out once: the payment sheet's Start and End
    Date, the payment documentation's Period and the Request for Payment's "from … to …". It runs from
    the planning meeting (else the period's start) to the completion date or the last counted entry
    of either log, whichever is later: an entry dated after the completion but within the window
    (ITSS counts up to the deadline) is in the hours paid, so it is in the period they are paid for."""
    last_entry = _by_pair(pairs, counted.groupby("pair")["date"].max())
    pairs["coaching_from"] = pairs["planning_meeting_date"].fillna(pairs["start"])
    pairs["coaching_to"] = pairs["completion_date"].where(~(last_entry > pairs["completion_date"]), last_entry).fillna(last_entry)
    return pairs


def _payments(payable: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "payment_id": payable["payment_id"],
        "coach_id": payable["coach_id"],
        "coach_name": payable["coach_name"],
        "candidate_id": payable["candidate_id"],
        "candidate_name": payable["candidate_name"],
        "start_date": payable["coaching_from"],
        "end_date": payable["coaching_to"],
        "coach_contact_hours": payable["coach_contact_hours"],
        "candidate_hours": payable["candidate_hours"],
        "amount": payable["amount"],
        "program": payable["program"],
        "amount_basis": payable["amount_basis"],
    })
    return frame[PAYMENT_COLUMNS].sort_values(["program", "coach_id", "candidate_id"]).reset_index(drop=True)


# A coach's Qualified: for every pair the rules judged, for none, or for some of them only.
QUALIFIED, NOT_QUALIFIED, QUALIFIED_FOR_SOME = "Yes", "No", "For some pairs"


def _coaches(pairs: pd.DataFrame, tables: Tables, judgement: Judgement, programs: Programs) -> pd.DataFrame:
    """One row per program and coach: the roster facts, whether the coach qualifies for their pairs
    (QUALIFIED, NOT_QUALIFIED or QUALIFIED_FOR_SOME) and why not (see :func:`coach_reasons`)."""
    roster = tables["employees"].drop_duplicates("employee_id").set_index("employee_id")
    recs = coach.recommendation_counts(tables["recommendations"])
    judged = pairs[pairs["known_program"]]
    coaches = roster.index.intersection(judged["coach_id"].dropna().unique())  # not the whole roster
    people = roster.loc[coaches, ["name", "grade", "hire_date", "pgs_status", "coach_training_date"]].to_dict("index")
    received = recs.to_dict("index")
    judged_pair = judged["judged"].to_numpy(dtype=bool)
    rows = []
    for (program, coach_id), positions in sorted(judged.groupby(["program", "coach_id"], sort=True).indices.items()):
        policy = programs[program]
        positions = sorted(positions)
        by_pair = {i: [r.split(": ", 1)[-1] for r in judgement.coach.get(i, [])]
                   for i, judged_here in zip(judged.index[positions], judged_pair[positions]) if judged_here}
        unqualified = sum(1 for reasons in by_pair.values() if reasons)
        person = people.get(coach_id)
        rules = policy.section("coach")
        complete = None
        if rules is not None and (rules.supervisor_recommendations or rules.colleague_recommendations):
            counts = received.get(coach_id)
            complete = counts is not None and counts["supervisors"] >= rules.supervisor_recommendations and counts["colleagues"] >= rules.colleague_recommendations and not (rules.reject_not_recommended and counts["not_recommended"])
        rows.append({
            "program": program,
            "coach_id": coach_id,
            "coach_name": None if person is None else person["name"],
            "grade": None if person is None else person["grade"],
            "hire_date": None if person is None else person["hire_date"],
            "pgs_status": None if person is None else person["pgs_status"],
            "coach_training_date": None if person is None else person["coach_training_date"],
            "recommendations_complete": complete,
            "qualified": (NOT_QUALIFIED if person is None or (by_pair and unqualified == len(by_pair))
                          else QUALIFIED_FOR_SOME if unqualified else QUALIFIED),
            "reasons": (coach_reasons(by_pair, judged["candidate_id"], policy.words.candidate) if person is not None
                        else "not in the roster"),
        })
    return pd.DataFrame(rows, columns=COACH_COLUMNS)


def coach_reasons(by_pair: dict[int, list[str]], candidate_of: pd.Series, candidate_word: str) -> str:
    """A coach's reasons (``by_pair``: each judged pair's reasons against the coach), each once: one
    that holds for every pair as it is, one that holds for some pairs only naming their candidates
    ("for candidate 1002: grade 23 is below the candidate's target grade 25")."""
    holds_for: dict[str, list[str]] = {}
    for i, reasons in by_pair.items():
        for reason in reasons:
            holds_for.setdefault(reason, []).append(str(candidate_of[i]))
    texts = []
    for reason, candidates in holds_for.items():
        if len(candidates) == len(by_pair):
            texts.append(reason)
        else:
            who = list(dict.fromkeys(candidates))
            texts.append(f"for {candidate_word}{'s' if len(who) > 1 else ''} {', '.join(who)}: {reason}")
    return "; ".join(texts)


def _hours_by_month(counted: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    if counted.empty:
        return pd.DataFrame(columns=HOURS_BY_MONTH_COLUMNS)
    # Each distinct month is written as text once, not once per entry (in date order: sort=True).
    codes, months = pd.factorize(counted["date"].to_numpy().astype("datetime64[M]"), sort=True)
    month = pd.Categorical.from_codes(codes, categories=np.datetime_as_string(months, unit="M"))
    # Summed by pair number first (a million entries grouped on integers), then by the pair's program
    # and IDs (a pair assigned twice in one program is one candidate and coach; in two, two rows).
    by_pair = counted.assign(month=month).groupby(["pair", "kind", "month"], observed=True)["duration"].sum().reset_index()
    by_pair["hundredths"] = _month_hundredths(by_pair)
    table = (
        by_pair.merge(pairs[["pair", "program", "candidate_id", "coach_id"]], on="pair")
        .groupby(["program", "candidate_id", "coach_id", "month", "kind"], observed=True)["hundredths"].sum()
        .unstack("kind", fill_value=0)
    )
    table = table.reindex(columns=["candidate_log", "coach_log"], fill_value=0).reset_index()
    table["month"] = table["month"].astype(str)
    table["candidate_hours"] = table["candidate_log"] / 100
    table["coach_contact_hours"] = table["coach_log"] / 100
    return table[HOURS_BY_MONTH_COLUMNS].sort_values(["candidate_id", "coach_id", "program", "month"]).reset_index(drop=True)


def _month_hundredths(by_pair: pd.DataFrame) -> pd.Series:
    """Each month's minutes of a pair and log (rows in month order) as hundredths of an hour that add up
    to the pair's total as the Pairs sheet prints it: each month is the rounded running total less the
    one before, so it is within 0.01 h of its own hours, and the months of a pair never add up to 0.01
    more or less than its total (20 minutes in each of two months are 0.33 and 0.34, the 0.67 of 40)."""
    running = by_pair.groupby(["pair", "kind"], observed=True)["duration"].cumsum().astype("int64")
    shown = (running * 10 + 3) // 6  # round(minutes / 60, 2) in hundredths, as hours() rounds (never a tie)
    return shown - shown.groupby([by_pair["pair"], by_pair["kind"]], observed=True).shift(fill_value=0)


def _certificates(pairs: pd.DataFrame, tables: Tables, programs: Programs, as_of: pd.Timestamp) -> pd.DataFrame:
    """A certificate for each Completed, completion-eligible pair; one whose completion date is typed ahead
    (a mentoring relationship complete at its 12 months) waits for a run on or after that date."""
    done = pairs[(pairs["status"] == "Completed") & pairs["completion_eligible"] & ~(pairs["completion_date"] > as_of)]
    roster = tables["employees"].drop_duplicates("employee_id").set_index("employee_id")
    supervisor_of = roster["supervisor_id"]
    names = roster["name"]
    rows = []
    words = {policy.name: policy.words for policy in programs}
    columns = ["program", "candidate_id", "candidate_name", "coach_id", "coach_name", "completion_date", "certificate_id"]
    for pair in done[columns].to_dict("records"):
        supervisor = supervisor_of.get(pair["candidate_id"])
        supervisor_name = names.get(supervisor) if isinstance(supervisor, str) else None
        said = words.get(pair["program"]) or Words()  # mentee and mentor, coachee and coach …
        rows.append({
            "program": pair["program"],
            "candidate_id": pair["candidate_id"], "candidate_name": pair["candidate_name"],
            "coach_id": pair["coach_id"], "coach_name": pair["coach_name"],
            "completion_date": pair["completion_date"],
            "send_to": (f"{supervisor_name} (supervisor, {supervisor})" if supervisor_name
                        else f"the {said.candidate}'s supervisor (not recorded in the roster)"),
            "copies_to": f"{pair['candidate_name']} ({said.candidate}); {pair['coach_name']} ({said.coach})",
            "certificate_id": pair["certificate_id"],
            "issued_on": pd.NaT,  # the ledger fills in an earlier issue
            "file": None,  # the PDF a run writes for a certificate it issues
        })
    return pd.DataFrame(rows, columns=CERTIFICATE_COLUMNS)
