"""Funding events: the money mentions that report one round, merged within and across documents.

A funding or investment mention with a recipient is one report of an event. Two reports are the
same event when they name the same company, their amounts in US dollars are within 5% of each
other (rounding: "$6.6B" and "$6.57 billion"; two currencies through yearly rates), their rounds
agree (or one names none), their leads agree (or one names none), and their dates lie within
45 days (a date missing in one does not block the merge; a month or a year widens the window by
its own length). A report joins the compatible event whose amount is nearest; mentions are taken
in time order, so an event is the chain of its reports. A valuation mention joins the event of
the same company in the same document whose sentence is nearest (the "$4B valuation" of a
"$1.3B round"). Every event's id is a hash of its company and its earliest report (document and
offset), so a run that adds or removes other documents keeps it.

`assign(money)` gives the event id of each money row; `events_table(money)` one row per event
(the columns of `FUNDING_COLUMNS`). A report is compared only with the events of its company
within the amount tolerance (bisection over their amounts); the table is built by grouping.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema

EVENT_TYPES = ("funding", "investment")
AMOUNT_TOLERANCE = 0.05
WINDOW = 45  # days
_GRAIN_SLACK = {"day": 0, "month": 31, "year": 366}  # days a date of that grain may stand for
_EPOCH = date(1970, 1, 1).toordinal()
_GRAIN_RANK = {"day": 0, "month": 1, "year": 2}
NEEDED = ["doc_id", "source", "published", "published_grain", "sentence_id", "start", "kind", "company", "amount", "amount_upper",
          "currency", "amount_usd", "money_type", "round", "investor", "investors", "date", "date_grain", "event_id"]


@dataclass
class _Event:
    company: str
    amount: float
    rounds: set = field(default_factory=set)
    leads: set = field(default_factory=set)
    earliest: float | None = None  # the days its dated reports cover, their slack included
    latest: float | None = None
    rows: list = field(default_factory=list)  # indices into the money frame

    def accepts(self, amount: float, round_: str | None, lead: str | None, when, slack) -> bool:
        if abs(amount - self.amount) > AMOUNT_TOLERANCE * max(amount, self.amount):
            return False
        if round_ and self.rounds and round_ not in self.rounds:
            return False
        if lead and self.leads and lead not in self.leads:
            return False
        if when is None or self.earliest is None:
            return True
        return self.earliest - WINDOW - slack <= when <= self.latest + WINDOW + slack

    def add(self, index, round_: str | None, lead: str | None, when, slack) -> None:
        self.rows.append(index)
        if round_:
            self.rounds.add(round_)
        if lead:
            self.leads.add(lead)
        if when is not None:
            low, high = when - slack, when + slack
            self.earliest = low if self.earliest is None else min(self.earliest, low)
            self.latest = high if self.latest is None else max(self.latest, high)


def _when(date_value, grain, published) -> tuple[float | None, int]:
    """A report's time in days: its own date (a month or a year as its middle, with slack),
    else its document's publication date, else none."""
    if isinstance(date_value, str) and date_value:
        parts = date_value.split("-")
        try:
            if len(parts) == 1:
                return date(int(parts[0]), 7, 1).toordinal() - _EPOCH, _GRAIN_SLACK["year"]
            if len(parts) == 2:
                return date(int(parts[0]), int(parts[1]), 15).toordinal() - _EPOCH, _GRAIN_SLACK["month"]
            return date.fromisoformat(date_value[:10]).toordinal() - _EPOCH, _GRAIN_SLACK["day"]
        except ValueError:
            pass
    if published is not None and not pd.isna(published):
        return pd.Timestamp(published).toordinal() - _EPOCH, 0
    return None, 0


def _value(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _reports(money: pd.DataFrame) -> pd.DataFrame:
    eligible = money["money_type"].isin(EVENT_TYPES) & money["company"].notna() & money["amount_usd"].notna()
    reports = money[eligible].copy()
    times = [_when(_value(d), _value(g), p) for d, g, p in zip(reports["date"], reports["date_grain"], reports["published"])]
    reports["_time"] = [t for t, _ in times]
    reports["_slack"] = [s for _, s in times]
    reports["_undated"] = reports["_time"].isna()  # undated reports after the dated ones
    reports["_sort_time"] = pd.to_numeric(reports["_time"], errors="coerce")
    return reports.sort_values(["company", "_undated", "_sort_time", "doc_id", "start"], kind="stable", na_position="last")


class _ByAmount:
    """A company's events sorted by amount: those within the tolerance of a report's amount are
    found by bisection."""

    def __init__(self):
        self.amounts: list[float] = []
        self.events: list[_Event] = []

    def near(self, amount: float) -> tuple[int, int]:
        return (bisect_left(self.amounts, amount * (1 - AMOUNT_TOLERANCE)),
                bisect_right(self.amounts, amount / (1 - AMOUNT_TOLERANCE)))

    def add(self, event: _Event) -> None:
        at = bisect_right(self.amounts, event.amount)
        self.amounts.insert(at, event.amount)
        self.events.insert(at, event)

    def drop(self, positions: list[int]) -> None:
        for i in sorted(positions, reverse=True):
            del self.amounts[i], self.events[i]


def _cluster(reports: pd.DataFrame) -> list[_Event]:
    """Reports in (company, time) order, each joining the compatible event nearest in amount.
    A dated report looks only at the company's live events within the amount tolerance (an event
    whose reports lie past the window is dropped from them for good: reports come in time order);
    an undated one (they come last) at all of them."""
    events: list[_Event] = []
    company, live, every = None, _ByAmount(), _ByAmount()
    limit = WINDOW + _GRAIN_SLACK["year"]  # `latest` holds its own slack; a report adds at most a year
    columns = zip(reports.index, reports["company"], reports["amount_usd"], reports["round"], reports["investor"],
                  reports["_time"], reports["_slack"])
    for index, name, amount, round_, lead, when, slack in columns:
        round_, lead, when, amount = _value(round_), _value(lead), _value(when), float(amount)
        if name != company:
            company, live, every = name, _ByAmount(), _ByAmount()
        pool = live if when is not None else every
        lo, hi = pool.near(amount)
        if when is not None:
            stale = [lo + i for i, e in enumerate(pool.events[lo:hi]) if e.latest is not None and when - e.latest > limit]
            if stale:
                pool.drop(stale)
                lo, hi = pool.near(amount)
        fits = [e for e in pool.events[lo:hi] if e.accepts(amount, round_, lead, when, slack)]
        event = min(fits, key=lambda e: abs(e.amount - amount)) if fits else None
        if event is None:
            event = _Event(name, amount)
            events.append(event)
            live.add(event)
            every.add(event)
        event.add(index, round_, lead, when, slack)
    return events


def assign(money: pd.DataFrame) -> pd.Series:
    """The event id of every row of `money` (mention rows of kind money; other rows and figures
    that report no event get null), aligned with its index."""
    ids = pd.Series(pd.NA, index=money.index, dtype="string")
    if money.empty:
        return ids
    money = money[money["kind"] == "money"] if "kind" in money.columns else money
    # Each event is named after its earliest report: rank every row once, take each event's minimum.
    order = money.sort_values(["published", "doc_id", "start"], na_position="last", kind="stable").index
    rank = dict(zip(order, range(len(order))))
    docs, starts = money["doc_id"].to_dict(), money["start"].to_dict()
    found: dict = {}
    for event in _cluster(_reports(money)):
        first = min(event.rows, key=rank.__getitem__)
        key = f"{event.company}\0{docs[first]}\0{int(starts[first])}"
        event_id = hashlib.sha1(key.encode()).hexdigest()[:12]
        found.update(dict.fromkeys(event.rows, event_id))
    _attach_valuations(money, found)
    if found:
        ids.loc[list(found)] = list(found.values())
    return ids


def _attach_valuations(money: pd.DataFrame, found: dict) -> None:
    """A valuation joins the event of its company in its document whose sentence is nearest."""
    valuations = money[(money["money_type"] == "valuation") & money["company"].notna()]
    if valuations.empty or not found:
        return
    docs, companies, sentences = money["doc_id"].to_dict(), money["company"].to_dict(), money["sentence_id"].to_dict()
    by_key: dict[tuple, list[tuple[int, str]]] = {}
    for index, event in found.items():
        by_key.setdefault((docs[index], companies[index]), []).append((int(sentences[index]), event))
    for index, doc, company, sentence in zip(valuations.index, valuations["doc_id"], valuations["company"],
                                             valuations["sentence_id"]):
        candidates = by_key.get((doc, company))
        if candidates:
            found[index] = min(candidates, key=lambda c: (abs(c[0] - int(sentence)), c[0]))[1]


def events_table(money: pd.DataFrame) -> pd.DataFrame:
    """One row per event of the money rows that carry an `event_id` (`assign` them first)."""
    if "event_id" not in money.columns:
        return schema.frame([], schema.FUNDING_COLUMNS)
    money = money[money["event_id"].notna().to_numpy(dtype=bool)]
    money = money.assign(event_id=money["event_id"].astype(str), _order=range(len(money)))
    money = money.sort_values(["published", "doc_id", "start"], na_position="last", kind="stable")
    reports = money[money["money_type"].isin(EVENT_TYPES).to_numpy(dtype=bool)]
    if reports.empty:
        return schema.frame([], schema.FUNDING_COLUMNS)
    groups = reports.groupby("event_id", sort=False)
    table = pd.DataFrame({"mentions": groups.size(), "documents": groups["doc_id"].nunique(),
                          "first_published": groups["published"].min()})
    best = reports.assign(_precision=_precisions(reports["amount"]))
    best = best.sort_values("_precision", ascending=False, kind="stable").drop_duplicates("event_id").set_index("event_id")
    for col in ("company", "amount", "amount_upper", "currency", "amount_usd"):
        table[col] = best[col]
    for col, out in (("money_type", "money_type"), ("round", "round"), ("investor", "lead_investor")):
        table[out] = _most_frequent(reports, col)
    valuations = money[(money["money_type"] == "valuation").to_numpy(dtype=bool) & money["amount_usd"].notna().to_numpy(dtype=bool)]
    table["valuation_usd"] = valuations.drop_duplicates("event_id").set_index("event_id")["amount_usd"]
    sources = reports.drop_duplicates(["event_id", "doc_id"])
    table["sources"] = joined(sources["event_id"], sources["doc_id"])
    table["investors"] = _all_investors(reports, table["lead_investor"])
    dates = _finest_dates(reports)
    table["date"], table["date_grain"] = dates["date"], dates["date_grain"]
    undated = table["date"].isna() & table["first_published"].notna()
    if undated.any():  # the first publication date, at the grain its source states: "2024", never 1 January
        grain = _first_published_grains(reports).reindex(table.index)[undated].fillna("day")
        first = pd.to_datetime(table.loc[undated, "first_published"])
        table.loc[undated, "date"] = [schema.date_text(d, g) for d, g in zip(first, grain)]
        table.loc[undated, "date_grain"] = grain.where(grain.isin(["year", "month"]), "day")
    table = schema.coerce(table.rename_axis("event_id").reset_index()[list(schema.FUNDING_COLUMNS)], schema.FUNDING_COLUMNS)
    return table.sort_values(["first_published", "company", "event_id"], na_position="last", kind="stable").reset_index(drop=True)


def _first_published_grains(reports: pd.DataFrame) -> pd.Series:
    """Per event, the `published_grain` of its earliest report (`reports` sorted by published);
    rows without the column (an older store) say nothing."""
    if "published_grain" not in reports.columns:
        return pd.Series(dtype="string")
    dated = reports[reports["published"].notna().to_numpy(dtype=bool)]
    return dated.drop_duplicates("event_id").set_index("event_id")["published_grain"].astype("string")


def _precisions(amounts: pd.Series) -> np.ndarray:
    """Significant digits of each amount (up to 6): "$6.57 billion" says more than "$6.6B"."""
    values = np.abs(amounts.to_numpy(dtype="float64", na_value=np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        mantissa = values / 10.0 ** np.floor(np.log10(values))
    digits = np.full(len(values), 6)
    for k in range(5, 0, -1):  # the fewest digits that still give the amount
        scaled = mantissa * 10.0 ** (k - 1)
        digits = np.where(np.abs(scaled - np.round(scaled)) < 1e-6 * np.maximum(scaled, 1), k, digits)
    return np.where(np.isfinite(mantissa), digits, 0)


def _most_frequent(rows: pd.DataFrame, col: str) -> pd.Series:
    """Per event, the most frequent value of `col` (ties: the earliest report's)."""
    present = rows[rows[col].notna().to_numpy(dtype=bool)]
    counts = present.groupby(["event_id", col], sort=False, observed=True).size().rename("n").reset_index()
    return counts.sort_values("n", ascending=False, kind="stable").drop_duplicates("event_id").set_index("event_id")[col]


def _all_investors(rows: pd.DataFrame, leads: pd.Series) -> pd.Series:
    """Per event, every investor its reports name, the lead first, "; "-joined."""
    named = rows[["event_id", "investors"]].dropna()
    names = named.assign(name=named["investors"].astype(str).str.split("; ")).explode("name")
    first = leads.dropna().rename("name").rename_axis("event_id").reset_index()
    names = pd.concat([first, names[["event_id", "name"]]], ignore_index=True)
    names = names[names["name"].notna() & (names["name"] != "")].drop_duplicates()
    return joined(names["event_id"], names["name"])


def joined(keys: pd.Series, values: pd.Series) -> pd.Series:
    """The values of each key, in order, "; "-joined; indexed by key in order of first appearance
    (missing keys are skipped)."""
    codes, uniques = pd.factorize(keys, sort=False)
    present = codes >= 0
    texts = join_groups(codes[present], values.astype(str).to_numpy(dtype=object)[present], len(uniques))
    return pd.Series(texts, index=uniques, dtype="object")


def join_groups(codes: np.ndarray, texts, n: int) -> np.ndarray:
    """For each code 0..n-1, its texts in order, "; "-joined (None where it has none). `texts`:
    strings as an object array or a pyarrow array. The join runs in Arrow (a list per code, then
    one `binary_join`), so the cost is linear in the texts however the groups are sized, and no
    Python string is made but the n answers."""
    out = np.full(n, None, dtype=object)
    if not len(codes):
        return out
    order = np.argsort(codes, kind="stable")  # each group's texts together, in their order
    codes = codes[order]
    texts = (texts if isinstance(texts, pa.Array) else pa.array(texts, type=pa.large_string())).take(pa.array(order))
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    groups = pa.LargeListArray.from_arrays(pa.array(np.r_[starts, len(codes)], type=pa.int64()), texts)
    out[codes[starts]] = pc.binary_join(groups, pa.scalar("; ", texts.type)).to_numpy(zero_copy_only=False)
    return out


def _finest_dates(rows: pd.DataFrame) -> pd.DataFrame:
    """Per event, the finest date its reports give (the earliest of that grain)."""
    dated = rows[rows["date"].notna().to_numpy(dtype=bool) & rows["date_grain"].notna().to_numpy(dtype=bool)]
    dated = dated.assign(_rank=dated["date_grain"].astype(str).map(_GRAIN_RANK).fillna(3), date=dated["date"].astype(str))
    dated = dated.sort_values(["_rank", "date"], kind="stable").drop_duplicates("event_id")
    return dated.set_index("event_id")[["date", "date_grain"]]


def event_columns(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns the merge and the events table read (NEEDED) with the contract's dtypes, so a
    frame of categoricals (the dashboard's) or one without a newer column (an older store) reads
    as a run's own rows."""
    out = pd.DataFrame(index=rows.index)
    for col in NEEDED:
        dtype = schema.MENTION_COLUMNS[col]
        series = rows[col] if col in rows.columns else pd.Series(pd.NA, index=rows.index)
        out[col] = pd.to_datetime(series, errors="coerce") if dtype.startswith("datetime") else series.astype(dtype)
    return out


def with_event_ids(mentions: pd.DataFrame) -> pd.DataFrame:
    """`mentions` with the event id of every money row (recomputed over all of its money rows)."""
    money = mentions[(mentions["kind"] == "money").to_numpy(dtype=bool, na_value=False)]
    out = mentions.copy()
    out["event_id"] = pd.Series(pd.NA, index=mentions.index, dtype="string")
    if not money.empty:
        out.loc[money.index, "event_id"] = assign(event_columns(money))
    return out


def write_events(writer) -> pd.DataFrame:
    """Events over every money row of the version a `StoreWriter` is writing: each part file
    whose money rows' event ids change is rewritten in that version (a part an incremental run
    kept stays a hard link when its ids hold), and the events table is returned for
    funding.parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    frames, positions = [], []
    parts = writer.close_parts()
    for n, part in enumerate(parts):
        table = pq.read_table(part, columns=NEEDED)
        where = np.flatnonzero(pc.equal(table["kind"], "money").fill_null(False).to_numpy(zero_copy_only=False))
        positions.append(where)
        if len(where):
            frames.append(schema.coerce(table.take(pa.array(where)).to_pandas(), {c: schema.MENTION_COLUMNS[c] for c in NEEDED})
                          .assign(_part=n, _row=where))
    if not frames:
        return events_table(schema.mentions_frame([]))
    money = pd.concat(frames, ignore_index=True)
    money["event_id"] = assign(money)
    for n, part in enumerate(parts):
        mine = money[money["_part"] == n]
        if mine.empty:
            continue
        stored = pq.read_table(part, columns=["event_id"])["event_id"].to_pylist()
        wanted = [None if pd.isna(v) else v for v in mine["event_id"]]
        if [stored[i] for i in mine["_row"]] == wanted:
            continue
        ids = [None] * len(stored)
        for i, v in zip(mine["_row"], wanted):
            ids[i] = v
        table = pq.read_table(part)
        column = table.schema.get_field_index("event_id")
        writer.replace_part(part, table.set_column(column, "event_id", pa.array(ids, type=table.schema.field(column).type)))
    return events_table(money)


def read_funding(out) -> pd.DataFrame:
    """The events table of a store: its funding.parquet, or, for a store written before it
    existed, events computed from its money rows (one version read either way)."""
    from pathlib import Path

    from etl.query import Query, Selection
    from etl.store import FUNDING

    with Query(Path(out)) as query:  # one version for both
        path = query.version / FUNDING
        if path.is_file():
            return schema.coerce(pd.read_parquet(path), schema.FUNDING_COLUMNS)
        money = query.frame(Selection(kinds=("money",)))
    return events_table(with_event_ids(money))
