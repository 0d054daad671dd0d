"""A SYNTHETIC corpus for benchmarks only: never analysis data.

It recombines the sentences of the seed articles with other entities, money figures and dates
from templates in four languages, so the ETL meets realistic text at any corpus size. Every
document says it is synthetic in its source name ("synthetic-…") and title.
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from etl.corpus import read_corpus
from etl.documents import Document
from etl.paths import SEEDS_DIR
from etl.lang import detect_lang
from etl.segment import split_sentences

NAMES = {
    "ar": ["ديبسيك", "أوبن إيه آي", "بايدو", "هواوي", "علي بابا", "تينسنت", "مايكروسوفت", "جوجل", "إنفيديا", "أنثروبيك"],
    "hi": ["डीपसीक", "ओपनएआई", "गूगल", "माइक्रोसॉफ्ट", "एनवीडिया", "मेटा", "अमेज़न", "सर्वम एआई"],
    "zh": ["深度求索", "百度", "阿里巴巴", "腾讯", "华为", "字节跳动", "智谱", "月之暗面", "微软", "英伟达"],
    "en": ["OpenAI", "Anthropic", "DeepSeek", "Mistral AI", "Cohere", "xAI", "Nvidia", "Microsoft", "Google", "Meta"],
}
# Plain prose for languages without seed articles, so their documents are not all facts.
PROSE = {
    "zh": [
        "人工智能行业在过去一年里经历了快速的发展和激烈的竞争。",
        "分析人士认为，大模型的商业化仍然面临许多挑战。",
        "越来越多的企业开始把生成式人工智能用于客服、营销和软件开发。",
        "算力成本的下降让更多初创公司有机会训练自己的模型。",
        "监管机构正在研究如何在鼓励创新的同时保护用户数据。",
        "业内普遍关注模型的推理能力、安全性以及能源消耗。",
        "开发者社区对新发布的工具反应热烈，下载量持续增长。",
        "专家指出，行业应用的落地速度将决定下一阶段的格局。",
    ],
    "en": [
        "The artificial intelligence industry has moved quickly over the past year, and competition is intense.",
        "Analysts say that turning large models into profitable products remains the main challenge.",
        "More companies now use generative AI for customer service, marketing and software development.",
        "Falling compute costs have allowed smaller start-ups to train models of their own.",
        "Regulators are weighing how to encourage innovation while protecting user data.",
        "Much of the debate centres on reasoning ability, safety and the energy the models consume.",
        "Developers have welcomed the new tools, and downloads keep growing every month.",
        "Experts say the pace of real-world adoption will shape the next stage of the market.",
    ],
}
TEMPLATES = {
    "ar": [
        "أعلنت شركة {a} في {day} {month_ar} {year} عن جمع {n} مليون دولار في جولة تمويل من الفئة B بقيادة {b}.",
        "قالت {a} إن نموذجها الجديد مفتوح المصدر وسيصدر في نهاية {month_ar} القادم.",
        "بلغت قيمة {a} نحو {n} مليار دولار بعد استثمار {b} فيها عام {year}.",
        "تواصل {a} تبني نهج النماذج المغلقة المصدر بينما تراهن {b} على المصدر المفتوح.",
    ],
    "hi": [
        "{a} ने {year} में {n} करोड़ रुपये की फंडिंग जुटाई, जिसका नेतृत्व {b} ने किया।",
        "{a} ने {day} {month_hi} {year} को अपना ओपन सोर्स मॉडल जारी किया।",
        "{b} ने {a} में {n} मिलियन डॉलर का निवेश किया।",
        "{a} का मॉडल क्लोज्ड सोर्स है, लेकिन {b} ओपन सोर्स का समर्थन करता है।",
    ],
    "zh": [
        "{a}于{year}年{m}月{day}日宣布完成{n}亿元B轮融资，由{b}领投。",
        "{a}宣布其大模型全面开源，{b}则坚持闭源路线。",
        "据报道，{b}对{a}投资{n}亿美元，{a}估值达到{n}0亿美元。",
        "{a}表示将在{year}年底发布新一代模型。",
    ],
    "en": [
        "{a} raised ${n} million in a Series B round led by {b} on {month_en} {day}, {year}.",
        "{a} released an open-weight model, while {b} kept its own model closed source.",
        "{b} invested ${n} billion in {a}, valuing the company at ${n}0 billion in {year}.",
        "{a} said the model has 70 billion parameters and is 10 times faster than last year's.",
    ],
}
MONTHS_AR = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
MONTHS_HI = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def seed_sentences() -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for item in read_corpus(SEEDS_DIR):
        if isinstance(item, Document):
            lang = detect_lang(item.text)
            by_lang.setdefault(lang, []).extend(item.text[s:e] for s, e in split_sentences(item.text))
    return by_lang


def generate(n_docs: int, seed: int = 7, doc_bytes: int = 5000) -> list[dict]:
    """`n_docs` synthetic JSONL records of about `doc_bytes` bytes of UTF-8 text (~5 KB, a news
    article), languages round-robin."""
    rng = random.Random(seed)
    seeds = {**PROSE, **seed_sentences()}
    langs = ["ar", "hi", "zh", "en"]
    records = []
    for i in range(n_docs):
        lang = langs[i % 4]
        parts: list[str] = []
        size = 0
        while size < doc_bytes:
            if seeds.get(lang) and rng.random() < 0.85:  # news is mostly prose; 15% of sentences carry a fact
                sentence = rng.choice(seeds[lang])
            else:
                sentence = _fill(rng.choice(TEMPLATES[lang]), lang, rng)
            parts.append(sentence)
            size += len(sentence.encode("utf-8")) + 1
        year = rng.choice([2023, 2024, 2025])
        records.append({
            "text": "\n".join(parts),
            "lang": lang,
            "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "title": f"SYNTHETIC benchmark document {i}",
            "source": f"synthetic-{i:06d}",
        })
    return records


def _fill(template: str, lang: str, rng: random.Random) -> str:
    a, b = rng.sample(NAMES[lang], 2)
    m = rng.randint(1, 12)
    return template.format(
        a=a, b=b, n=rng.randint(2, 90), year=rng.choice([2023, 2024, 2025]), m=m, day=rng.randint(1, 28),
        month_ar=MONTHS_AR[m - 1], month_hi=MONTHS_HI[m - 1], month_en=MONTHS_EN[m - 1],
    )


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _repeat(unit: str, size: int, sep: str = "") -> str:
    """`unit` repeated to about `size` bytes of UTF-8."""
    n = max(1, size // len((unit + sep).encode()))
    return sep.join([unit] * n)


def _numbered(template: str, size: int, sep: str) -> str:
    """Distinct copies of a template (no two equal, so repeat removal cannot hide the work)."""
    pieces, total, i = [], 0, 0
    while total < size:
        piece = template.format(i=i, y=2000 + i % 25, d=1 + i % 28)
        pieces.append(piece)
        total += len((piece + sep).encode())
        i += 1
    return sep.join(pieces)


# Hostile but plausible shapes, built at any size: name -> builder(size in bytes) -> text. Each once
# made a step quadratic or worse (tests/test_hostile.py, `python -m etl.bench --hostile`).
HOSTILE: dict[str, Callable[[int], str]] = {
    "repeated date lines": lambda n: _repeat("June 2024", n, "\n"),
    "distinct date lines": lambda n: _numbered("Released on {d} June {y}.", n, "\n"),
    "dense dates in one sentence": lambda n: _numbered("{d} June {y}", n, ", "),
    "dense Arabic dates": lambda n: _numbered("في {d} يونيو {y}", n, " و"),
    "figures in one sentence": lambda n: _numbered("OpenAI raised ${i} billion", n, " and "),
    "entities in one sentence": lambda n: _repeat("OpenAI, Anthropic, Google and Meta released open-source models", n, ", "),
    "stance cues and breaks": lambda n: _repeat("Meta is open-source but OpenAI is closed-source while DeepSeek", n, " "),
    "Chinese without full stops": lambda n: _numbered("深度求索完成{i}亿元融资，阿里巴巴领投，腾讯跟投", n, "，"),
    "long unbroken word after a cue": lambda n: "OpenAI raised $1 billion led by " + "a" * n + ", Google",
    "long word before a restatement": lambda n: "OpenAI raised $40 billion " + "x" * n + " (about 290 billion yuan)",
    "Hindi figures in one sentence": lambda n: _numbered("रिलायंस ने {i} करोड़ रुपये जुटाए", n, " और "),
}
