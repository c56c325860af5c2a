"""Table contracts: one TOML file per input table (columns, accepted headers, types, values).

Installed as ``coaching_batch.schemas``; read through :mod:`coaching_batch.contracts`.
"""
