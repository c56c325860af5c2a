"""The table contracts of ``schemas/``, loaded once: columns, accepted headers, types, values.

Every stage that needs to know what a table looks like asks here: the header recogniser, the
pandera validation and (later) the template writer. Adding a header alias is a one-line change in
the table's TOML file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from . import settings

COLUMN_TYPES = ("id", "text", "integer", "rating", "date", "duration", "enum", "yesno")
# A text column may suggest values in the templates' dropdown without limiting them: "programs" = the
# program presets' names (the run judges the Program column, which also takes titles and own files).
SUGGESTION_SOURCES = ("programs",)
LOG_PAIR_COLUMNS = ("candidate_id", "coach_id")  # a log row's pair, unless labelled cells above the table name it
_COLUMN_KEYS = {"name", "headers", "type", "required", "unique", "values", "variants", "suggest", "help", "confidential"}


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]
    type: str
    required: bool = False
    unique: bool = False
    values: tuple[str, ...] = ()
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggest: str = ""  # one of SUGGESTION_SOURCES: a dropdown that still allows any other value
    confidential: bool = False  # its values never leave the input, not even quoted in a finding
    help: str = ""

    @property
    def example(self) -> object:
        """The value the templates write in this column's cell of their example row (a column that
        suggests values writes its first suggestion instead: see templates)."""
        if self.type == "date":
            return datetime(*settings.EXAMPLE_DATE)
        if self.type == "enum":
            return self.values[0]
        return _EXAMPLE_VALUE[self.type]


_EXAMPLE_VALUE = {"id": settings.EXAMPLE_ID, "text": settings.EXAMPLE_TEXT, "integer": settings.EXAMPLE_INTEGER,
                  "rating": settings.EXAMPLE_RATING, "duration": settings.EXAMPLE_HOURS, "yesno": "Yes"}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    confidential: bool = False
    log: bool = False

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def needed_in_rows(self, column: Column) -> bool:
        """Whether a row without a value in ``column`` is reported and left out: a required column, or a
        log's Candidate ID / Coach ID (optional only on a paper log naming its pair above the table)."""
        return column.required or (self.log and column.name in LOG_PAIR_COLUMNS)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _table_from_toml(data: dict) -> Table:
    columns = []
    for raw in data["columns"]:
        if raw["type"] not in COLUMN_TYPES:
            raise ValueError(f"{data['name']}.{raw['name']}: unknown type {raw['type']!r}")
        if set(raw) - _COLUMN_KEYS:
            raise ValueError(f"{data['name']}.{raw['name']}: unknown key(s) {sorted(set(raw) - _COLUMN_KEYS)}")
        if raw.get("suggest", "") not in ("", *SUGGESTION_SOURCES):
            raise ValueError(f"{data['name']}.{raw['name']}: unknown suggest {raw['suggest']!r}")
        columns.append(
            Column(
                name=raw["name"],
                headers=tuple(raw["headers"]),
                type=raw["type"],
                required=raw.get("required", False),
                unique=raw.get("unique", False),
                values=tuple(raw.get("values", ())),
                variants={k: tuple(v) for k, v in raw.get("variants", {}).items()},
                suggest=raw.get("suggest", ""),
                confidential=raw.get("confidential", False),
                help=raw.get("help", ""),
            )
        )
    return Table(
        name=data["name"],
        title=data["title"],
        description=data.get("description", ""),
        columns=tuple(columns),
        confidential=data.get("confidential", False),
        log=data.get("log", False),
    )


TABLE_ORDER = (
    "employees", "recommendations", "requests", "assignments", "coach_log", "candidate_log", "feedback", "milestones",
)


@cache
def tables() -> dict[str, Table]:
    """All table contracts by name, in the order a coordinator thinks of them."""
    root = resources.files("coaching_batch.schemas")
    loaded = {}
    for name in TABLE_ORDER:
        data = tomllib.loads((root / f"{name}.toml").read_text(encoding="utf-8"))
        loaded[name] = _table_from_toml(data)
    return loaded
