"""Datasets for tests, demos and the benchmark; none of them is real news data.

- `tiny_tables()`: a hand-made dataset of four short documents (Arabic, Hindi, Chinese,
  English, one without a date) that exercises every chart, filter and the drill-down,
  including a sentence carrying HTML that must come out escaped.
- `synthetic_mentions(n)`: N random rows in the shape of the mentions table, for timing only.
  Every source is named ``synthetic/...`` so it can never be mistaken for extracted data.
- `write_store(...)`: writes the three tables as single Parquet files with pandas (the layout of
  earlier ETL versions, which the dashboard still reads), so tests do not depend on the ETL;
  `etl.store.write` writes the ETL's own layout of language part files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.store import FILES, FUNDING


@dataclass
class SampleTables:
    mentions: pd.DataFrame
    documents: pd.DataFrame
    errors: pd.DataFrame


def write_store(mentions: pd.DataFrame, documents: pd.DataFrame, errors: pd.DataFrame, out: Path,
                funding: pd.DataFrame | None = None) -> Path:
    """The tables as a plain store (one file each; `funding`: its funding.parquet, as `etl run` writes one)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    mentions.to_parquet(out / FILES["mentions"], index=False)
    documents.to_parquet(out / FILES["documents"], index=False)
    errors.to_parquet(out / FILES["errors"], index=False)
    if funding is not None:
        funding.to_parquet(out / FUNDING, index=False)
    return out


# --- the tiny hand-made dataset ---------------------------------------------------------------

AR_1 = "أطلقت ديبسيك نموذجها مفتوح المصدر R1 وتنافس OpenAI في السوق."
AR_2 = "جمعت ديبسيك 1.3 مليار دولار في جولة تمويل من الفئة B بقيادة هاي فلاير."
AR_3 = "شركة نوفا لابز الناشئة أعلنت عن نموذج جديد."
HI_1 = "ओपनएआई का ChatGPT एक बंद स्रोत मॉडल है, जबकि मेटा का Llama खुला है।"
HI_2 = "ओपनएआई ने 6.6 अरब डॉलर जुटाए।"
ZH_1 = "深度求索发布了开源模型，阿里巴巴的通义千问也已开源。"
ZH_2 = "2024年AI初创公司共融资500亿美元。"
EN_1 = "Anthropic raised $4 billion from Amazon <script>alert('x')</script> in a series D round."
EN_2 = 'Claude is a closed model; <img src=x onerror="alert(1)"> Anthropic said Claude stays closed.'


def _m(doc: dict, sid: int, sentence: str, text: str, kind: str, entity: str, **extra) -> dict:
    at = sentence.find(text)
    assert at >= 0, (text, sentence)
    row = {
        "doc_id": doc["doc_id"], "source": doc["source"], "lang": doc["lang"],
        "published": doc["published"], "published_from": doc["published_from"],
        "sentence_id": sid, "sentence": sentence, "start": 1000 * sid + at, "end": 1000 * sid + at + len(text),
        "text": text, "kind": kind, "entity": entity, "extractor": "gazetteer", "linked": True,
    }
    row.update(extra)
    return row


def tiny_tables() -> SampleTables:
    """Four documents, 21 mention rows, one read error. Counts the tests rely on:

    - kinds: company 11, product 5, money 4, date 1
    - languages: ar 7, hi 6, zh 4, en 4 (the English document has no date)
    - licenses: open 6 (context 4, knowledge_base 2), closed 4 (context 3, knowledge_base 1)
    - money: DeepSeek 1.3e9 (funding, series_b, by High-Flyer), OpenAI 6.6e9 (funding),
      Anthropic 4e9 (investment, series_d, by Amazon), an aggregate of 5e10 (no company)
    - one organisation not in the knowledge base: "نوفا لابز" (linked False)
    - two sentences carry HTML (<script>, <img onerror>) that must come out escaped
    """
    ar = {"doc_id": "d_ar", "source": "ar/deepseek.txt", "lang": "ar", "published": "2025-01-20", "published_from": "metadata"}
    hi = {"doc_id": "d_hi", "source": "hi/openai.txt", "lang": "hi", "published": "2024-10-02", "published_from": "text"}
    zh = {"doc_id": "d_zh", "source": "zh/open.txt", "lang": "zh", "published": "2025-02-11", "published_from": "metadata"}
    en = {"doc_id": "d_en", "source": "en/anthropic.txt", "lang": "en", "published": None, "published_from": None}
    rows = [
        # Arabic, 2025-01-20
        _m(ar, 0, AR_1, "ديبسيك", "company", "DeepSeek", company="DeepSeek", license="open", license_from="context"),
        _m(ar, 0, AR_1, "R1", "product", "DeepSeek-R1", company="DeepSeek", license="open", license_from="context"),
        _m(ar, 0, AR_1, "OpenAI", "company", "OpenAI", company="OpenAI", license="closed", license_from="knowledge_base"),
        _m(ar, 1, AR_2, "ديبسيك", "company", "DeepSeek", company="DeepSeek"),
        _m(ar, 1, AR_2, "1.3 مليار دولار", "money", "USD 1.3e9", company="DeepSeek", amount=1.3e9, currency="USD",
           amount_usd=1.3e9, money_type="funding", round="series_b", investor="High-Flyer", extractor="rules"),
        _m(ar, 1, AR_2, "هاي فلاير", "company", "High-Flyer", company="High-Flyer"),
        _m(ar, 2, AR_3, "نوفا لابز", "company", "نوفا لابز", company="نوفا لابز", extractor="stanza", linked=False),
        # Hindi, 2024-10-02
        _m(hi, 0, HI_1, "ओपनएआई", "company", "OpenAI", company="OpenAI", license="closed", license_from="context"),
        _m(hi, 0, HI_1, "ChatGPT", "product", "ChatGPT", company="OpenAI", license="closed", license_from="context"),
        _m(hi, 0, HI_1, "मेटा", "company", "Meta", company="Meta", license="open", license_from="knowledge_base"),
        _m(hi, 0, HI_1, "Llama", "product", "Llama", company="Meta", license="open", license_from="context"),
        _m(hi, 1, HI_2, "ओपनएआई", "company", "OpenAI", company="OpenAI"),
        _m(hi, 1, HI_2, "6.6 अरब डॉलर", "money", "USD 6.6e9", company="OpenAI", amount=6.6e9, currency="USD",
           amount_usd=6.6e9, money_type="funding", extractor="rules"),
        # Chinese, 2025-02-11
        _m(zh, 0, ZH_1, "深度求索", "company", "DeepSeek", company="DeepSeek", license="open", license_from="knowledge_base"),
        _m(zh, 0, ZH_1, "通义千问", "product", "Qwen", company="Alibaba", license="open", license_from="context"),
        _m(zh, 1, ZH_2, "500亿美元", "money", "USD 5e10", amount=5e10, currency="USD", amount_usd=5e10,
           money_type="aggregate", date="2024", date_grain="year", extractor="rules"),
        _m(zh, 1, ZH_2, "2024", "date", "2024", date="2024", date_grain="year", extractor="rules"),
        # English, no date
        _m(en, 0, EN_1, "Anthropic", "company", "Anthropic", company="Anthropic"),
        _m(en, 0, EN_1, "$4 billion", "money", "USD 4e9", company="Anthropic", amount=4e9, currency="USD", amount_usd=4e9,
           money_type="investment", round="series_d", investor="Amazon", extractor="rules"),
        _m(en, 1, EN_2, "Claude", "product", "Claude", company="Anthropic", license="closed", license_from="context"),
        _m(en, 1, EN_2, "Anthropic", "company", "Anthropic", company="Anthropic"),
    ]
    documents = [
        {**ar, "lang_from": "script", "title": "ديبسيك تطلق R1", "url": "https://example.com/ar", "chars": 180,
         "sentences": 3, "repeated_paragraphs": 0, "mentions": 7},
        {**hi, "lang_from": "script", "title": "ओपनएआई", "url": "javascript:alert(1)", "chars": 120, "sentences": 2,
         "repeated_paragraphs": 0, "mentions": 6},
        {**zh, "lang_from": "metadata", "title": "开源", "url": None, "chars": 60, "sentences": 2,
         "repeated_paragraphs": 0, "mentions": 4},
        {**en, "lang_from": "script", "title": "Anthropic <b>news</b>", "url": None, "chars": 200, "sentences": 2,
         "repeated_paragraphs": 1, "mentions": 4},
    ]
    errors = [{"source": "broken.jsonl", "line": 3, "error": "invalid JSON: Expecting value"}]
    return SampleTables(schema.mentions_frame(rows), schema.documents_frame(documents), schema.errors_frame(errors))


# --- synthetic data for the benchmark ---------------------------------------------------------

COMPANIES = [
    "OpenAI", "Anthropic", "DeepSeek", "Alibaba", "Meta", "Google", "Microsoft", "Mistral AI", "Baidu",
    "Tencent", "ByteDance", "Moonshot AI", "Zhipu AI", "xAI", "Cohere", "Nvidia", "Amazon", "Apple",
    "G42", "Sarvam AI", "Krutrim", "01.AI", "MiniMax", "Stability AI", "Hugging Face", "Perplexity",
    "Inflection AI", "AI21 Labs", "Aleph Alpha", "Databricks",
] + [f"Synthetic Co {i:03d}" for i in range(90)]
PRODUCTS = {
    "ChatGPT": "OpenAI", "GPT-4o": "OpenAI", "o3": "OpenAI", "Claude": "Anthropic", "DeepSeek-R1": "DeepSeek",
    "DeepSeek-V3": "DeepSeek", "Qwen": "Alibaba", "Llama": "Meta", "Gemini": "Google", "Gemma": "Google",
    "Copilot": "Microsoft", "Phi": "Microsoft", "Mistral Large": "Mistral AI", "Ernie": "Baidu",
    "Hunyuan": "Tencent", "Doubao": "ByteDance", "Kimi": "Moonshot AI", "GLM": "Zhipu AI", "Grok": "xAI",
    "Command R": "Cohere", "Jais": "G42", "Falcon": "G42",
} | {f"Synthetic Model {i:03d}": f"Synthetic Co {i:03d}" for i in range(60)}
NEW_ORGS = [f"Unlisted Org {i:02d}" for i in range(40)]
TEMPLATES = {
    "ar": "قالت مصادر إن {} تعمل على نموذج جديد في الذكاء الاصطناعي، وفق تقرير اصطناعي رقم ",
    "hi": "रिपोर्ट के अनुसार {} एक नए एआई मॉडल पर काम कर रही है, कृत्रिम रिपोर्ट संख्या ",
    "zh": "据报道，{}正在开发新的人工智能模型，合成报道编号 ",
    "en": "According to the report, {} is working on a new AI model; synthetic report number ",
}


def synthetic_mentions(n: int, seed: int = 0) -> SampleTables:
    """N SYNTHETIC rows shaped like the mentions table (plus matching documents), for timing.

    About 20 rows per document, 40 % companies, 25 % products, 10 % money, 25 % dates;
    5 % of documents undated; sentences unique per document and sentence.
    """
    rng = np.random.default_rng(seed)
    n_docs = max(1, n // 20)
    langs = np.array(["ar", "hi", "zh", "en"])
    doc_lang = rng.choice(langs, n_docs, p=[0.35, 0.25, 0.15, 0.25])
    day0 = np.datetime64("2023-01-01")
    doc_pub = day0 + rng.integers(0, 900, n_docs).astype("timedelta64[D]")
    doc_pub = doc_pub.astype("datetime64[ns]")
    doc_pub[rng.random(n_docs) < 0.05] = np.datetime64("NaT")
    doc_ids = np.array([f"syn{i:08x}" for i in range(n_docs)])
    sources = np.array([f"synthetic/{lang}/doc_{i:06d}.txt" for i, lang in enumerate(doc_lang)])

    doc = np.sort(rng.integers(0, n_docs, n))
    kind = rng.choice(np.array(["company", "product", "money", "date"]), n, p=[0.40, 0.25, 0.10, 0.25])
    sentence_id = rng.integers(0, 30, n)
    company_names = np.array(COMPANIES)
    # Zipf-like popularity so "top N" is meaningful
    weights = 1.0 / np.arange(1, len(company_names) + 1) ** 1.1
    company = company_names[rng.choice(len(company_names), n, p=weights / weights.sum())]
    product_names = np.array(list(PRODUCTS))
    pweights = 1.0 / np.arange(1, len(product_names) + 1) ** 1.1
    product = product_names[rng.choice(len(product_names), n, p=pweights / pweights.sum())]
    order = np.argsort(product_names)
    maker = np.array([PRODUCTS[p] for p in product_names])[order][np.searchsorted(product_names[order], product)]

    is_co, is_pr, is_mo, is_da = (kind == k for k in ("company", "product", "money", "date"))
    unlinked = is_co & (rng.random(n) < 0.03)
    new_org = np.array(NEW_ORGS)[rng.integers(0, len(NEW_ORGS), n)]
    entity = np.where(is_co, np.where(unlinked, new_org, company), np.where(is_pr, product, None)).astype(object)
    comp = np.where(is_co, entity, np.where(is_pr, maker, np.where(is_mo & (rng.random(n) < 0.9), company, None)))

    lic = rng.choice(np.array(["open", "closed", None], dtype=object), n, p=[0.3, 0.25, 0.45])
    lic = np.where(is_co | is_pr, lic, None)
    lic_from = np.where(lic == None, None, rng.choice(np.array(["context", "knowledge_base"]), n))  # noqa: E711

    amount_usd = np.where(is_mo, np.round(np.exp(rng.normal(18.5, 1.8, n)), -3), np.nan)
    currency = np.where(is_mo, rng.choice(np.array(["USD", "CNY", "EUR", "INR", "SAR"]), n, p=[0.6, 0.15, 0.1, 0.1, 0.05]), None)
    rate = pd.Series(currency).map({"USD": 1.0, "CNY": 0.14, "EUR": 1.08, "INR": 0.012, "SAR": 0.27}).to_numpy(dtype=float)
    amount = amount_usd / rate
    money_type = np.where(is_mo, rng.choice(np.array(["funding", "investment", "valuation", "aggregate", "other"]), n,
                                            p=[0.45, 0.2, 0.15, 0.1, 0.1]), None)
    rounds = np.array(["seed", "series_a", "series_b", "series_c", "series_d", "strategic", None], dtype=object)
    round_ = np.where(money_type == "funding", rng.choice(rounds, n), None)
    investor = np.where(is_mo & (rng.random(n) < 0.5), company_names[rng.integers(0, 30, n)], None)
    day = day0 + rng.integers(0, 900, n).astype("timedelta64[D]")
    iso = np.datetime_as_string(day, unit="D")
    has_date = is_da | (is_mo & (rng.random(n) < 0.3))
    date = np.where(has_date, iso, None)
    entity = np.where(is_da, iso, entity)
    entity = np.where(is_mo, np.char.add("USD ", np.char.mod("%.3g", np.nan_to_num(amount_usd))), entity)
    surface = np.where(is_mo, np.char.add("$", np.char.mod("%.0f", np.nan_to_num(amount_usd))), entity.astype(str))

    lang = doc_lang[doc]
    template_prefix = pd.Series(lang).map({k: v.split("{}")[0] for k, v in TEMPLATES.items()}).to_numpy()
    template_suffix = pd.Series(lang).map({k: v.split("{}")[1] for k, v in TEMPLATES.items()}).to_numpy()
    number = np.char.add(np.char.add(doc.astype(str), "."), sentence_id.astype(str))
    sentence = pc.binary_join_element_wise(pa.array(template_prefix), pa.array(surface), pa.array(template_suffix),
                                           pa.array(number), "")
    start = rng.integers(0, 20_000, n)
    mentions = pd.DataFrame({
        "doc_id": doc_ids[doc], "source": sources[doc], "lang": lang, "published": doc_pub[doc],
        "published_from": np.where(np.isnat(doc_pub[doc]), None, "metadata"), "sentence_id": sentence_id,
        "sentence": pd.array(sentence, dtype="string"), "start": start, "end": start + np.char.str_len(surface),
        "text": surface, "kind": kind, "entity": entity, "company": comp, "license": lic, "license_from": lic_from,
        "amount": amount, "currency": currency, "amount_usd": amount_usd, "money_type": money_type, "round": round_,
        "investor": investor, "date": date, "date_grain": np.where(has_date, "day", None),
        "extractor": np.where(unlinked, "stanza", np.where(is_mo | is_da, "rules", "gazetteer")),
        "linked": np.where(is_co | is_pr, ~unlinked, pd.NA), "amount_upper": np.nan,
    })
    mentions = _conform(mentions, schema.MENTION_COLUMNS)
    counts = np.bincount(doc, minlength=n_docs)
    documents = pd.DataFrame({
        "doc_id": doc_ids, "source": sources, "lang": doc_lang, "lang_from": "script", "published": doc_pub,
        "published_from": np.where(np.isnat(doc_pub), None, "metadata"), "title": np.char.add("Synthetic document ", doc_ids),
        "url": None, "chars": 3000, "sentences": 30, "repeated_paragraphs": 0, "duplicates": None, "mentions": counts,
    })
    return SampleTables(mentions, _conform(documents, schema.DOCUMENT_COLUMNS), schema.errors_frame([]))


def _conform(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Exactly the schema's columns, in order and with its dtypes (columns it adds are null)."""
    df = df.reindex(columns=list(columns))
    for col, dtype in columns.items():
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]") if dtype.startswith("datetime") else df[col].astype(dtype)
    return df


def write_synthetic_store(out: Path, rows: int, chunk: int = 1_000_000, seed: int = 0) -> Path:
    """A SYNTHETIC store of `rows` mention rows in the ETL's own layout (language part files,
    row groups, a version), written chunk by chunk without running the ETL, so 10 million rows
    never sit in memory at once. Document ids are made unique across chunks."""
    from etl.store import StoreWriter

    documents = []
    with StoreWriter(Path(out)) as writer:
        for n, start in enumerate(range(0, rows, chunk)):
            part = synthetic_mentions(min(chunk, rows - start), seed + n)
            prefix = f"c{n:03d}-"
            for table in (part.mentions, part.documents):
                table["doc_id"] = prefix + table["doc_id"]
                table["source"] = table["source"].str.replace("synthetic/", f"synthetic/{prefix}", n=1, regex=False)
            part.mentions["title"] = "Synthetic document " + part.mentions["doc_id"]
            writer.add(part.mentions)
            documents.append(part.documents.assign(title="Synthetic document " + part.documents["doc_id"]))
            del part
        writer.commit(pd.concat(documents, ignore_index=True), schema.errors_frame([]))
    return Path(out)
