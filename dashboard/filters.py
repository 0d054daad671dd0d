"""The sidebar filters as a value: applied to the mentions table, mirrored in the URL. No Streamlit.

Semantics (an empty selection means "no restriction"):
- dates: ``published`` between ``date_from`` and ``date_to`` inclusive; rows of documents without
  a date are kept only while ``undated`` is true.
- companies / products: a row is kept when its ``entity`` is one of the chosen companies or
  products, or its ``company`` is one of the chosen companies (so choosing OpenAI keeps ChatGPT
  mentions and OpenAI's funding rows).
- licenses: ``open``, ``closed`` and ``none`` (no stance, which includes money and date rows).
- languages, kinds, sources: the row's value is one of the chosen ones.
- source_text: the source contains this text, ignoring case (for corpora with too many files to
  list in a multi-select).

URL form (``st.query_params``): ``from=YYYY-MM-DD``, ``to=YYYY-MM-DD``, ``undated=0``, ``src=TEXT``
and a repeated key per chosen value (``lang=ar&lang=hi``); view options ``grain``, ``top``,
``measure`` (share, documents, mentions), ``avg`` (rolling periods: 3, 7), the open ``tab``, the
entity page ``entity=DeepSeek&compare=Qwen`` and the drill-down ``drill=entity:DeepSeek``;
defaults are left out, so an unfiltered view has a clean URL. Unknown or malformed values, and values outside what the widgets allow (``top``
beyond the slider's 1-30), are dropped on the way in, never raised; `from_query_params` says
which in `notices`, for the page to show.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date

import numpy as np
import pandas as pd

from dashboard.summaries import is_in, take
from etl import query
from etl.query import LICENSE_NONE, Selection
from etl.schema import KINDS

LICENSE_CHOICES = ("open", "closed", LICENSE_NONE)
GRAINS = ("day", "week", "month", "quarter", "year")
TABS = ("Overview", "Timeline", "Open vs closed", "Funding", "Mentions table")
TOP_RANGE = (1, 30)  # entities on the timeline: the slider's range, and what a URL may ask for


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    undated: bool = True
    langs: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_text: str = ""

    def __post_init__(self):  # lists from widgets become tuples, so a Filters is hashable
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (list, set)):
                object.__setattr__(self, f.name, tuple(value))

    @property
    def entities(self) -> tuple[str, ...]:
        return self.companies + self.products

    def is_default(self) -> bool:
        return self == Filters()

    def selection(self) -> Selection:
        """These filters as the project's one filter (etl.query.Selection), which the store's SQL
        and the in-memory mask both evaluate."""
        return Selection(langs=self.langs, kinds=self.kinds, since=self.date_from, until=self.date_to,
                         undated=self.undated, entities=self.entities, companies=self.companies, either_name=True,
                         licenses=self.licenses, sources=self.sources, source_text=self.source_text)


MEASURES = ("share", "documents", "mentions")  # dashboard.attention: share of documents, documents, mentions
ROLLING = (0, 3, 7)
MAX_COMPARE = 4  # an entity page compares its entity with up to four others (2-5 side by side)


@dataclass(frozen=True)
class View:
    """Display options that are not filters but belong in a shared link: the timeline's grain,
    size, measure and rolling average, the open tab, the entity page (``entity``) and the
    entities compared with it, and the drill-down target of the open tab or page (``drill``:
    dashboard.drilldown.Target.to_param strings)."""

    grain: str = "month"
    top: int = 8
    measure: str = "share"
    rolling: int = 0
    tab: str = TABS[0]
    entity: str = ""
    compare: tuple[str, ...] = ()
    drill: tuple[str, ...] = ()

    def __post_init__(self):
        for name in ("compare", "drill"):
            if isinstance(getattr(self, name), (list, set)):
                object.__setattr__(self, name, tuple(getattr(self, name)))


# --- applying ---------------------------------------------------------------------------------
# The semantics above are etl.query.Selection's; these apply them to frames already in memory.

def mask(df: pd.DataFrame, f: Filters) -> np.ndarray:
    """Boolean row mask of the mentions table for `f`."""
    return query.mask(df, f.selection())


def apply(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows of the mentions table that pass `f` (all columns; the same frame when unfiltered)."""
    return Filtered(df, f).frame()


# The columns of the light mentions frame each part of the page reads: a rerun takes only the open
# part's columns of the filtered rows (tests/test_filtered.py checks that every part answers the
# same from these columns alone as from all of them). The drill-down's are drilldown.reads(target).
READS = {
    "Overview": ("doc_id", "entity", "kind", "lang", "linked"),
    "Timeline": ("doc_id", "entity", "kind", "published", "published_grain", "family"),
    "Open vs closed": ("company", "kind", "license", "license_from", "published", "published_grain"),
    "Funding": ("doc_id", "event_id", "kind", "money_type", "published"),
    "Mentions table": (),  # the index only: the rows are read whole for the page's first rows (Dataset.rows)
    "Entity page": ("doc_id", "source", "lang", "published", "published_grain", "kind", "entity", "company", "license",
                    "license_from", "money_type", "event_id"),
}
DATES = ("published", "published_grain")  # what the Overview also reads when no document passes the filters


class Filtered:
    """The rows of the light mentions frame `frame` that pass `f`, a column taken only when a part
    of the page asks for it (`frame(columns)`), and each at most once. At 10 M rows, a view of 6 M
    rows with all 17 columns is 0.4-0.7 s of copying; the open tab reads 4-12 of them. A run's own
    object: not shared between threads."""

    def __init__(self, frame: pd.DataFrame, f: Filters):
        self.whole, self.filters = frame, f
        self._taken: dict[str, pd.api.extensions.ExtensionArray] = {}

    @functools.cached_property
    def _positions(self) -> np.ndarray | None:
        return None if self.filters.is_default() else np.flatnonzero(mask(self.whole, self.filters))

    @functools.cached_property
    def index(self) -> pd.Index:
        index = self.whole.index
        if self._positions is None:
            return index
        if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
            return pd.Index(self._positions, copy=False)  # the labels are the positions: no copy of millions
        return index.take(self._positions)

    def __len__(self) -> int:
        return len(self.index)

    def frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The rows with these columns (all when None), in the frame's column order, with the
        frame's index labels. Unfiltered: the frame itself, all its columns."""
        if self._positions is None:
            return self.whole
        wanted = [c for c in self.whole.columns if columns is None or c in columns]
        missing = [c for c in wanted if c not in self._taken]
        if missing:
            self._taken.update((c, column.array) for c, column in take(self.whole, missing, self._positions, self.index).items())
        return pd.DataFrame({c: self._taken[c] for c in wanted}, index=self.index, copy=False)


def apply_documents(documents: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The documents table under the filters it has columns for (dates, languages, sources)."""
    return documents[query.mask(documents, f.selection().documents())]


# --- the date widget ------------------------------------------------------------------------------

def follow_bounds(picked: Sequence[date], bounds: tuple[date, date], before: tuple[date, date] | None = None) -> tuple[date, date]:
    """A date range chosen in the widget, kept inside the data's range `bounds`. When the data's
    range changed (uploads), an end that sat at the old limit (`before`) moves to the new one, so
    "everything" stays everything. A half-picked range (one date) runs to the last day."""
    lo, hi = bounds
    start, end = (picked[0], picked[1]) if len(picked) > 1 else (picked[0], hi)
    if before is not None and before != bounds:
        start = lo if start == before[0] else start
        end = hi if end == before[1] else end
    start, end = min(max(start, lo), hi), min(max(end, lo), hi)
    return (start, end) if start <= end else (end, start)


def date_range(picked: Sequence[date], bounds: tuple[date, date]) -> tuple[date | None, date | None]:
    """(date_from, date_to) for Filters from the widget's range: an end at the data's limit means
    "no limit", so a shared link keeps working as newer documents arrive."""
    if not picked:
        return None, None
    start, end = follow_bounds(picked, bounds)
    return (start if start > bounds[0] else None), (end if end < bounds[1] else None)


# --- URL ----------------------------------------------------------------------------------------

MULTI = {"lang": "langs", "company": "companies", "product": "products", "kind": "kinds", "license": "licenses", "source": "sources"}


def to_query_params(f: Filters, view: View | None = None) -> dict[str, str | list[str]]:
    """The filters (and view options) as URL query parameters; defaults are omitted."""
    params: dict[str, str | list[str]] = {}
    if f.date_from is not None:
        params["from"] = f.date_from.isoformat()
    if f.date_to is not None:
        params["to"] = f.date_to.isoformat()
    if not f.undated:
        params["undated"] = "0"
    for key, attr in MULTI.items():
        values = getattr(f, attr)
        if values:
            params[key] = [str(v) for v in values]
    if f.source_text:
        params["src"] = f.source_text
    if view is not None:
        default = View()
        if view.grain != default.grain:
            params["grain"] = view.grain
        if view.top != default.top:
            params["top"] = str(view.top)
        if view.measure != default.measure:
            params["measure"] = view.measure
        if view.rolling != default.rolling:
            params["avg"] = str(view.rolling)
        if view.tab != default.tab:
            params["tab"] = view.tab
        if view.entity:
            params["entity"] = view.entity
            if view.compare:
                params["compare"] = list(view.compare)
        if view.drill:
            params["drill"] = list(view.drill)
    return params


def _values(params: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    values = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for v in values:  # keep order, drop blanks and repeats
        v = str(v).strip()
        if v and v not in out:
            out.append(v)
    return out


def _date(params: Mapping[str, str | Sequence[str]], key: str, notices: list[str] | None = None) -> date | None:
    values = _values(params, key)
    try:
        return date.fromisoformat(values[-1]) if values else None
    except ValueError:
        if notices is not None:
            notices.append(f"{key}={_shown(values[-1])} (a date as YYYY-MM-DD)")
        return None


def from_query_params(params: Mapping[str, str | Sequence[str]], notices: list[str] | None = None) -> tuple[Filters, View]:
    """Filters and view options from URL query parameters (as ``{key: str or [str, ...]}``).
    What is dropped is described in `notices` (when given), one short line per parameter."""
    notices = [] if notices is None else notices
    date_from, date_to = _date(params, "from", notices), _date(params, "to", notices)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    undated = (_values(params, "undated") or ["1"])[-1] not in {"0", "false", "no"}
    multi = {attr: tuple(_values(params, key)) for key, attr in MULTI.items()}
    for key, attr, allowed in (("kind", "kinds", KINDS), ("license", "licenses", LICENSE_CHOICES)):
        _note_unknown(notices, key, [v for v in multi[attr] if v not in allowed], allowed)
        multi[attr] = tuple(v for v in multi[attr] if v in allowed)
    source_text = (_values(params, "src") or [""])[-1][:200]
    f = Filters(date_from=date_from, date_to=date_to, undated=undated, source_text=source_text, **multi)

    view = View()
    grain = (_values(params, "grain") or [view.grain])[-1]
    if grain in GRAINS:
        view = replace(view, grain=grain)
    else:
        _note_unknown(notices, "grain", [grain], GRAINS)
    top = (_values(params, "top") or [str(view.top)])[-1]
    low, high = TOP_RANGE
    if top.isascii() and top.isdigit() and low <= int(top) <= high:
        view = replace(view, top=int(top))
    else:
        notices.append(f"top={_shown(top)} (a whole number from {low} to {high})")
    measure = (_values(params, "measure") or [view.measure])[-1]
    if measure in MEASURES:
        view = replace(view, measure=measure)
    else:
        _note_unknown(notices, "measure", [measure], MEASURES)
    rolling = (_values(params, "avg") or [str(view.rolling)])[-1]
    if rolling in {str(r) for r in ROLLING}:
        view = replace(view, rolling=int(rolling))
    else:
        _note_unknown(notices, "avg", [rolling], [str(r) for r in ROLLING])
    tab = (_values(params, "tab") or [view.tab])[-1]
    if tab in TABS:
        view = replace(view, tab=tab)
    else:
        _note_unknown(notices, "tab", [tab], TABS)
    entity = (_values(params, "entity") or [""])[-1][:200]
    compare = [c[:200] for c in _values(params, "compare") if c != entity] if entity else []
    if len(compare) > MAX_COMPARE:
        notices.append(f"compare: only the first {MAX_COMPARE} entities are compared")
    drill = tuple(v[:300] for v in _values(params, "drill"))[:12]
    return f, replace(view, entity=entity, compare=tuple(compare[:MAX_COMPARE]), drill=drill)


def unknown_choices(f: Filters, choices: Mapping[str, Sequence[str] | None]) -> list[str]:
    """Notices for the values of `f`'s multi-selects that the data does not have (a link made on
    other data); the page drops them."""
    notices: list[str] = []
    for key, attr in MULTI.items():
        listed = choices.get(attr, ())
        if listed is None:  # not listed (too many sources): the page drops them without a list to check
            continue
        allowed = set(listed)
        _note_unknown(notices, key, [v for v in getattr(f, attr) if v not in allowed], None)
    return notices


def _note_unknown(notices: list[str], key: str, values: Sequence[str], allowed: Sequence[str] | None) -> None:
    if not values:
        return
    valid = f"one of {', '.join(allowed)}" if allowed is not None else "not in this data"
    notices.append(f"{key}={', '.join(_shown(v) for v in values)} ({valid})")


def _shown(value: str, limit: int = 40) -> str:
    """A URL value as it may be quoted back on the page: short."""
    return value if len(value) <= limit else value[:limit] + "…"


def by_family(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with each versioned product under its family ("Qwen2.5-VL" and "Qwen 2.5 Max"
    count as Qwen): the timeline's and the drill-down's "families" view. Companies, dates,
    money and rows without a family (an older store) keep their entity."""
    if "family" not in df.columns or df.empty:
        return df
    use = is_in(df["kind"], ["product"]) & df["family"].notna().to_numpy(bool)
    if not use.any():
        return df
    entity = df["entity"].astype("string").to_numpy(dtype=object).copy()
    entity[use] = df["family"].astype("string").to_numpy(dtype=object)[use]
    mapped = pd.Series(entity, index=df.index, dtype="string")
    return df.assign(entity=mapped.astype("category") if isinstance(df["entity"].dtype, pd.CategoricalDtype) else mapped)
