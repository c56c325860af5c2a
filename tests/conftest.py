"""Shared fixtures: small typed tables for rule tests, built without any workbook."""

from __future__ import annotations

import pandas as pd
import pytest

from coaching_batch.contracts import tables as contracts
from coaching_batch.policy import load_policy
from coaching_batch.validate import SheetSource, Tables

DATE_TYPES = {"date"}
MINUTE_TYPES = {"duration"}


def typed_tables(**rows: list[dict]) -> Tables:
    """Tables from lists of dicts keyed by canonical column; dates as 'YYYY-MM-DD', durations in minutes."""
    result = Tables(frames={})
    for name, table in contracts().items():
        given = rows.get(name, [])
        source = len(result.sources)
        result.sources.append(SheetSource(f"{name}.xlsx", table.title, {c.name: i for i, c in enumerate(table.columns)}))
        frame = pd.DataFrame(given, columns=[c.name for c in table.columns])
        for column in table.columns:
            if column.type in DATE_TYPES:
                frame[column.name] = pd.to_datetime(frame[column.name])
            elif column.type in MINUTE_TYPES:
                frame[column.name] = frame[column.name].astype("Int64")
            elif column.type in ("integer", "rating"):
                frame[column.name] = frame[column.name].astype("Int64")
            elif column.type == "yesno":
                frame[column.name] = frame[column.name].astype("boolean")
            else:
                frame[column.name] = frame[column.name].astype(object).where(frame[column.name].notna(), None)
        frame["_file"] = f"{name}.xlsx"
        frame["_sheet"] = table.title
        frame["_row"] = range(2, len(frame) + 2)
        frame["_src"] = source
        result.frames[name] = frame
    return result


@pytest.fixture
def policy():
    return load_policy("itss-coaching")
