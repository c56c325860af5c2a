"""Log entries: which count towards a pair's hours, and why the others do not (SPEC §4, Logs).

Every entry of the coach log and the candidate log is matched to its pair and given at most one
reason not to count, in this order: unknown person, no assignment, zero or negative duration,
dated after the as-of date, outside the pair's window, a repeat of an entry already read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from functools import partial
from string import ascii_uppercase

import numpy as np
import pandas as pd

from .. import values
from ..contracts import tables as table_contracts
from ..findings import DUPLICATE_REPEATS, TOTAL_MISMATCH_SUMS, Finding, finding
from ..forked import Forked
from ..inbox import copy_name_length
from ..policy import Programs, Words
from ..read import SAVE_TO_CALCULATE, Footer, FormulaError, Label, UncalculatedFormula
from ..recognise import is_blank
from ..validate import ID_ALONE, Tables
from .dates import day_text, hours_text
from .mentoring import meeting_before_agreement_fix
from .pairs import RosterIds, id_beside, named_few, no_assignment_text, roster_emails, unknown_ids, unknown_ids_fix

LOG_KINDS = {"coach_log": "coach log", "candidate_log": "candidate log"}

# The entries' `kind`: one of two names on each of up to a million entries, kept as a category so
# that the rules compare and group it as small whole numbers rather than as text, again and again
# (its categories in the order the names sort in, so that a sort by kind is as by the text).
KIND = pd.CategoricalDtype(sorted(LOG_KINDS))


def log_name(kind: str, words: Words) -> str:
    """A log as the pair's program calls it (``words``): a mentoring pair's coach log is its mentor log,
    a reps pair's candidate log its coachee log; with the default words, as :data:`LOG_KINDS` says."""
    return f"{words.coach if kind == 'coach_log' else words.candidate} log"


def log_entries(tables: Tables) -> pd.DataFrame:
    """Both logs as one frame with a `kind` column, in reading order, each entry with its cells.

    A sheet that names its pair above the table (the paper form) gets those IDs on every row that
    has none; a name is looked up in the roster (see :func:`resolve_labels`).
    """
    parts = []
    for kind in LOG_KINDS:
        table = tables[kind]
        codes = np.full(len(table), KIND.categories.get_loc(kind), dtype=np.int8)
        parts.append(table.assign(kind=pd.Categorical.from_codes(codes, dtype=KIND)))  # copy-on-write: the table is not copied
    entries = pd.concat(parts, ignore_index=True)
    for column in ("contact_type", "activity_type", "description"):
        if column not in entries:
            entries[column] = None
    # Each entry's sheet column letters; a finding joins letter and row (A1) only for its own entry.
    for name, column in (("date_col", "date"), ("duration_col", "duration"), ("id_col", "candidate_id"),
                         ("coach_col", "coach_id"), ("row_col", "")):
        entries[name] = _letters(tables, entries, column)
    for role in ("candidate", "coach"):  # whether the entry's sheet has the role's ID column
        present = np.array([f"{role}_id" in source.columns for source in tables.sources] or [False])
        entries[f"{role}_column"] = present[entries["_src"].to_numpy(dtype=np.int64)]
    return _fill_from_labels(entries, tables)


def rows_left_out(tables: Tables) -> pd.DataFrame:
    """Both logs' rows that validation left out for a bad cell, as a `Total Hours` footer counts them
    (see :func:`check_footers`): where each came from, its kind, its pair (named above the table too),
    its date and its duration (missing where blank or unreadable)."""
    parts = [tables.left_out[kind].assign(kind=kind) for kind in LOG_KINDS if kind in tables.left_out]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"_src": pd.Series(dtype=np.int64)})
    for column in ("_file", "_sheet", "_row", "kind", "candidate_id", "coach_id", "date", "duration"):
        if column not in rows:
            rows[column] = None
    return _fill_from_labels(rows, tables, set(rows["_src"].tolist()))


def _letters(tables: Tables, entries: pd.DataFrame, column: str) -> pd.Categorical:
    """The sheet column letter of ``column`` on each row (the sheet's first table column when absent)."""
    positions = [s.columns.get(column, min(s.columns.values(), default=0)) for s in tables.sources]
    letter_of = {position: values.column_letter(position) for position in set(positions)}
    letters = [letter_of[position] for position in positions] or ["A"]
    return _of_sheet(np.array(letters, dtype=object), entries["_src"].to_numpy(dtype=np.int64))


def _of_sheet(per_source: np.ndarray, src: np.ndarray) -> pd.Categorical:
    """Each row's value of its sheet (``per_source``, by source number ``src``) as a category: a
    million rows take one of a few values, numbered, not a million texts."""
    distinct, codes = np.unique(per_source, return_inverse=True)
    return pd.Categorical.from_codes(codes[src], categories=distinct)


def resolve_labels(tables: Tables, sources: Collection[int] | None = None) -> dict[tuple[int, str], tuple[str | None, str, str, str | None]]:
    """(source, role) → (employee ID or None, rule, message, fix or None: the catalogue's) for every
    log labelled above its table (of ``sources`` only, when given).

    An ID label is read as an ID; a name label is matched against the roster's names as
    :func:`values.name_keys` compares them. A name no employee has is `ID-UNKNOWN` (naming the roster's
    employee it looks like, see :func:`_near_names`), one that two employees share is `NAME-AMBIGUOUS`;
    a name typed with an ID beside it (`Kim Lee (200)`, see :func:`_name_with_id`) is that employee when
    the ID is one of the name's employees, and `ID-UNKNOWN` saying whose each is when it is not;
    an ID label's value that is no ID (a date: an ID typed in a date-formatted cell), or a value showing
    a formula's error or saved without its result (see :class:`.read.FormulaError`), is `CELL-TYPE`, as
    in an ID column. The rule and message are empty when the ID was found (an ID the roster lacks is
    the log's `ID-UNKNOWN`, as for its ID columns).
    """
    labelled = [(src, role, label) for src, source in enumerate(tables.sources) for role, label in source.labels.items()
                if sources is None or src in sources]
    if not labelled:
        return {}
    roster = tables["employees"]
    people = roster[["employee_id", "name"]]
    aside = tables.left_out.get("employees")
    if aside is not None and len(aside):  # a roster row left out for a bad cell is still that employee's name
        aside = aside.loc[aside["employee_id"].isin(list(tables.set_aside)), ["employee_id", "name"]]
        people = pd.concat([people, aside], ignore_index=True)
    by_name = pd.DataFrame({"name": values.name_keys(people["name"]).to_numpy(), "id": people["employee_id"].to_numpy()})
    by_name = by_name.dropna().drop_duplicates()
    shared = by_name["name"].duplicated(keep=False).to_numpy()
    ids_of = {name: [employee_id] for name, employee_id in zip(by_name["name"][~shared], by_name["id"][~shared])}
    for name, employee_id in zip(by_name["name"][shared], by_name["id"][shared]):  # the few shared names
        ids_of.setdefault(name, []).append(employee_id)
    # Every label's value read at once: an inbox may hold 10,000 paper logs.
    typed = pd.Series([None if isinstance(label.value, FormulaError) else label.value for _, _, label in labelled], dtype=object)
    is_id = pd.Series([label.kind == "id" for _, _, label in labelled])
    as_ids = values.parse_ids(typed.where(is_id, None)).values.astype(object)
    as_names = values.name_keys(typed.where(~is_id, None)).astype(object)
    unfound = [i for i, (label, name) in enumerate(zip(labelled, as_names))
               if label[2].kind != "id" and label[2].value is not None and (pd.isna(name) or name not in ids_of)]
    with_ids = _name_with_id(as_names.iloc[unfound], ids_of) if unfound else {}  # `Kim Lee (200)`
    name_of = dict(zip(people["employee_id"], values.normalise_text(people["name"]))) if with_ids else {}
    unfound = [i for i in unfound if i not in with_ids]
    hints = _near_names(typed.iloc[unfound], roster) if unfound else {}
    resolved = {}
    ambiguous: dict[tuple[int, str], list[str]] = {}  # a label naming a name two employees share → their IDs
    for i, ((src, role, label), employee_id, name) in enumerate(zip(labelled, as_ids, as_names)):
        if label.value is None:  # left unfilled: its empty cell
            resolved[src, role] = (None, "CELL-REQUIRED", _unfilled_label(role, label), _unfilled_fix(role, label))
            continue
        shown = f"{_label_words(role, label)} {str(label.value).strip()!r} above the {{log}}"
        if isinstance(label.value, FormulaError):
            resolved[src, role] = (None, "CELL-TYPE", _label_formula(role, label), _label_fix(label.value))
            continue
        if label.kind == "id":  # an ID the roster lacks, or has on a row left out, is the log's ID-UNKNOWN
            resolved[src, role] = ((None, "CELL-TYPE", f"{shown} is not an ID", ID_ALONE) if pd.isna(employee_id)
                                   else (str(employee_id), "", "", None))
            continue
        found = [] if pd.isna(name) else ids_of.get(name, [])
        if i in with_ids:
            found, typed_id = with_ids[i]
            if typed_id not in found:  # the name is one employee's, the ID another's (or no one's): neither is taken
                resolved[src, role] = (None, "ID-UNKNOWN", f"{shown} is a name and an ID that disagree: "
                                       f"{_disagreeing(found, typed_id, name_of)}", _disagreeing_fix(found, typed_id, name_of, role))
                continue
            found = [typed_id]
        aside_at = {employee_id: tables.set_aside[employee_id] for employee_id in found if employee_id in tables.set_aside}
        if len(found) == 1 and not aside_at:
            resolved[src, role] = (str(found[0]), "", "", None)
        elif not found:
            note, fix = hints.get(i, ("", None))
            resolved[src, role] = (None, "ID-UNKNOWN", f"{shown} is not a name in the roster{note}",
                                   fix and fix.format(role=role.capitalize()))
        elif len(found) == 1:
            where = aside_at[found[0]]
            resolved[src, role] = (None, "ID-UNKNOWN", f"{shown} is the name of employee {found[0]}, whose roster row is left out "
                                   f"for the error at {where}", f"Fix the cell {where} (its own finding says how): the name is then found.")
        else:
            listed = ", ".join(f"{e} (its roster row is left out for the error at {aside_at[e]})" if e in aside_at else str(e)
                               for e in found)
            resolved[src, role] = (None, "NAME-AMBIGUOUS", f"{shown} is the name of {len(found)} employees in the roster ({listed})", None)
            ambiguous[src, role] = found
    for (src, role), found in ambiguous.items():  # once the log's other person is known
        other = resolved.get((src, _OTHER_ROLE[role]), (None,))[0]
        resolved[src, role] = (*resolved[src, role][:3], _assigned_one(found, role, other, tables))
    return resolved


_OTHER_ROLE = {"candidate": "coach", "coach": "candidate"}


def _label_words(role: str, label: Label) -> str:
    """A label above a log as its findings name it: `Candidate name`, `Coach ID`."""
    return f"{role.capitalize()} {'ID' if label.kind == 'id' else 'name'}"


def _unfilled_label(role: str, label: Label) -> str:
    """The message of a label above a log left unfilled (``{log}``: the log's kind)."""
    return f"{_label_words(role, label)} above the {{log}} is empty, so the log names no {role}"


def _unlabelled(role: str) -> str:
    """The message of a log naming its other person above it but not this one, in no way (``{log}``: the log's kind)."""
    return f"The {{log}} names no {role} (add a {_ROLE_WORDS[role]} column, or {role.capitalize()} Name above the table)"


def _unfilled_fix(role: str, label: Label) -> str:
    """What to type in the empty cell of a label above a log."""
    return f"Type the {role}'s {'employee ID' if label.kind == 'id' else 'name'} in the cell, as the roster has it."


def _assigned_one(found: list[str], role: str, other: str | None, tables: Tables) -> str | None:
    """The fix of a name that ``found`` employees share, where exactly one of them is assigned with
    the log's other person (``other``: that one's ID, None when not found): that one's ID to type
    (None: the catalogue's fix). A suggestion only: the log is not counted until an ID is typed."""
    if other is None:
        return None
    assignments = tables["assignments"]
    assigned = sorted(set(assignments.loc[assignments[f"{_OTHER_ROLE[role]}_id"] == other, f"{role}_id"]) & set(found))
    if len(assigned) != 1:
        return None
    return (f"Two employees share this name; the one assigned with {_OTHER_ROLE[role]} {other} is {assigned[0]}: if that is "
            f"who is meant, label the row {role.capitalize()} ID: and type {assigned[0]} for the name.")


def _near_names(typed: pd.Series, roster: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """For names above a log that are no roster name (position → value typed), what the roster has
    that each looks like, as the finding's message names it, and its fix: the same words in another
    order, or without a title or a middle initial (`Reyes, Jordan`, `Dr. Jordan Reyes`, `Jordan M.
    Reyes` for `Jordan Reyes`); an employee's ID or email typed for the name. Named only, never
    matched: the coordinator corrects it."""
    employees = pd.DataFrame({"id": roster["employee_id"], "name": values.normalise_text(roster["name"])})
    employees = employees.dropna(subset=["id", "name"]).astype({"id": object, "name": object})
    employees["words"] = values.name_words(values.name_keys(employees["name"]))
    name_of = dict(zip(employees["id"], employees["name"]))
    by_email = {email: employee_id for email, employee_id in roster_emails(roster).items() if employee_id in name_of}
    by_words: dict[str, list[str]] = {}
    for employee_id, key in zip(employees["id"], employees["words"]):
        if isinstance(key, str) and key:
            by_words.setdefault(key, []).append(employee_id)
    hints = {}
    typed_ids = values.parse_ids(typed).values
    for position, value, key, employee_id in zip(typed.index, typed, values.name_words(values.name_keys(typed)), typed_ids):
        if (pd.isna(employee_id) or employee_id not in name_of) and (beside := id_beside(str(value))) is not None:
            employee_id = beside.employee_id  # "Kim Candidate (200)", "Kim Candidate #200": the ID typed beside the name
        if not pd.isna(employee_id) and employee_id in name_of:
            hints[position] = (f" ({employee_id} is the employee ID of {name_of[employee_id]})",
                               f"Type the name as the roster has it, {name_of[employee_id]}, or label the ID {{role}} ID:.")
        elif isinstance(value, str) and (email := by_email.get(value.strip().casefold())) is not None:
            hints[position] = (f" (the roster's email of {name_of[email]}, {email})",
                               _name_or_id_fix(name_of[email], email))
        elif isinstance(key, str) and key in by_words:
            near = by_words[key]
            if len(near) == 1:
                hints[position] = (f" (the roster has {name_of[near[0]]}, {near[0]})",
                                   _name_or_id_fix(name_of[near[0]], near[0]))
            else:
                listed = named_few([f"{name_of[e]} ({e})" for e in near], str)
                hints[position] = (f" (the roster has {listed})",
                                   "Type the ID of the one meant beside {role} ID:, or the name as the roster has it.")
    return hints


def _name_or_id_fix(name: str, employee_id: str) -> str:
    """What to type for a name above a log that looks like the roster's ``name`` (``{role}``: the label's role)."""
    return f"Type the name as the roster has it, {name}, or the ID {employee_id} beside {{role}} ID:."


def _name_with_id(keys: pd.Series, ids_of: dict[str, list[str]]) -> dict[int, tuple[list[str], str]]:
    """For name keys above a log that are no roster name (position → key), those that are a roster name
    with an ID typed beside it (`Kim Lee (200)`, `Kim Lee #200`, `Kim Lee - 200`, `200 Kim Lee`):
    position → (the IDs of the employees of that name, the ID typed). The caller takes the employee
    only when the ID is one of theirs."""
    typed = {position: id_beside(key, name_alone=True) for position, key in keys.items() if not pd.isna(key)}
    return {position: (ids_of[beside.name], beside.employee_id) for position, beside in typed.items()
            if beside is not None and beside.name in ids_of}


def _disagreeing(found: list[str], typed_id: str, name_of: dict[str, str]) -> str:
    """Whose the name and whose the ID of a name typed with an ID that is none of that name's employees
    (``name_of``: the roster's employee ID → name)."""
    whose = f"the employee ID of {name_of[typed_id]}" if typed_id in name_of else "no employee ID in the roster"
    return f"the roster's {name_of[found[0]]} is {_joined(found, 'and')}, and {typed_id} is {whose}"


def _joined(ids: list[str], word: str) -> str:
    """A few IDs as words: `200`, `200 and 201`, `200, 201 or 301`."""
    return f"{', '.join(ids[:-1])} {word} {ids[-1]}" if len(ids) > 1 else ids[0]


def _disagreeing_fix(found: list[str], typed_id: str, name_of: dict[str, str], role: str) -> str:
    """What to type for a name typed with an ID that is none of that name's employees."""
    meant = found + [typed_id] if typed_id in name_of else found
    return f"Type the ID of the one meant ({_joined(meant, 'or')}) beside {role.capitalize()} ID:, or the name as the roster has it."


# what to do about a label's value showing a formula's error (`=VLOOKUP(…)` showing #N/A)
_LABEL_FORMULA_FIX = "Fix the formula so it shows the employee's name or ID, or type the name or ID in its place."


def _label_fix(value: FormulaError) -> str:
    """What to do about a label's value that shows a formula's error or was saved without its result."""
    return SAVE_TO_CALCULATE if isinstance(value, UncalculatedFormula) else _LABEL_FORMULA_FIX


def _label_formula(role: str, label: Label) -> str:
    """What a label's value shows instead of a name or an ID: a formula's error, or a formula saved
    without its result (as a table's cell says it)."""
    shown = f"{_label_words(role, label)} {label.value} above the {{log}}"
    if isinstance(label.value, UncalculatedFormula):
        return (f"{shown} is a formula with no result saved (the workbook was made by a program that does not "
                "calculate formulas): open it in Excel or LibreOffice and save it")
    return f"{shown} is a formula error: fix the formula"


def with_label_ids(findings: list[Finding], tables: Tables) -> list[Finding]:
    """Findings on the cells of a log that names its pair above its table (validation knows no
    roster) given the IDs its labels resolve to, as the log's other findings have them.

    Only the sheets with such a finding have their labels resolved: a few, among thousands of logs. Of
    paper forms typed one under another on a sheet, a cell is the form's whose header is the last above it.
    """
    labelled = {(source.file, source.sheet) for source in tables.sources if source.labels}
    forms: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (file, sheet) → (header row, source) of each form on it
    for src, source in enumerate(tables.sources):
        if (source.file, source.sheet) in labelled:
            forms.setdefault((source.file, source.sheet), []).append((source.header_row, src))
    srcs = [_form_of(forms[f.file, f.sheet], f.cell) if (f.file, f.sheet) in labelled and not (f.candidate_id and f.coach_id)
            else None for f in findings]
    wanted = {src for src in set(srcs) - {None} if tables.sources[src].labels}
    if not wanted:
        return findings
    resolved = resolve_labels(tables, wanted)
    given = []
    for f, src in zip(findings, srcs):
        ids = {} if src not in wanted else {
            f"{role}_id": resolved[src, role][0] for role in ("candidate", "coach")
            if not getattr(f, f"{role}_id") and resolved.get((src, role), (None,))[0] is not None}
        given.append(replace(f, **ids) if ids else f)
    return given


def _form_of(forms: list[tuple[int, int]], cell: str) -> int:
    """Of a sheet's labelled forms, (header row, source) each, the source of the one holding ``cell``."""
    if len(forms) == 1:
        return forms[0][1]
    row = int(cell.lstrip(ascii_uppercase) or 0)
    return max(((header, src) for header, src in forms if header < row), default=min(forms))[1]


def _fill_from_labels(entries: pd.DataFrame, tables: Tables, sources: Collection[int] | None = None) -> pd.DataFrame:
    """IDs named above a log's table fill that sheet's rows that have none (of the sheets ``sources``
    only, when given: the sheets of these rows); each row's `candidate_label_cell` and
    `coach_label_cell` say the label's own cell on its sheet when its ID came from there, else "".

    Everything known per sheet (ID, problem, label cell) is an array indexed by source number, and
    each entry takes its sheet's value by position: no loop over entries. An entry a label leaves
    without its pair has that label's rule in `label_rule` (the first, if both fail): its reason not
    to count. The labels' own findings are :func:`label_findings`.
    """
    entries["label_rule"] = ""
    resolved = resolve_labels(tables, sources) if len(entries) else {}
    src = entries["_src"].to_numpy(dtype=np.int64)
    n = len(tables.sources)
    told = np.zeros(len(entries), dtype=bool)  # an entry given a label's rule already
    for role in ("candidate", "coach"):
        key = f"{role}_id"
        per_source = {s: r for (s, who), r in resolved.items() if who == role}
        labelled, found = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        ids, rules = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
        cells_here = np.full(n + 1, "", dtype=object)  # the last for the entries that keep their own IDs
        for s, (employee_id, rule, *_) in per_source.items():
            label = tables.sources[s].labels[role]
            labelled[s], found[s] = True, employee_id is not None
            ids[s], rules[s] = employee_id or "", rule
            cells_here[s] = values.a1(label.row, label.col) if label.sheet == tables.sources[s].sheet else ""
        blank = entries[key].isna().to_numpy(dtype=bool) & labelled[src] if per_source else np.zeros(len(entries), dtype=bool)
        fill = blank & found[src]
        filled = np.flatnonzero(fill)
        if len(filled):
            entries.iloc[filled, entries.columns.get_loc(key)] = ids[src[filled]]  # only these cells are checked as text
        # the label's cell is its sheet's: numbered by sheet, not written into a million-row text column
        entries[f"{role}_label_cell"] = _of_sheet(cells_here, np.where(fill, src, n))
        failed = np.flatnonzero(blank & ~found[src] & ~told)
        if len(failed):
            entries.iloc[failed, entries.columns.get_loc("label_rule")] = rules[src[failed]]
            told[failed] = True
    return entries


def _where(row: dict, letter_column: str, role: str | None = None) -> dict:
    """Where an entry's finding points: its file, sheet, the cell in ``letter_column`` of its row, its pair.

    An ID named above the table points at the label's cell on the same sheet: ``role``'s (the
    candidate's or the coach's), else the first named.
    """
    cell = f"{row[letter_column]}{row['_row']}"
    if letter_column == "id_col":
        if role == "coach" and row.get("coach_col"):  # the Coach ID column's cell
            cell = f"{row['coach_col']}{row['_row']}"
        labelled = [row.get(f"{who}_label_cell") for who in ((role,) if role else ("candidate", "coach"))]
        cell = next((label for label in labelled if label), cell)
    return {
        "file": row["_file"], "sheet": row["_sheet"], "cell": cell,
        "candidate_id": row["candidate_id"] or "", "coach_id": row["coach_id"] or "",
    }


# An entry repeats another when every one of these cells is the same, its kind, IDs and date among them.
# Their order is the order :func:`_repeated_entries` compares them in: numbers first, then the
# description, which tells most of the entries left apart.
DUPLICATE_KEY = ["kind", "date", "duration", "description", "contact_type", "candidate_id", "coach_id"]


def _repeated_entries(entries: pd.DataFrame) -> np.ndarray:
    """For each entry, the position of the entry it repeats in every cell of :data:`DUPLICATE_KEY`
    (LOG-DUPLICATE), or -1.

    Of entries alike, the one counted is in the file with the shortest name (its extension not counted:
    a log saved as .ods is no shorter), then the first read: as
    with a workbook's copy (FILE-DUPLICATE), a copy's name adds to its original's, and a sync
    client's conflict copy saved again (`Log (1).xlsx`, `Log-DESKTOP-PC.xlsx`, which sort first)
    holds the repeats, not the log the coach keeps sending.

    Compared as whole numbers, column by column: a column's distinct values are numbered (blank is one
    of them) only among the entries still alike with another in every column before it, so that of a
    million entries only those sharing a pair, date and duration have their descriptions numbered.
    The pair comes first: a number already, and entries with the same IDs, kind and date always share it.
    """
    alike = np.zeros(len(entries), dtype=np.int64)  # entries alike so far have the same number
    rows = np.arange(len(entries))  # the positions of the entries still alike with another
    for column in ["pair", *DUPLICATE_KEY]:
        values, distinct = pd.factorize(entries[column].iloc[rows])
        alike = pd.factorize(alike * (len(distinct) + 1) + values + 1)[0]  # alike so far and in this column
        tied = np.bincount(alike)[alike] > 1
        rows, alike = rows[tied], alike[tied]
    repeats = np.full(len(entries), -1, dtype=np.int64)
    if len(rows):
        files, names = pd.factorize(entries["_file"].iloc[rows])
        name_length = np.array([copy_name_length(str(name)) for name in names], dtype=np.int64)[files]
        order = np.lexsort((rows, name_length))  # the shortest file name first, then reading order
        rows, alike = rows[order], alike[order]
        first = np.zeros(alike.max() + 1, dtype=np.int64)
        groups, at = np.unique(alike, return_index=True)
        first[groups] = rows[at]
        repeats[rows] = np.where(first[alike] == rows, -1, first[alike])
    return repeats


# The reason of an entry dated before its pair's window but from the pair's own start on (`kept_from`, see
# periods): a job-embedded meeting of an earlier school year, kept as a meeting held but not counted.
EARLIER_YEAR = "LOG-EARLIER-YEAR"

# A forked copy judges the smaller log only when it holds at least this share of the entries (the ITSS
# benchmark's logs: a half each). Beside a larger log, judging it apart saves less than the copy
# costs: on a million entries, about 0.1 s of wall time saved at 40 %, nothing at 30 %.
SIDE_BY_SIDE_SHARE = 0.4

# The columns :func:`judge_entries` adds to the entries.
JUDGED_COLUMNS = ["pair", "window_start", "window_end", "reason", "counted"]


def judge_both_logs(entries: pd.DataFrame, pairs: pd.DataFrame, known_ids: set[str], programs: Programs,
                    as_of: pd.Timestamp, *, may_fork: bool) -> tuple[pd.DataFrame, list[Finding]]:
    """:func:`judge_entries`, or, when ``may_fork`` (a large inbox) and the two logs are of a size,
    the smaller log judged by a forked copy of this process while this one judges the other: the
    same entries, and the same findings in another order.

    Judging is separable by log: an entry's pair and reason, and the entries it may repeat, come
    from its own log, and every finding is about one log. On a million entries each log takes
    about 0.4 s of one core. The copy takes its log's rows itself (it inherits ``entries``) and
    sends back only the columns judging adds and its findings: pickling its half of the logs'
    text cells would cost more than the copy saves.
    """
    if not may_fork:
        return judge_entries(entries, pairs, known_ids, programs, as_of)
    kinds = entries["kind"].to_numpy()
    sizes = {kind: np.count_nonzero(kinds == kind) for kind in LOG_KINDS}
    smaller, larger = sorted(LOG_KINDS, key=sizes.get)
    if sizes[smaller] < SIDE_BY_SIDE_SHARE * len(entries):
        return judge_entries(entries, pairs, known_ids, programs, as_of)
    aside = Forked(partial(_judge_one_log, entries, smaller, pairs, known_ids, programs, as_of))
    judged = {larger: _judge_one_log(entries, larger, pairs, known_ids, programs, as_of)}
    judged[smaller] = aside.result()
    added = pd.concat([judged[kind][0] for kind in LOG_KINDS]).reindex(entries.index)
    return pd.concat([entries, added], axis=1), [f for kind in LOG_KINDS for f in judged[kind][1]]


def _judge_one_log(entries: pd.DataFrame, kind: str, pairs: pd.DataFrame, known_ids: set[str], programs: Programs,
                   as_of: pd.Timestamp) -> tuple[pd.DataFrame, list[Finding]]:
    """The :data:`JUDGED_COLUMNS` of one log's entries, and its findings.

    :func:`log_entries` puts each log's rows in one block: then the block is a slice (a view, no
    copy of its cells), else the rows are picked out.
    """
    rows = np.flatnonzero(entries["kind"].to_numpy() == kind)
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        one_log = entries.iloc[rows[0]:rows[-1] + 1]
    else:
        one_log = entries.iloc[rows]
    judged, findings = judge_entries(one_log, pairs, known_ids, programs, as_of)
    return judged[JUDGED_COLUMNS], findings


def judge_entries(entries: pd.DataFrame, pairs: pd.DataFrame, known_ids: set[str], programs: Programs, as_of: pd.Timestamp) -> tuple[pd.DataFrame, list[Finding]]:
    """Match entries to pairs and decide which count. Adds the :data:`JUDGED_COLUMNS`: `pair` (or -1),
    its window, `reason` and `counted`.

    ``pairs`` carry their period (:mod:`coaching_batch.rules.periods`): an entry counts from the
    pair's `window_start` to its `window_end` and the as-of date, whatever the pair's program, so
    the logs of every program are judged in this one pass.
    """
    entries = entries.copy(deep=False)  # copy-on-write: the columns added below stay on this frame
    findings: list[Finding] = []

    label_failed = entries["label_rule"].to_numpy(dtype=object) != ""  # as objects: 4 times quicker than as pandas text
    blank = {role: entries[f"{role}_id"].isna().to_numpy() for role in _ROLE_WORDS}  # looked for once: a million IDs
    missing_ids = ~label_failed & (blank["candidate"] | blank["coach"])
    unknown = ~label_failed & ~missing_ids & ~(entries["candidate_id"].isin(known_ids) & entries["coach_id"].isin(known_ids))

    # Each entry belongs to an assignment of its candidate and coach; of several, the one its date picks.
    # Matched by a number for the two IDs together, not by the two texts: a million entries.
    ids = pd.Index(pd.unique(pd.concat([pairs["candidate_id"], pairs["coach_id"]])))
    keyed = pairs[["pair", "window_start", "window_end"]].assign(ids=_id_pairs(pairs, ids))
    matched = pd.DataFrame({"index": entries.index, "date": entries["date"], "ids": _id_pairs(entries, ids)}).merge(
        keyed, on="ids", how="left")
    if keyed["ids"].duplicated().any():  # a pair assigned twice: choose by date
        # a candidate log is only of use to a program that counts candidate hours (ITSS, not mentoring)
        reads = {policy.name: policy.candidate_minimum_minutes is not None for policy in programs}
        matched = _one_pair_by_date(matched, pairs, entries["kind"] != "candidate_log",
                                    pairs["program"].map(reads).fillna(False).astype(bool))
    matched = matched.set_index("index").reindex(entries.index)
    entries["pair"] = matched["pair"].fillna(-1).astype(int)
    entries["window_start"] = matched["window_start"]
    entries["window_end"] = matched["window_end"]
    no_assignment = ~label_failed & ~missing_ids & ~unknown & (entries["pair"] < 0)

    # What each pair's program says, taken by every entry through its pair number (-1: the last row, the default).
    at = entries["pair"].to_numpy()
    judged = np.append(pairs["judged"].to_numpy(dtype=bool), True)[at]
    before_rule = np.append(pairs["before_rule"].to_numpy(dtype=object), "LOG-OUTSIDE-WINDOW")[at]
    implausible_minutes = np.append(pairs["implausible_minutes"].to_numpy(dtype=np.int64),
                                    round(programs.default.hours.implausible_entry_hours * 60))[at]
    known_program = np.append(pairs["known_program"].to_numpy(dtype=bool), True)[at]
    invalid = entries["duration"] <= 0
    future = entries["date"] > as_of
    # A pair its program does not judge this run (completed another school year, withdrawn) has its
    # entries set aside without a word, but one dated after as-of is told as for every program (SPEC
    # §2a: the LOG-* rules apply to every preset); a pair of an unknown program is not judged at all.
    told_anyway = future.fillna(False).to_numpy(dtype=bool) & known_program
    not_judged = ~label_failed & ~missing_ids & ~unknown & ~no_assignment & ~judged & ~told_anyway
    window_end = entries["window_end"].where(entries["window_end"] < as_of, as_of)
    assigned = entries["pair"] >= 0
    before = assigned & ~(entries["date"] >= entries["window_start"]).fillna(False).astype(bool)
    after = assigned & (entries["date"] > window_end).fillna(False).astype(bool)
    # before the window but from the pair's own start on (a job-embedded pair's earlier school year): kept, not told of
    kept_from = pd.Series(np.append(pairs["kept_from"].to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[at],
                          index=entries.index)
    earlier = before & (entries["date"] >= kept_from).fillna(False).astype(bool)

    # The first reason that applies, in this order (np.select takes the first true condition).
    reasons = [
        (label_failed, entries["label_rule"].to_numpy(dtype=object)),
        (missing_ids, "no candidate or coach ID"),
        (unknown, "ID-UNKNOWN"),
        (no_assignment, "LOG-NO-ASSIGNMENT"),
        (not_judged, "pair not judged"),
        (invalid.fillna(False).astype(bool), "LOG-DURATION-INVALID"),
        (future.fillna(False).astype(bool), "LOG-DATE-FUTURE"),
        (earlier, EARLIER_YEAR),
        (before, before_rule),
        (after, "LOG-OUTSIDE-WINDOW"),
    ]
    reason = np.select([np.asarray(mask, dtype=bool) for mask, _ in reasons], [why for _, why in reasons], default="").astype(object)

    repeats = _repeated_entries(entries)
    reason[(repeats >= 0) & (reason == "")] = "LOG-DUPLICATE"
    entries["reason"] = pd.Series(reason, index=entries.index, dtype="str")
    # compared as objects (`reason`), 4 times quicker than as pandas text
    entries["counted"] = pd.Series(reason == "", index=entries.index)

    findings += _missing_id_findings(entries, missing_ids, blank)
    told_unknown = unknown & (reason == "ID-UNKNOWN")
    if isinstance(known_ids, RosterIds):  # each ID the roster lacks may be a name typed for it: all read as names at once
        told = entries.loc[told_unknown, ["candidate_id", "coach_id"]].to_numpy(dtype=object).ravel()
        known_ids.read_as_names(employee_id for employee_id in told if employee_id not in known_ids)
    findings += _grouped_findings(entries, told_unknown, "ID-UNKNOWN", lambda r, n: (
        f"{unknown_ids(r, known_ids)} on the {LOG_KINDS[r['kind']]}, not in the roster; "
        f"{n} entr{'y' if n == 1 else 'ies'} not counted"), known=known_ids, fix=lambda r: unknown_ids_fix(r, known_ids))
    findings += _grouped_findings(entries, pd.Series(reason == "LOG-NO-ASSIGNMENT", index=entries.index), "LOG-NO-ASSIGNMENT", lambda r, n: (
        f"{no_assignment_text(r['candidate_id'], r['coach_id'], known_ids, 'log entries')[0]}; "
        f"{n} {LOG_KINDS[r['kind']]} entr{'y' if n == 1 else 'ies'} not counted"),
        fix=lambda r: no_assignment_text(r["candidate_id"], r["coach_id"], known_ids, "log entries")[1])

    about = _PairWords(pairs, programs)
    flagged = entries["reason"].isin(["LOG-DURATION-INVALID", "LOG-DATE-FUTURE", "LOG-OUTSIDE-WINDOW", "AGREEMENT-MISSING", "LOG-DUPLICATE"])
    places = _repeated_places(entries, repeats, reason == "LOG-DUPLICATE")
    for position, row in zip(np.flatnonzero(flagged.to_numpy()), _rows(entries, flagged)):
        findings.append(_entry_finding(row, as_of, about, places.get(position, "")))
    findings += _earlier_year_findings(entries[reason == EARLIER_YEAR], about)
    implausible = (entries["duration"] > implausible_minutes).fillna(False).astype(bool) & judged
    limits = pd.Series(implausible_minutes, index=entries.index)
    for row, limit in zip(_rows(entries, implausible), limits[implausible]):
        counted = ("counted" if row["reason"] == "" else "not counted (of an earlier school year)"
                   if row["reason"] == EARLIER_YEAR else "not counted (see the entry's other finding)")
        findings.append(finding(
            "LOG-DURATION-IMPLAUSIBLE",
            f"{hours_text(row['duration'])} h logged on {day_text(row['date'])}, more than {limit / 60:g} h in one entry; {counted}",
            program=about.program(row), fix=_implausible_fix(row["duration"]), **_where(row, "duration_col"),
        ))
    return entries, findings


def _earlier_year_findings(earlier: pd.DataFrame, about: _PairWords) -> list[Finding]:
    """LOG-EARLIER-YEAR (info): a pair's entries of an earlier school year (``earlier``, their reason
    :data:`EARLIER_YEAR`), one finding per sheet and pair at the first one's Date cell, saying how
    many, of which dates. They are right records a coordinator keeps, so no entry is told of, and
    nobody is asked to act."""
    findings = []
    for row, n, first, last in _per_sheet_and_pair(earlier, ["pair"], ENTRY_FINDING_COLUMNS):
        dated = day_text(first) if first == last else f"{day_text(first)} to {day_text(last)}"
        what = ("entry", "a meeting") if n == 1 else ("entries", "meetings")
        findings.append(finding(
            "LOG-EARLIER-YEAR",
            f"{n} {log_name(row['kind'], about.people(row))} {what[0]} dated {dated}, before {about[row]['start_label']} on "
            f"{day_text(row['window_start'])}: {what[1]} of an earlier school year, kept and not counted",
            program=about.program(row), **_where(row, "date_col"),
        ))
    return findings


def _implausible_fix(minutes: int) -> str | None:
    """The catalogue's fix, and for whole hours (`45`, read as 45 hours) what to type if minutes were meant."""
    if minutes % 60:
        return None
    hours = minutes // 60
    return (f"Check the duration, read as {hours} hours: if {hours} minutes were meant, type {hours} min; "
            f"split a multi-day activity into one entry per day.")


def _id_pairs(frame: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Each row's candidate ID and coach ID as one number, from their places among ``ids`` (-1: either
    not among them)."""
    candidate, coach = ids.get_indexer(frame["candidate_id"]), ids.get_indexer(frame["coach_id"])
    return np.where((candidate >= 0) & (coach >= 0), candidate * len(ids) + coach, -1)


def _one_pair_by_date(matched: pd.DataFrame, pairs: pd.DataFrame, any_program: pd.Series,
                      reads_candidate_log: pd.Series) -> pd.DataFrame:
    """One row of ``matched`` (entries joined to every assignment of their candidate and coach) per
    entry, chosen by the entry's date, never by row order alone.

    A candidate and coach assigned more than once (the next band, another program) have an
    assignment per period, and a window may outlast its period (an ITSS pair completed before its
    deadline). A candidate-log entry (``any_program`` False, by entry) goes first to a row whose
    program counts candidate hours (``reads_candidate_log``, by pair): ITSS's, not a mentoring
    relationship begun meanwhile. An entry goes to a row whose window holds its date; of those, to one whose own period
    holds it (started on or before it, not completed or withdrawn before it); then to the latest
    start on or before it (an entry before every start: to the first to start after it, so it is
    told of that planning meeting); then to the window that ends first; only then to the first row.
    Only the entries with several rows are sorted.
    """
    several = matched["index"].duplicated(keep=False).to_numpy()
    if not several.any():
        return matched
    options = matched[several]
    rows = pairs.loc[options["pair"].to_numpy(dtype=np.int64)]
    date = options["date"].to_numpy()
    start, ended = rows["start"].to_numpy(), rows["completion_date"].to_numpy()
    options = options.assign(
        of_use=(options["index"].map(any_program).to_numpy(dtype=bool)
                | reads_candidate_log.loc[options["pair"].to_numpy(dtype=np.int64)].to_numpy(dtype=bool)),
        in_window=((options["date"] >= options["window_start"]) & ~(options["date"] > options["window_end"])).to_numpy(),
        in_period=(start <= date) & ~(ended < date),
        started=start <= date,
        apart=np.abs(date - start),  # from the start: the latest before the date, or the first after it
    )
    chosen = options.sort_values(["index", "of_use", "in_window", "in_period", "started", "apart", "window_end", "pair"],
                                 ascending=[True, False, False, False, False, True, True, True], na_position="last").drop_duplicates("index")
    return pd.concat([matched[~several], chosen[matched.columns]])


_ROLE_WORDS = {"candidate": "Candidate ID", "coach": "Coach ID"}


def _missing_id_findings(entries: pd.DataFrame, missing: np.ndarray, blank: dict[str, np.ndarray]) -> list[Finding]:
    """CELL-REQUIRED for entries that name no candidate or no coach (``missing``; ``blank``: role →
    the entries without its ID).

    An ID left blank in its sheet's own ID column is that empty cell, one finding each. A sheet
    with no column and no label for it is told, once per sheet, how to name the pair.
    """
    unnamed = missing & np.any([blank[role] & ~entries[f"{role}_column"].to_numpy() for role in _ROLE_WORDS], axis=0)
    findings = _grouped_findings(entries, unnamed, "CELL-REQUIRED", lambda r, n: _unnamed_message(r, n))
    for row in entries.loc[missing & ~unnamed, list(GROUPED_FINDING_COLUMNS)].to_dict("records"):
        roles = [role for role in _ROLE_WORDS if pd.isna(row[f"{role}_id"])]
        for role in roles:
            row[f"{role}_id"] = None
        headers = " and ".join(_ROLE_WORDS[role] for role in roles)
        findings.append(finding(
            "CELL-REQUIRED",
            f"{table_contracts()[row['kind']].title}: {headers} {'is' if len(roles) == 1 else 'are'} empty, "
            f"so the entry names no {' and no '.join(roles)}; not counted",
            **_where(row, "id_col", roles[0]),
        ))
    return findings


def _unnamed_message(row: dict, n: int) -> str:
    """How a sheet's entries that name no candidate, no coach or neither are to name them."""
    roles = [role for role in _ROLE_WORDS if row[f"{role}_id"] is None] or list(_ROLE_WORDS)
    what = " and ".join(roles)
    columns = " and ".join(_ROLE_WORDS[role] for role in roles)
    labels = " and ".join(f"{role.title()} Name" for role in roles)
    return (f"{n} {LOG_KINDS[row['kind']]} {'entry names' if n == 1 else 'entries name'} no {what} "
            f"(add {'a ' if len(roles) == 1 else ''}{columns} column{'s' if len(roles) > 1 else ''}, "
            f"or {labels} above the table); not counted")


class _PairWords:
    """What an entry's message says about its pair: its program, the words for its window and the
    program's own words for its people."""

    def __init__(self, pairs: pd.DataFrame, programs: Programs) -> None:
        columns = ["program", "known_program", "start_label", "end_label", "no_start", "no_start_fix"]
        self._of = pairs[columns].to_dict("index")
        self._words = {policy.name: policy.words for policy in programs}

    def people(self, row: dict) -> Words:
        return self._words.get(self.program(row)) or Words()

    def program(self, row: dict) -> str:
        pair = self._of.get(row.get("pair", -1))
        return pair["program"] if pair and pair["known_program"] else ""

    def __getitem__(self, row: dict) -> dict:
        return self._of[row["pair"]]


# The columns an entry's own finding reads (its message and _where).
ENTRY_FINDING_COLUMNS = (
    "kind", "reason", "date", "duration", "pair", "window_start", "window_end", "_file", "_sheet", "_row",
    "candidate_id", "coach_id", "duration_col", "date_col", "row_col",
)


def _rows(entries: pd.DataFrame, mask: pd.Series) -> list[dict]:
    """The chosen entries as dicts of :data:`ENTRY_FINDING_COLUMNS` only (a log has many more), made
    from each column's values as Python objects (the values ``to_dict`` gives): ``to_dict`` boxes them
    cell by cell, about three times slower for the thousands of entries a large inbox flags."""
    columns = [c for c in ENTRY_FINDING_COLUMNS if c in entries.columns]
    chosen = entries.loc[mask, columns]
    return [dict(zip(columns, row)) for row in zip(*(chosen[column].tolist() for column in columns))]


def label_findings(entries: pd.DataFrame, tables: Tables) -> list[Finding]:
    """One finding per candidate or coach named above a log that the roster cannot resolve, at the
    label's cell: each of the two, when both are wrong. It counts the entries the label leaves
    without their pair, on every sheet that carries it (a continued page).

    Only the sheets with such entries (`label_rule`, see :func:`log_entries`) have their labels
    resolved again: a few, among thousands of logs. The other person of such a log, named neither
    above it nor in an ID column, is CELL-REQUIRED at its first entry, told how to name them.
    """
    failed = entries.loc[entries["label_rule"].to_numpy(dtype=object) != "",  # as objects: a million texts
                         ["_file", "_src", "_row", "kind", "candidate_id", "coach_id"]]
    if failed.empty:
        return []
    resolved = resolve_labels(tables, set(failed["_src"].unique().tolist()))
    by_label: dict[tuple, list] = {}  # (file, sheet, cell, rule, message, fix, kind) → its entries on each sheet
    for src, group in failed.groupby("_src", sort=False):
        for role in ("candidate", "coach"):
            _, rule, message, fix = resolved.get((src, role), (None, "", "", None))
            left = group[group[f"{role}_id"].isna()]
            source = tables.sources[src]
            if left.empty:
                continue
            if rule:
                label = source.labels[role]
                key = (left["_file"].iat[0], label.sheet, values.a1(label.row, label.col), rule, message, fix, left["kind"].iat[0])
            elif role not in source.labels and f"{role}_id" not in source.columns:
                key = (left["_file"].iat[0], source.sheet, tables.cell(src, left["_row"].iat[0], ""), "CELL-REQUIRED",
                       _unlabelled(role), None, left["kind"].iat[0])
            else:
                continue
            by_label.setdefault(key, []).append(left)
    findings = []
    for (file, sheet, cell, rule, message, fix, kind), pages in by_label.items():
        n, first = sum(map(len, pages)), pages[0].iloc[0]
        where = f" on {len(pages)} sheets" if len(pages) > 1 else ""
        findings.append(finding(
            rule, f"{message.replace('{log}', LOG_KINDS[kind])}; {n} entr{'y' if n == 1 else 'ies'}{where} not counted",
            fix=fix, file=file, sheet=sheet, cell=cell,
            candidate_id=_text_or_blank(first["candidate_id"]), coach_id=_text_or_blank(first["coach_id"]),
        ))
    return findings


def _text_or_blank(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


# The columns a whole log's finding reads (its message and _where), and an entry's missing ID's.
GROUPED_FINDING_COLUMNS = ("kind", "_file", "_sheet", "_row", "candidate_id", "coach_id", "id_col", "coach_col",
                           "candidate_label_cell", "coach_label_cell")


def _grouped_findings(entries: pd.DataFrame, mask: pd.Series, rule: str, message,
                      known: set[str] | None = None, fix=None) -> list[Finding]:
    """One finding per sheet and pair, at the first entry, for problems that affect a whole log; with
    ``known`` (the roster's IDs), at the label of the first ID it lacks when the IDs are named above;
    ``fix``, the first entry → its fix (None: the catalogue's)."""
    findings = []
    chosen = entries[mask].fillna({"candidate_id": "", "coach_id": ""})
    for first, size, _, _ in _per_sheet_and_pair(chosen, ["candidate_id", "coach_id"], GROUPED_FINDING_COLUMNS):
        first["candidate_id"] = first["candidate_id"] or None
        first["coach_id"] = first["coach_id"] or None
        role = None if known is None else "candidate" if first["candidate_id"] not in known else "coach"
        findings.append(finding(rule, message(first, int(size)), fix=fix and fix(first), **_where(first, "id_col", role)))
    return findings


def _per_sheet_and_pair(chosen: pd.DataFrame, pair: list[str],
                        columns: Sequence[str]) -> list[tuple[dict, int, pd.Timestamp, pd.Timestamp]]:
    """``chosen`` entries, one group per sheet and pair (``pair``: the columns that tell pairs apart),
    in order of their first entries: each group's first entry (a dict of those of ``columns`` the
    entries have), how many entries it has, and their first and last dates.

    Taken for all groups at once: a pasted log can hold tens of thousands of IDs the roster lacks, a
    group each."""
    if chosen.empty:
        return []
    keys = ["_file", "_sheet", "kind", *pair]
    firsts = chosen.loc[~chosen.duplicated(keys), [c for c in columns if c in chosen.columns]].to_dict("records")
    dates = chosen.groupby(keys, sort=False, dropna=False, observed=True)["date"].agg(["size", "min", "max"])
    return list(zip(firsts, dates["size"].tolist(), dates["min"], dates["max"]))


def _repeated_places(entries: pd.DataFrame, repeats: np.ndarray, repeated: np.ndarray) -> dict[int, str]:
    """Where the entry each repeated one repeats is (position → `A2 of sheet 'Log' in Log.xlsx`), said
    as seen from the repeat: its file and sheet only when they are another's."""
    later = np.flatnonzero(repeated)
    if not len(later):
        return {}
    both = np.concatenate([repeats[later], later])  # the entries repeated, then their repeats
    letter, row, sheet, file = (entries[name].iloc[both].tolist() for name in ("row_col", "_row", "_sheet", "_file"))
    places = {}
    for i, position in enumerate(later.tolist()):
        j = i + len(later)
        place = f"{letter[i]}{row[i]}"
        if file[i] != file[j]:
            place += f" of sheet '{sheet[i]}' in {file[i]}"
        elif sheet[i] != sheet[j]:
            place += f" of sheet '{sheet[i]}'"
        places[position] = place
    return places


def _entry_finding(row: dict, as_of: pd.Timestamp, about: _PairWords, repeats: str = "") -> Finding:
    kind = log_name(row["kind"], about.people(row))  # a mentoring pair's mentor log
    date = day_text(row["date"])
    program = about.program(row)
    match row["reason"]:
        case "LOG-DURATION-INVALID":
            return finding("LOG-DURATION-INVALID", f"{kind} entry of {date} has a duration of {hours_text(row['duration'])} h; not counted", program=program, **_where(row, "duration_col"))
        case "LOG-DATE-FUTURE":
            return finding("LOG-DATE-FUTURE", f"{kind} entry dated {date}, after the as-of date {day_text(as_of)}; not counted", program=program, **_where(row, "date_col"))
        case "LOG-OUTSIDE-WINDOW" | "AGREEMENT-MISSING":
            words = about[row]
            if pd.isna(row["window_start"]):
                why = words["no_start"]
                text = f"{kind} entry dated {date}: {why}; not counted"
            elif row["date"] < row["window_start"]:
                text = f"{kind} entry dated {date} is before {words['start_label']} on {day_text(row['window_start'])}; not counted"
            else:
                text = f"{kind} entry dated {date} is after {words['end_label']} {day_text(row['window_end'])}; not counted"
            fix = meeting_before_agreement_fix(about.people(row))  # an AGREEMENT-MISSING entry: before the one recorded
            if row["reason"] == "LOG-OUTSIDE-WINDOW":  # in the words of the pair's program
                if pd.isna(row["window_start"]):
                    fix = words["no_start_fix"] or f"Only entries from {words['start_label']} on count: see that its date is recorded on the assignment."
                else:
                    fix = f"Check the date: only entries from {words['start_label']} to {words['end_label']} count."
            return finding(row["reason"], text, program=program, fix=fix, **_where(row, "date_col"))
        case _:
            return finding("LOG-DUPLICATE", f"{kind} entry of {date} ({hours_text(row['duration'])} h){DUPLICATE_REPEATS}{repeats}; counted once", program=program, **_where(row, "row_col"))


_MINUTES_PER_DAY = 24 * 60


def _fraction(value: object) -> float | None:
    """A footer's value when it is a number with a fraction (a formula's result), else None."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and math.isfinite(value) and value != int(value):
        return float(value)
    return None


def check_footers(entries: pd.DataFrame, footers: list[tuple[str, str, Footer, int | None]],
                  left_out: pd.DataFrame | None = None) -> list[Finding]:
    """LOG-TOTAL-MISMATCH: a `Total Hours` footer that matches neither its sheet's entries nor its whole log.

    ``footers`` holds (file, sheet, footer, minutes) with the footer's value read as a duration (None
    where it cannot be). The page sum is every entry read above the footer on its sheet; the whole log
    is every entry of the same kind and pair in the same file (its pages), when the sheet holds one
    pair only. A sheet holding several pages, each with its total (`Total Hours This Page`), has each
    total matched also against the entries since the total before it. A value that is not a duration
    (`TBD`, `9,000`) matches none; a blank one is a form's empty line, not a total.

    ``left_out``: the logs' rows left out for a bad cell (:func:`rows_left_out`). Their hours are on
    the page the coordinator added up, so they count toward these sums too; a sum holding a row whose
    duration cannot be read (blank, `TBD`) is not known, and a footer is no mismatch against it (the
    row's own finding comes first).
    """
    given = pd.DataFrame(
        [(file, sheet, f.row, f.col, np.nan if minutes is None else minutes, f.value) for file, sheet, f, minutes in footers
         if minutes is not None or not is_blank(f.value)],
        columns=["_file", "_sheet", "footer_row", "footer_col", "minutes", "typed"],
    )
    if given.empty:
        return []
    given["footer"] = range(len(given))
    columns = ["_file", "_sheet", "_row", "kind", "candidate_id", "coach_id", "duration"]
    logged = entries.loc[entries["_file"].isin(set(given["_file"])), columns]
    if left_out is not None and len(left_out):
        logged = pd.concat([logged, left_out.loc[left_out["_file"].isin(set(given["_file"])), columns]], ignore_index=True)
    # Whole numbers stand for a log (file, kind, pair) and a page (file, sheet): the joins below stay on integers.
    log = logged.groupby(["_file", "kind", "candidate_id", "coach_id"], dropna=False, sort=False).ngroup().to_numpy()
    page = logged.groupby(["_file", "_sheet"], sort=False).ngroup().to_numpy()
    minutes = logged["duration"].fillna(0).to_numpy(dtype=np.int64)
    unread = logged["duration"].isna().to_numpy(dtype=np.int64)  # rows whose hours cannot be read
    whole_of_log = np.bincount(log, weights=minutes) if len(log) else np.zeros(0)
    unread_of_log = np.bincount(log, weights=unread) if len(log) else np.zeros(0)
    pages = pd.DataFrame({"page": page, "log": log})
    logs_on_page = pages.drop_duplicates()
    single = logs_on_page[~logs_on_page["page"].duplicated(keep=False)].set_index("page")["log"]
    page_of = pd.DataFrame({"_file": logged["_file"].to_numpy(), "_sheet": logged["_sheet"].to_numpy(), "page": page}).drop_duplicates("page")

    given = given.merge(page_of, on=["_file", "_sheet"], how="left")
    on_page = pd.DataFrame({"page": page, "_row": logged["_row"].to_numpy(), "duration": minutes, "unread": unread}).merge(
        given[["footer", "page", "footer_row"]].dropna(), on="page")
    page_sum = on_page[on_page["_row"] < on_page["footer_row"]].groupby("footer")[["duration", "unread"]].sum()
    given["page_sum"] = given["footer"].map(page_sum["duration"]).fillna(0).astype("int64")
    given["page_unread"] = given["footer"].map(page_sum["unread"]).fillna(0).astype("int64")
    # the total of a page typed below another page's on the sheet: the entries since that total
    after = given.sort_values(["_file", "_sheet", "footer_row"]).groupby(["_file", "_sheet"], sort=False)["footer_row"].shift()
    on_page["after"] = on_page["footer"].map(after.reindex(given.index).set_axis(given["footer"])).fillna(0)
    since = on_page[(on_page["_row"] < on_page["footer_row"]) & (on_page["_row"] > on_page["after"])]
    since = since.groupby("footer")[["duration", "unread"]].sum()
    given["since"] = given["footer"].map(since["duration"]).fillna(0).astype("int64")
    given["since_unread"] = given["footer"].map(since["unread"]).fillna(0).astype("int64")
    given["log"] = given["page"].map(single)
    known = given["log"].notna()
    given["whole"], given["whole_unread"] = given["page_sum"], given["page_unread"]
    given.loc[known, "whole"] = whole_of_log[given.loc[known, "log"].astype(int)].astype("int64")
    given.loc[known, "whole_unread"] = unread_of_log[given.loc[known, "log"].astype(int)].astype("int64")
    first_of_log = pd.Series(np.arange(len(log))).groupby(log).first() if len(log) else pd.Series(dtype=int)
    given["candidate_id"], given["coach_id"] = "", ""
    rows = first_of_log.reindex(given.loc[known, "log"].astype(int)).to_numpy()
    given.loc[known, "candidate_id"] = logged["candidate_id"].to_numpy(dtype=object, na_value=None)[rows] if len(rows) else []
    given.loc[known, "coach_id"] = logged["coach_id"].to_numpy(dtype=object, na_value=None)[rows] if len(rows) else []
    given["page"] = given["page_sum"]
    unreadable = given["minutes"].isna()

    # A =SUM() under durations typed 1:30 (time cells) holds days: LibreOffice shows it as 50:00:00 but
    # saves it in General format (Excel gives it h:mm, read as hours). A number, not whole, that is the
    # sum to the minute when read as days is that total; a whole number is hours, as it reads.
    number = pd.to_numeric(given["typed"].map(_fraction), errors="coerce")
    as_days = number * _MINUTES_PER_DAY

    def differs(total: str) -> pd.Series:  # from a sum that is known (no row's hours missing from it)
        off = ((given["minutes"] - given[total]).abs() > 1) & ~((as_days - given[total]).abs() <= 1)
        return off & (given[f"{total.removesuffix('_sum')}_unread"] == 0)

    wrong = given[unreadable | (differs("page_sum") & differs("whole") & differs("since"))]

    findings = []
    for row in wrong.to_dict("records"):
        expected = f"{row['page'] / 60:.2f} h on this page" + (f", {row['whole'] / 60:.2f} h in the whole log" if row["whole"] != row["page"] else "")
        if row["page_unread"]:  # a total that is no number of hours, above it a row whose hours cannot be read either
            expected += f" (not counting {_rows_text(int(row['page_unread']))} above it whose Duration cannot be read)"
        says = _total_says(row["typed"], row["minutes"])
        findings.append(finding(
            "LOG-TOTAL-MISMATCH",
            f"{says}{TOTAL_MISMATCH_SUMS}{expected}",
            file=row["_file"], sheet=row["_sheet"], cell=values.a1(int(row["footer_row"]), int(row["footer_col"])),
            candidate_id=_text_or_blank(row.get("candidate_id")), coach_id=_text_or_blank(row.get("coach_id")),
            fix=SAVE_TO_CALCULATE if isinstance(row["typed"], UncalculatedFormula) else None,
        ))
    return findings


def _rows_text(n: int) -> str:
    return "a row" if n == 1 else f"{n} rows"


def _total_says(typed: object, minutes: float) -> str:
    """What a `Total Hours` footer says: its hours, or why it gives none (a formula's error, a formula
    saved without its result, words)."""
    if isinstance(typed, UncalculatedFormula):
        return f"Total Hours {typed} is a formula with no result saved (open the workbook in Excel or LibreOffice and save it)"
    if isinstance(typed, FormulaError):
        return f"Total Hours {typed} is a formula error (fix the formula)"
    if pd.isna(minutes):
        why = values.why_unreadable("duration", typed)
        return f"Total Hours {str(typed).strip()!r} is not a number of hours{f' ({why})' if why else ''}"
    return f"Total Hours says {minutes / 60:.2f} h"


def with_hidden_entries(findings: list[Finding], entries: pd.DataFrame,
                        hidden_rows: Callable[[str, str], frozenset[int]]) -> list[Finding]:
    """Each LOG-TOTAL-MISMATCH on a sheet that hides some of the entries above its footer says so,
    with the hours they hold: an Excel table's total (`=SUBTOTAL(109,…)`) leaves hidden and
    filtered-out rows out, while the run counts them. ``hidden_rows(file, sheet)`` gives a sheet's
    hidden rows; it is asked only of the sheets with such a finding (a few)."""
    sheets = {(f.file, f.sheet) for f in findings if f.rule == "LOG-TOTAL-MISMATCH"}
    hidden = {sheet: rows for sheet in sorted(sheets) if (rows := hidden_rows(*sheet))}
    if not hidden:
        return findings
    on_sheets = entries.loc[entries["_file"].isin({file for file, _ in hidden}), ["_file", "_sheet", "_row", "duration"]]
    said = []
    for f in findings:
        rows = hidden.get((f.file, f.sheet)) if f.rule == "LOG-TOTAL-MISMATCH" else None
        if rows:
            footer_row = int(f.cell.lstrip(ascii_uppercase) or 0)
            above = on_sheets[(on_sheets["_sheet"] == f.sheet) & (on_sheets["_file"] == f.file)
                              & (on_sheets["_row"] < footer_row) & on_sheets["_row"].isin(rows)]
            if len(above):
                f = replace(f, message=f"{f.message}; {_hidden_rows_text(above)}",
                            fix="Unhide the rows: delete those that are no entry, or give the total a SUM, "
                                "which counts hidden rows (a SUBTOTAL leaves them out), then re-run.")
        said.append(f)
    return said


def _hidden_rows_text(hidden: pd.DataFrame) -> str:
    """'rows 3 and 4 above it are hidden and hold 2.50 h, which the run counts: …' for the hidden entries."""
    rows = sorted(int(row) for row in hidden["_row"])
    held = f"{int(hidden['duration'].fillna(0).sum()) / 60:.2f} h"
    if len(rows) == 1:
        which, them = f"row {rows[0]} above it is hidden and holds {held}", "that row"
    else:
        listed = _joined([str(row) for row in rows], "and") if len(rows) <= 5 else named_few(rows, str, first=4)
        which, them = f"rows {listed} above it are hidden and hold {held}", "those rows"
    return (f"{which}, which the run counts: a SUBTOTAL total (as in an Excel table's Total Row) leaves hidden "
            f"and filtered-out rows out, so the difference may be {them}")
