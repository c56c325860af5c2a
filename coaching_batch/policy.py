"""A program's policy: the numbers and switches that parameterise the shared rule catalogue.

Presets ship as TOML in ``coaching_batch/programs``; a coordinator may copy one, change numbers and
pass the file instead of a name. Nothing in the rules hard-codes a number that lives here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import UsageError

DEFAULT_PROGRAM = "itss-coaching"


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    source: str
    # hours
    candidate_minimum_hours: float = 40
    coach_contact_minimum_hours: float = 12
    implausible_entry_hours: float = 8
    # window
    months_maximum: int = 6
    months_minimum: int = 2
    not_started_days: int = 30
    inactive_days: int = 30
    at_risk_days: int = 30
    # coach
    min_years_employed: float = 2
    require_pgs_meeting: bool = True
    require_training: bool = True
    grade_at_least_target: bool = True
    supervisor_recommendations: int = 1
    colleague_recommendations: int = 2
    reject_not_recommended: bool = True
    max_concurrent_candidates: int = 1
    # candidate
    require_enrollment: bool = True
    once_per_target_grade: bool = True
    # payment
    stipend: float = 300
    requires_payment_request: bool = True
    requires_coach_log: bool = True
    # reading
    day_first: bool = False
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def candidate_minimum_minutes(self) -> int:
        return round(self.candidate_minimum_hours * 60)

    @property
    def coach_contact_minimum_minutes(self) -> int:
        return round(self.coach_contact_minimum_hours * 60)

    def as_rows(self) -> list[tuple[str, str]]:
        """(setting, value) pairs for the Summary sheet."""
        rows = [("program", self.name), ("title", self.title), ("source", self.source)]
        for section, values in self.raw.items():
            if isinstance(values, dict):
                rows += [(f"{section}.{k}", str(v)) for k, v in values.items()]
        return rows


_SECTIONS = {
    "hours": {
        "candidate_minimum": "candidate_minimum_hours",
        "coach_contact_minimum": "coach_contact_minimum_hours",
        "implausible_entry_hours": "implausible_entry_hours",
    },
    "window": {k: k for k in ("months_maximum", "months_minimum", "not_started_days", "inactive_days", "at_risk_days")},
    "coach": {
        k: k
        for k in (
            "min_years_employed", "require_pgs_meeting", "require_training", "grade_at_least_target",
            "supervisor_recommendations", "colleague_recommendations", "reject_not_recommended",
            "max_concurrent_candidates",
        )
    },
    "candidate": {k: k for k in ("require_enrollment", "once_per_target_grade")},
    "payment": {k: k for k in ("stipend", "requires_payment_request", "requires_coach_log")},
    "reading": {"day_first": "day_first"},
}


def policy_from_toml(text: str, origin: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{origin} is not valid TOML: {exc}") from None
    values: dict = {}
    for section, keys in _SECTIONS.items():
        given = data.get(section, {})
        for key in given:
            if key not in keys:
                raise UsageError(f"{origin}: unknown setting [{section}] {key}")
        values.update({keys[k]: v for k, v in given.items()})
    for section in data:
        if isinstance(data[section], dict) and section not in _SECTIONS:
            raise UsageError(f"{origin}: unknown section [{section}]")
    defaults = Policy(name="", title="", source="")
    for attr, value in values.items():
        expected = type(getattr(defaults, attr))
        if expected is bool and not isinstance(value, bool) or expected is not bool and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            raise UsageError(f"{origin}: setting {attr} must be {'true/false' if expected is bool else 'a number'}, not {value!r}")
    return Policy(
        name=str(data.get("name", Path(origin).stem)),
        title=str(data.get("title", "")),
        source=str(data.get("source", origin)),
        raw=data,
        **values,
    )


def preset_names() -> list[str]:
    root = resources.files("coaching_batch.programs")
    return sorted(p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    if name not in preset_names():
        raise UsageError(f"no program preset named {name!r} (presets: {', '.join(preset_names())})")
    return (resources.files("coaching_batch.programs") / f"{name}.toml").read_text(encoding="utf-8")


def load_policy(name_or_file: str = DEFAULT_PROGRAM) -> Policy:
    """A preset by name, or a policy TOML file by path."""
    path = Path(name_or_file)
    if path.suffix.lower() == ".toml":
        if not path.is_file():
            raise UsageError(f"policy file {name_or_file} does not exist")
        return policy_from_toml(path.read_text(encoding="utf-8"), str(path))
    return policy_from_toml(preset_text(name_or_file), name_or_file)
