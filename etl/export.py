"""CSV export that Excel opens with Arabic, Hindi and Chinese intact and no live formulas."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

# Excel, LibreOffice and Google Sheets start a formula on these; a tab or CR can hide one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that would start a formula is neutralised; numbers untouched."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell, na_action="ignore")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel detects the encoding), formula cells neutralised."""
    return safe_for_spreadsheet(df).to_csv(index=False).encode("utf-8-sig")


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(to_csv_bytes(df))
    tmp.replace(path)
    return path
