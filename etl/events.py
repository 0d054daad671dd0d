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
(the columns of `FUNDING_COLUMNS`). Linear in the mentions times the events of one company open
in the date window.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl import schema

EVENT_TYPES = ("funding", "investment")
AMOUNT_TOLERANCE = 0.05
WINDOW = 45  # days
_GRAIN_SLACK = {"day": 0, "month": 31, "year": 366}  # days a date of that grain may stand for
_EPOCH = date(1970, 1, 1).toordinal()
_GRAIN_RANK = {"day": 0, "month": 1, "year": 2}
NEEDED = ["doc_id", "source", "published", "sentence_id", "start", "kind", "company", "amount", "amount_upper",
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


def _cluster(reports: pd.DataFrame) -> list[_Event]:
    """Reports in (company, time) order, each joining the compatible open event nearest in amount."""
    events: list[_Event] = []
    open_events: list[_Event] = []
    company = None
    columns = zip(reports.index, reports["company"], reports["amount_usd"], reports["round"], reports["investor"],
                  reports["_time"], reports["_slack"])
    for index, name, amount, round_, lead, when, slack in columns:
        round_, lead, when = _value(round_), _value(lead), _value(when)
        if name != company:
            company, open_events = name, []
        if when is not None:  # reports come in time order: an event far behind can take no more
            open_events = [e for e in open_events if e.latest is None or when - e.latest <= WINDOW + 2 * _GRAIN_SLACK["year"]]
        fits = [e for e in open_events if e.accepts(float(amount), round_, lead, when, slack)]
        event = min(fits, key=lambda e: abs(e.amount - float(amount))) if fits else None
        if event is None:
            event = _Event(name, float(amount))
            events.append(event)
            open_events.append(event)
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


_ROW_COLUMNS = ("event_id", "doc_id", "published", "start", "company", "amount", "amount_upper", "currency",
                "amount_usd", "money_type", "round", "investor", "investors", "date", "date_grain")


def events_table(money: pd.DataFrame) -> pd.DataFrame:
    """One row per event of the money rows that carry an `event_id` (`assign` them first)."""
    money = money[money["event_id"].notna()] if "event_id" in money.columns else money.iloc[0:0]
    money = money.sort_values(["published", "doc_id", "start"], na_position="last", kind="stable")
    records = zip(*(money[c].astype(object).where(money[c].notna(), None).tolist() for c in _ROW_COLUMNS))
    groups: dict[str, list[dict]] = {}
    for values in records:
        row = dict(zip(_ROW_COLUMNS, values))
        groups.setdefault(row["event_id"], []).append(row)
    rows = [r for r in (_event_row(event_id, group) for event_id, group in groups.items()) if r is not None]
    table = schema.frame(rows, schema.FUNDING_COLUMNS)
    return table.sort_values(["first_published", "company", "event_id"], na_position="last", kind="stable").reset_index(drop=True)


def _event_row(event_id: str, group: list[dict]) -> dict | None:
    """An event from its rows (earliest report first)."""
    reports = [r for r in group if r["money_type"] in EVENT_TYPES]
    if not reports:
        return None
    best = max(enumerate(reports), key=lambda x: (_precision(x[1]["amount"]), -x[0]))[1]
    rounds = Counter(r["round"] for r in reports if r["round"])
    leads = Counter(r["investor"] for r in reports if r["investor"])
    valuation = next((r["amount_usd"] for r in group if r["money_type"] == "valuation" and r["amount_usd"] is not None), None)
    docs = list(dict.fromkeys(r["doc_id"] for r in reports))
    published = [r["published"] for r in reports if r["published"] is not None]
    when = _event_date(reports, min(published) if published else None)
    return {
        "event_id": event_id, "company": best["company"],
        "money_type": Counter(r["money_type"] for r in reports).most_common(1)[0][0],
        "round": rounds.most_common(1)[0][0] if rounds else None,
        "amount": best["amount"], "amount_upper": best["amount_upper"], "currency": best["currency"],
        "amount_usd": best["amount_usd"], "valuation_usd": valuation, "date": when[0], "date_grain": when[1],
        "lead_investor": leads.most_common(1)[0][0] if leads else None,
        "investors": _investors(reports, leads),
        "mentions": len(reports), "documents": len(docs),
        "first_published": min(published) if published else None,
        "sources": "; ".join(docs),
    }


def _precision(amount) -> int:
    """Significant digits of an amount: "$6.57 billion" says more than "$6.6B"."""
    digits = f"{float(amount):.6g}".replace(".", "").lstrip("0").split("e")[0].rstrip("0")
    return len(digits)


def _event_date(reports: list[dict], first_published) -> tuple[str | None, str | None]:
    """The finest date the reports give (the earliest of that grain), else the first
    publication date (day)."""
    dated = [(r["date"], r["date_grain"]) for r in reports if r["date"] and r["date_grain"]]
    if dated:
        return min(dated, key=lambda x: (_GRAIN_RANK.get(x[1], 3), x[0]))
    return (pd.Timestamp(first_published).date().isoformat(), "day") if first_published is not None else (None, None)


def _investors(reports: list[dict], leads: Counter) -> str | None:
    names = [leads.most_common(1)[0][0]] if leads else []
    for r in reports:
        if r["investors"]:
            names += [n for n in r["investors"].split("; ") if n]
    return "; ".join(dict.fromkeys(names)) or None


def with_event_ids(mentions: pd.DataFrame) -> pd.DataFrame:
    """`mentions` with the event id of every money row (recomputed over all of its money rows)."""
    money = mentions[mentions["kind"] == "money"]
    out = mentions.copy()
    out["event_id"] = pd.Series(pd.NA, index=mentions.index, dtype="string")
    if not money.empty:
        out.loc[money.index, "event_id"] = assign(money[NEEDED[:-1]])
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

    from etl.store import FUNDING, Reading, read_mentions

    with Reading(Path(out)) as reading:
        path = reading.path / FUNDING
        if path.is_file():
            return schema.coerce(pd.read_parquet(path), schema.FUNDING_COLUMNS)
        money = read_mentions(reading.path, kinds=["money"])
    return events_table(with_event_ids(money))
