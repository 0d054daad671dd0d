"""Drill-down: which rows a clicked chart mark (or a chosen entity) stands for, and the source
sentences of those rows as escaped HTML with the mentions highlighted. No Streamlit.

Everything that comes from a document (sentence, title, source, language code, URL) is escaped
with `html.escape`; the only markup in the output is ours (style, div, p, a, span, bdi, b, mark).
`escape_markdown` does the same for text shown through Streamlit's Markdown (captions, alerts).

Where the mention is in the sentence: the table gives document offsets, not sentence offsets,
so the mention is located by its surface form (``text``) in ``sentence``. For the k-th row (by
document offset) with the same text in the same sentence, the k-th occurrence is highlighted; a
single mention is thus its first occurrence. If the text does not occur verbatim, a
case-insensitive search is tried; failing that, the sentence is shown without a highlight and
the mention is named beside it.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from dashboard import labels as words
from dashboard import periods, summaries

RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
COLUMNS = ("entity", "company", "kind", "lang", "license", "license_from", "money_type", "doc_id", "start", "linked", "source",
           "event_id")


# --- what was clicked ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A set of rows: column == value for each pair (None = missing), optionally within a period
    (``period`` = ISO date of its first day, ``grain`` = day/week/month/quarter/year)."""

    equals: tuple[tuple[str, object], ...] = ()
    period: str | None = None
    grain: str | None = None

    @classmethod
    def of(cls, **criteria) -> "Target":
        period, grain = criteria.pop("period", None), criteria.pop("grain", None)
        equals = tuple((k, v) for k, v in criteria.items() if k in COLUMNS)
        return cls(equals, period, grain if grain in periods.OFFSETS else None)

    @property
    def label(self) -> str:
        """In words: "DeepSeek · Open, stated in the text · March 2025" (see describe)."""
        return describe(self)

    @property
    def entity(self) -> str | None:
        """The company or product the rows are about, when the target names one."""
        got = dict(self.equals)
        value = got.get("entity") or got.get("company")
        return str(value) if value else None

    def to_param(self) -> list[str]:
        """The target in the URL: ``drill=entity:DeepSeek&drill=period:2025-03-01`` (one
        ``column:value`` per criterion; an empty value means missing)."""
        out = [f"{k}:{'' if v is None else v}" for k, v in self.equals]
        if self.period:
            out.append(f"period:{self.period}")
            out.append(f"grain:{self.grain or 'day'}")
        return out

    @classmethod
    def from_param(cls, values) -> "Target | None":
        """The inverse of to_param; None when nothing usable is given (unknown columns dropped)."""
        criteria: dict[str, object] = {}
        for item in [values] if isinstance(values, str) else list(values or []):
            key, sep, value = str(item).partition(":")
            if not sep or (key not in COLUMNS and key not in ("period", "grain")):
                continue
            if key == "linked":
                criteria[key] = value.lower() in ("1", "true", "yes")
            elif key == "start":
                if not value.isdigit():
                    continue
                criteria[key] = int(value)
            elif key == "period":
                try:
                    criteria[key] = pd.Timestamp(value).date().isoformat()
                except ValueError:
                    continue
            else:
                criteria[key] = value or None
        target = cls.of(**criteria)
        return target if target.equals or target.period else None


def describe(target: Target, documents: pd.DataFrame | None = None) -> str:
    """A target in words, e.g. "DeepSeek · Open, stated in the text · March 2025", "Arabic ·
    Company", "New organisations", or "A figure in “OpenAI closes $40 billion round”" (the
    document's title when `documents` has it, not its id)."""
    got = dict(target.equals)
    parts = []
    for key in ("entity", "company"):
        if got.get(key):
            parts.append(str(got[key]))
            break
    if got.get("linked") is False:
        parts.append("new organisation" if got.get("entity") else "New organisations")
    if "lang" in got:
        parts.append(words.value("lang", got["lang"]) or "no language")
    if "kind" in got and (got["kind"] != "money" or "money_type" not in got):
        parts.append(words.value("kind", got["kind"]))
    if "money_type" in got:
        parts.append(words.value("money_type", got["money_type"]))
    if "license" in got:
        stance = words.value("license", got["license"]) or "No stance"
        if got.get("license_from"):
            stance += ", " + words.value("license_from", got["license_from"]).lower().replace("knowledge base", "from the knowledge base")
        parts.append(stance)
    if "doc_id" in got:
        name = _document_name(str(got["doc_id"]), documents)
        parts.append(f"A figure in “{name}”" if "start" in got else f"“{name}”")
    if "source" in got and "doc_id" not in got:
        parts.append(str(got["source"]))
    if "event_id" in got:
        parts.append("One funding event (every report of it)")
    if target.period:
        parts.append(words.date_at(target.period, target.grain or "day"))
    return " · ".join(p for p in parts if p) or "All rows"


def _document_name(doc_id: str, documents: pd.DataFrame | None) -> str:
    if documents is not None and len(documents) and "doc_id" in documents.columns:
        found = documents[(documents["doc_id"] == doc_id).to_numpy(dtype=bool, na_value=False)]
        if len(found):
            row = found.iloc[0]
            return document_label(row.get("title"), row.get("site"), row.get("source"))
    return "an article"


def target_from_point(point: Mapping) -> Target | None:
    """The Target of one point of a Streamlit plotly selection event (``event.selection.points[i]``),
    read from the JSON ``customdata`` the chart functions attach; None if the point carries none."""
    data = point.get("customdata")
    if isinstance(data, (list, tuple)):
        data = data[0] if data else None
    if not isinstance(data, str):
        return None
    try:
        criteria = json.loads(data)
    except ValueError:
        return None
    if not isinstance(criteria, dict):
        return None
    return Target.of(**{str(k): v for k, v in criteria.items()})


def target_from_selection(selection: Mapping | None) -> Target | None:
    """The Target of the first selected point of a selection event (``event.selection``), if any."""
    points = (selection or {}).get("points") or []
    for point in points:
        found = target_from_point(point)
        if found is not None:
            return found
    return None


def rows_mask(df: pd.DataFrame, target: Target) -> np.ndarray:
    keep = np.ones(len(df), dtype=bool)
    for col, value in target.equals:
        if col not in df.columns:
            return np.zeros(len(df), dtype=bool)
        series = df[col]
        if value is None:
            keep &= series.isna().to_numpy()
        elif col == "start":
            keep &= (series == int(value)).to_numpy(dtype=bool, na_value=False)
        elif col == "linked":
            keep &= (series == bool(value)).to_numpy(dtype=bool, na_value=False)
        else:
            keep &= series.isin([str(value)]).to_numpy(dtype=bool, na_value=False)
    if target.period:
        try:
            start = pd.Timestamp(target.period)
        except ValueError:
            return np.zeros(len(df), dtype=bool)
        end = start + periods.OFFSETS.get(target.grain or "day", periods.OFFSETS["day"])
        published = df["published"]
        keep &= ((published >= start) & (published < end)).to_numpy(dtype=bool, na_value=False)
        keep &= summaries.placeable(df, target.grain or "day")  # the chart left coarser dates out
    return keep


def reads(target: Target) -> tuple[str, ...]:
    """The columns of the light frame that rows_for and pick_sentences read for `target`."""
    return tuple(dict.fromkeys([*(column for column, _ in target.equals), "published", "published_grain", "doc_id",
                                "sentence_id", "start"]))


def rows_for(df: pd.DataFrame, target: Target) -> pd.DataFrame:
    """The rows of `df` the target stands for (index preserved)."""
    return df[rows_mask(df, target)]


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def escape_markdown(text: object) -> str:
    """`text` shown literally by st.markdown/caption/alerts: Markdown, LaTeX ($) and emoji
    shortcode (:) characters backslash-escaped (names and errors come from uploaded files)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


# --- how it is shown ----------------------------------------------------------------------------

def direction(lang: object) -> str:
    """``rtl`` for right-to-left scripts, else ``auto`` (the browser decides from the text)."""
    return "rtl" if isinstance(lang, str) and lang.split("-")[0].lower() in RTL_LANGS else "auto"


def lang_attribute(lang: object) -> str:
    """`` lang="xx"`` for a well-formed language tag, else nothing."""
    if isinstance(lang, str) and _LANG_TAG.match(lang):
        return f' lang="{html.escape(lang, quote=True)}"'
    return ""


def locate(sentence: str, text: str, occurrence: int = 0) -> tuple[int, int] | None:
    """Offsets of the `occurrence`-th (0-based) occurrence of `text` in `sentence`; falls back to the
    first case-insensitive match; None if absent."""
    if not text or not sentence:
        return None
    at = -1
    for _ in range(occurrence + 1):
        at = sentence.find(text, at + 1)
        if at < 0:
            break
    if at < 0:
        at = sentence.find(text)
    if at < 0:
        at = sentence.casefold().find(text.casefold())
        if at < 0 or len(sentence.casefold()) != len(sentence) or len(text.casefold()) != len(text):
            return None  # no match, or case folding changed lengths so offsets would be wrong
    return at, at + len(text)


def highlight(sentence: str, spans: list[tuple[int, int]]) -> str:
    """`sentence` escaped, with <mark> around each span (overlapping spans are merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(sentence[last:start]))
        out.append("<mark>" + html.escape(sentence[start:end]) + "</mark>")
        last = end
    out.append(html.escape(sentence[last:]))
    return "".join(out)


def sentence_html(sentence: str, lang: object, texts: list[str]) -> str:
    """One sentence in its own direction and language, the given mentions highlighted
    (repeated texts: successive occurrences). Mentions not found are listed after it."""
    spans, missing, seen = [], [], {}
    for text in texts:
        k = seen.get(text, 0)
        seen[text] = k + 1
        found = locate(sentence, text, k)
        if found is None:
            missing.append(text)
        else:
            spans.append(found)
    body = highlight(sentence, spans)
    note = ""
    if missing:
        note = ' <span class="missing">(mention: ' + ", ".join(html.escape(t) for t in missing) + ")</span>"
    return f'<div class="sentence" dir="{direction(lang)}"{lang_attribute(lang)}>{body}{note}</div>'


def document_label(title: object, site: object, source: object) -> str:
    """How a document is named on the page (plain text; escape it for HTML): its title, with the
    site that published it; else the site; else where it was read (a file name)."""
    title, site, source = _text(title), _text(site), _text(source)
    if title and site and site not in title:
        return f"{title} — {site}"
    return title or (f"{site} ({source})" if site and source else site) or source or "(unnamed document)"


def source_labels(documents: pd.DataFrame, sources=None) -> dict[str, str]:
    """source -> document_label for the documents table (only `sources`, when given)."""
    if documents is None or not len(documents):
        return {}
    docs = documents if sources is None else documents[documents["source"].isin(list(sources)).to_numpy(dtype=bool)]
    site = docs["site"] if "site" in docs.columns else pd.Series(None, index=docs.index, dtype="object")
    return {str(src): document_label(title, s, src) for src, title, s in zip(docs["source"], docs["title"], site)}


def safe_urls(urls: pd.Series) -> pd.Series:
    """Only http(s) addresses (what a link column may show); anything else missing."""
    return urls.map(lambda u: _safe_url(_text(u))).astype("string")


def _safe_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    return url.strip() if parsed.scheme in {"http", "https"} and parsed.netloc else None


def _text(value: object) -> str | None:
    """A cell as text: None for missing values, ISO dates for timestamps."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # array-likes are not missing
        pass
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    return str(value)


TAG_COLUMNS = ("kind", "license", "license_from", "money_type", "round", "amount_usd", "investor")


def mention_tag(text: str | None, row: Mapping) -> str:
    """What one mention is, beside its sentence (HTML, escaped): "DeepSeek: Company · Open, stated
    in the text"; "$1.3B: Money · Funding · Series B · $1.3B"."""
    kind = row.get("kind")
    parts = [words.value("kind", kind)] if _text(kind) else []
    if _text(row.get("license")):
        parts.append(words.value("license", row["license"]) + (
            ", " + ("stated in the text" if row.get("license_from") != "knowledge_base" else "from the knowledge base")))
    elif kind in summaries.ENTITY_KINDS:
        parts.append("no stance")
    if kind == "money":
        parts += [words.value("money_type", row.get("money_type")), words.value("round", row.get("round")),
                  words.money(row.get("amount_usd")) + (" (USD)" if _text(row.get("amount_usd")) else "")]
        if _text(row.get("investor")):
            parts.append("from " + str(row["investor"]))
    parts = [p for p in parts if p and p.strip()]
    if not parts:
        return ""
    return "<bdi><b>" + html.escape(text or "") + "</b></bdi>: " + html.escape(" · ".join(parts))


STYLE = (
    "<style>.ai-drill .item{margin:0 0 .9em 0}.ai-drill .meta{font-size:.85em;opacity:.75}"
    ".ai-drill .tags{font-size:.8em;opacity:.8;margin-top:.15em}"
    ".ai-drill .sentence{font-size:1.05em;line-height:1.6}.ai-drill mark{padding:0 .15em;border-radius:.2em}"
    ".ai-drill .missing{font-size:.85em;opacity:.7}</style>"
)


def _order(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `rows` in display order (newest document first, undated last, then document,
    sentence and offset), and each row's sentence key, on integer codes so that it is fast for a
    hundred thousand rows."""
    newest_first = _newest_first(rows)
    doc = _doc_codes(rows)
    sid = rows["sentence_id"].to_numpy(dtype="float64", na_value=-1).astype(np.int64)
    start = rows["start"].to_numpy(dtype="float64", na_value=-1).astype(np.int64)
    order = np.lexsort((start, sid, doc, newest_first))  # the last key sorts first
    return order, _sentence_key(doc, sid)


def _newest_first(rows: pd.DataFrame) -> np.ndarray:
    """The display order's first key: newest document first, undated ones last (int64)."""
    published = rows["published"].to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnat(published), np.iinfo(np.int64).max, -published.view(np.int64))


def _doc_codes(rows: pd.DataFrame) -> np.ndarray:
    doc_id = rows["doc_id"]
    return summaries.codes(doc_id if isinstance(doc_id.dtype, pd.CategoricalDtype) else doc_id.astype("category"))[0].astype(np.int64)


def _sentence_key(doc: np.ndarray, sid: np.ndarray) -> np.ndarray:
    return doc * (int(sid.max()) + 2) + (sid + 1)


_FIRST_ROWS = 20_000  # pick_sentences sorts the newest rows first, and more only when they hold too few sentences


def pick_sentences(rows: pd.DataFrame, limit: int = 50) -> tuple[pd.Index, int]:
    """The index labels of the rows that belong to the first `limit` sentences (in the order
    mentions_html shows them), and how many sentences there are in all. Needs only the columns
    published, doc_id, sentence_id and start, so the heavy text columns can be fetched afterwards
    for these rows alone. Only the newest rows are sorted (a sentence's rows share its
    document's date, so the rows up to some date hold whole sentences, in the same order as in
    the whole sort): millions of rows cost a partition and a count, not a sort."""
    if rows.empty:
        return rows.index, 0
    total = len(pd.unique(_sentence_key(_doc_codes(rows), rows["sentence_id"].to_numpy(dtype="float64", na_value=-1).astype(np.int64))))
    newest_first = _newest_first(rows)
    wanted = _FIRST_ROWS
    while True:
        if wanted >= len(rows):
            head = np.arange(len(rows))
        else:
            head = np.flatnonzero(newest_first <= np.partition(newest_first, wanted - 1)[wanted - 1])
        order, key = _order(rows.take(head))
        first_seen = pd.unique(key[order])  # sentences in order of first appearance
        if len(first_seen) >= limit or len(head) == len(rows):
            break
        wanted *= 8
    chosen = np.isin(key[order], first_seen[:limit])
    return rows.index[head[order[chosen]]], total


def mentions_html(rows: pd.DataFrame, documents: pd.DataFrame | None = None, limit: int = 50,
                  total: int | None = None) -> str:
    """The source sentences of `rows` (mentions-table rows with sentence, text, lang, source,
    published, doc_id, sentence_id, start), one block per sentence, newest document first, each
    with its document (title, link when http(s)), date and language and the rows' mentions
    highlighted. At most `limit` sentences; a closing line counts the rest (`total` = the number
    of sentences in all, when `rows` was already cut down with pick_sentences)."""
    if rows.empty:
        return '<div class="ai-drill"><p>No source sentences for this selection.</p></div>'
    titles: dict[str, tuple[str | None, str | None, str | None]] = {}
    if documents is not None and len(documents):
        docs = documents[documents["doc_id"].isin(pd.unique(rows["doc_id"].to_numpy(dtype=object))).to_numpy(dtype=bool)]
        sites = docs["site"] if "site" in docs.columns else [None] * len(docs)
        for doc_id, title, url, site in zip(docs["doc_id"].astype(str), docs["title"], docs["url"], sites):
            titles[doc_id] = (_text(title), _safe_url(_text(url)), _text(site))
    order, key = _order(rows)
    # plain arrays from here on: pandas indexing of categorical rows costs per call, not per row
    col = {c: rows[c].to_numpy(dtype=object)[order] for c in ("doc_id", "lang", "source", "sentence", "text")}
    col["published"] = summaries.published_labels(rows).to_numpy(dtype=object)[order]  # "2025", never 2025-01-01
    tag_columns = [c for c in TAG_COLUMNS if c in rows.columns]
    tag = {c: rows[c].to_numpy(dtype=object)[order] for c in tag_columns}
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(key[order].tolist()):
        groups.setdefault(k, []).append(i)
    total = max(total or 0, len(groups))
    parts = ['<div class="ai-drill">']
    for n, positions in enumerate(groups.values()):
        if n >= limit:
            break
        first = positions[0]
        doc_id = str(col["doc_id"][first])
        lang = _text(col["lang"][first])
        title, url, site = titles.get(doc_id, (None, None, None))
        source = _text(col["source"][first]) or doc_id
        name = "<bdi>" + html.escape(title or site or source) + "</bdi>"  # an Arabic title does not reorder the line
        if url:
            name = f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        if title or site:  # where it was read stays at hand, as the name's tooltip
            name = f'<span title="{html.escape(source, quote=True)}">{name}</span>'
        meta = [name]
        if title and site:
            meta.append("<bdi>" + html.escape(site) + "</bdi>")
        meta.append(html.escape(_text(col["published"][first]) or "undated"))
        meta.append(html.escape(words.value("lang", lang) or "language unknown"))
        sentence = _text(col["sentence"][first]) or ""
        texts = [t for t in (_text(col["text"][i]) for i in positions) if t]
        tags = [mention_tag(_text(col["text"][i]), {c: tag[c][i] for c in tag_columns}) for i in positions]
        parts.append(
            '<div class="item"><div class="meta">' + " · ".join(meta) + "</div>"
            + sentence_html(sentence, lang, texts)
            + '<div class="tags">' + "; ".join(t for t in tags if t) + "</div></div>"
        )
    shown = min(limit, len(groups))
    if total > shown:
        parts.append(f'<p class="meta">… and {total - shown:,} more sentences (narrow the filters or download the CSV).</p>')
    parts.append("</div>")
    return STYLE + "".join(parts)
