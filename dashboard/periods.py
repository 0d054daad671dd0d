"""Periods of a timeline: every period between the first and the last, at the chart's grain.

A timeline built only from the periods that have data joins Q1 2024 to Q1 2025 with one straight
line, as if the quarters between had been measured. Here the periods are listed in full, so a
period with documents but no mention is a 0, and a period with no documents at all is a gap.
"""
from __future__ import annotations

import pandas as pd

from dashboard.summaries import period_start

FREQ = {"day": "D", "week": "7D", "month": "MS", "quarter": "QS", "year": "YS"}
DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}  # average length
OFFSETS = {
    "day": pd.DateOffset(days=1), "week": pd.DateOffset(days=7), "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1),
}


def every_period(first, last, grain: str) -> pd.DatetimeIndex:
    """The start of every period from the one holding `first` to the one holding `last`."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    lo, hi = period_start(pd.Series([pd.Timestamp(first), pd.Timestamp(last)]), grain)
    return pd.date_range(lo, hi, freq=FREQ[grain]).astype("datetime64[ns]")


def zero_filled(values: pd.Series, periods: pd.DatetimeIndex) -> pd.Series:
    """`values` (indexed by period start) on every one of `periods`, 0 where it has none."""
    return values.reindex(periods, fill_value=0)


def length_ms(grain: str) -> float:
    """A period's average length in milliseconds (plotly's unit for widths on a date axis)."""
    return DAYS[grain] * 86_400_000


def padded_range(periods, grain: str) -> list[pd.Timestamp]:
    """An x range from half a period before the first to half a period after the last, so one or
    two points sit in the middle of a sensible span rather than on a range of milliseconds."""
    half = pd.Timedelta(days=DAYS[grain] / 2)
    first, last = pd.Timestamp(min(periods)), pd.Timestamp(max(periods))
    return [first - half, last + half]
