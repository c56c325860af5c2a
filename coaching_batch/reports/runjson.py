"""``run.json``: the run in machine-readable form, strict JSON (no NaN or Infinity).

Missing values are ``null``, dates ISO strings, numbers plain JSON numbers; every list is sorted so
two runs over the same inputs give the same file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from json.encoder import encode_basestring as _encode_text
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..forked import collection_paused
from ..model import RunResult
from ..policy import Policy
from .exceptions import TrackedFinding, tracked_findings
from .payments import payment_total
from .programs import run_programs
from .xlsx import is_missing

PAIR_FIELDS = (
    "program", "candidate_id", "coach_id", "status", "planning_meeting_date", "agreement_date", "start", "deadline",
    "extended_until", "completion_date", "candidate_hours", "coach_contact_hours", "completion_eligible",
    "payment_eligible", "payment_id", "reasons",
)
PAYMENT_FIELDS = ("payment_id", "coach_id", "candidate_id", "start_date", "end_date", "amount", "program", "amount_basis")
REASON_SEPARATOR = "; "  # how the rules join a pair's reasons into one cell


def run_summary(result: RunResult, tracked: list[TrackedFinding] | None = None) -> dict[str, Any]:
    """The content of ``run.json`` as plain Python values (ready for ``json.dumps(allow_nan=False)``);
    ``tracked``: the run's :func:`~.exceptions.tracked_findings`, when already worked out (exceptions.xlsx lists them too)."""
    policy = result.policy
    programs = run_programs(result)
    payments = _records(result.payments, PAYMENT_FIELDS)
    for payment in payments:  # a payment frame without programs is the default program's
        if is_missing(payment["program"]):
            payment["program"] = policy.name
    return jsonable({
        "as_of": result.as_of,
        "dry_run": result.dry_run,  # a dry run's payment sheet was never delivered
        "program": policy.name,  # the run's default program
        "program_title": policy.title,
        "programs": [{"name": name, "title": program.title} for name, program in programs.items()],
        "inbox": result.inbox,
        "state_dir": result.state_dir or None,  # the ledger's folder, for `notices send`
        "inputs": [
            {
                "path": entry.path,
                "sha256": entry.sha256,
                "size": entry.size,
                "status": entry.status,
                "note": entry.note,
                "sheets": [
                    {"name": s.name, "table": s.table, "rows": s.rows, "header_row": s.header_row, "hidden": s.hidden}
                    for s in entry.sheets
                ],
            }
            for entry in sorted(result.inputs, key=lambda e: e.path)
        ],
        "pairs": sorted(
            (_pair(row) for row in _records(result.pairs, PAIR_FIELDS)),
            key=lambda p: (_text(p["candidate_id"]), _text(p["coach_id"]), _text(p["program"]), _text(p["planning_meeting_date"])),
        ),
        "payments": sorted(payments, key=lambda p: _text(p["payment_id"])),
        # what the ledger had paid before this run: a ledger rebuilt from the sheets must hold all of it
        "paid_before": [{"payment_id": payment, "paid_on": paid_on} for payment, paid_on in sorted(result.paid_before.items())],
        "exceptions": [
            {
                "severity": t.finding.severity, "rule": t.finding.rule, "message": t.finding.message,
                "file": t.finding.file, "sheet": t.finding.sheet, "cell": t.finding.cell,
                "candidate_id": t.finding.candidate_id, "coach_id": t.finding.coach_id,
                "program": t.finding.program, "fix": t.finding.fix, "actor": t.finding.actor,
                "status": t.status, "first_seen": t.first_seen, "age_days": t.age_days,
            }
            for t in (tracked_findings(result) if tracked is None else tracked)
        ],
        "counts": result.counts,
        "totals": {"amount_payable": payment_total(result.payments)},
        "policy": _settings(policy),  # the default program's; every program's under "policies"
        "policies": {name: _settings(program) for name, program in programs.items()},
    })


def _settings(policy: Policy) -> dict[str, str]:
    """Every setting of ``policy`` in force (its defaults included) → its value as the Summary shows it."""
    return {setting: value for setting, value, _given in policy.as_rows()}


@collection_paused()  # the summary is tens of thousands of small dicts and lists
def write_run_json(result: RunResult, path: PurePath, tracked: list[TrackedFinding] | None = None) -> None:
    """Write ``run.json`` as :func:`dumps_indented` gives it, piece by piece: the whole text of a run
    with 200,000 findings is 130 MB, held twice over (its pieces and their join) while written."""
    summary = run_summary(result, tracked)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        _dump(summary, "\n", "  ", handle.write)
        handle.write("\n")


_JSON_AS_IS = frozenset({str, int, bool, type(None)})  # values that jsonable returns as they are


def jsonable(value: Any) -> Any:
    """``value`` with every part made a JSON value: NaN/NA/NaT → null, dates → ISO text,
    numpy and Decimal numbers → Python numbers (a non-finite one → null), enums → their value."""
    kind = type(value)
    if kind in _JSON_AS_IS:  # the common cases first: a run has many findings
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): v if type(v) in _JSON_AS_IS else jsonable(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _JSON_AS_IS else jsonable(v) for v in value]
    if kind is date:
        return value.isoformat()
    if isinstance(value, (datetime, np.datetime64)):  # pandas' Timestamp and NaT too
        stamp = pd.Timestamp(value)
        if stamp is pd.NaT:
            return None
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = list(value)
        return [jsonable(v) for v in (sorted(items, key=str) if isinstance(value, (set, frozenset)) else items)]
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if is_missing(value):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def dumps_indented(value: Any, indent: str = "  ") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`` for a :func:`jsonable`
    value, the same text in a fraction of the time (the standard library indents in pure Python)."""
    parts: list[str] = []
    _dump(value, "\n", indent, parts.append)
    return "".join(parts)


_SCALARS = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=16)
def _flat_encoder(inner: str) -> Callable[[dict], str]:
    """The C encoder for a dict of plain values whose items go on lines starting ``inner``: with no
    indent, the standard library encodes in C, and an item separator holding the line break and the
    indent gives the indented text (a run's findings and pairs are tens of thousands of such dicts)."""
    return json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=("," + inner, ": ")).encode


def _dump(value: Any, newline: str, indent: str, emit) -> None:
    kind = type(value)
    if kind is dict and value and all(type(item) in _SCALARS for item in value.values()):
        inner = newline + indent
        emit("{" + inner + _flat_encoder(inner)(value)[1:-1] + newline + "}")
        return
    if kind is str:
        emit(_encode_text(value))
    elif value is None:
        emit("null")
    elif kind is bool:
        emit("true" if value else "false")
    elif kind is int:
        emit(int.__repr__(value))
    elif kind is float:
        if not math.isfinite(value):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        emit(float.__repr__(value))
    elif kind is dict:
        if not value:
            emit("{}")
            return
        inner = newline + indent
        separator = "{" + inner
        for key, item in value.items():
            emit(separator + _encode_text(key) + ": ")
            _dump(item, inner, indent, emit)
            separator = "," + inner
        emit(newline + "}")
    elif kind is list:
        if not value:
            emit("[]")
            return
        inner = newline + indent
        separator = "[" + inner
        for item in value:
            emit(separator)
            _dump(item, inner, indent, emit)
            separator = "," + inner
        emit(newline + "]")
    else:  # not produced by jsonable; the standard library decides
        emit(json.dumps(value, ensure_ascii=False, allow_nan=False))


def _records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of ``fields`` (a field the frame lacks is null)."""
    present = [f for f in fields if f in frame.columns]
    rows = frame[present].astype(object).to_dict("records") if len(frame) else []
    return [{f: row.get(f) for f in fields} for row in rows]


def _pair(row: dict[str, Any]) -> dict[str, Any]:
    """A pair's reasons as a list (the rules join them into one text cell)."""
    reasons = row["reasons"]
    if isinstance(reasons, str):
        row["reasons"] = [r for r in reasons.split(REASON_SEPARATOR) if r.strip()]
    elif isinstance(reasons, (list, tuple)):
        row["reasons"] = list(reasons)
    else:
        row["reasons"] = []
    return row


def _text(value: Any) -> str:
    return "" if value is None or is_missing(value) else str(value)
