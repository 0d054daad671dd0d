"""A SYNTHETIC corpus for benchmarks only: never analysis data.

It recombines the sentences of the seed articles with prose and facts (companies, products,
money figures, dates) from templates in four languages, so the ETL meets text like news at any
corpus size: no sentence repeats inside a document, and names, figures and dates come at about
the density of the seeds, with more figures (news about funding). Every document says it is
synthetic in its source name ("synthetic-…") and title.
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
    "ar": ["ديبسيك", "أوبن إيه آي", "بايدو", "هواوي", "علي بابا", "تينسنت", "مايكروسوفت", "جوجل", "إنفيديا", "أنثروبيك",
           "ميتا", "ميسترال", "أمازون", "سامسونج"],
    "hi": ["डीपसीक", "ओपनएआई", "गूगल", "माइक्रोसॉफ्ट", "एनवीडिया", "मेटा", "अमेज़न", "सर्वम एआई", "इंफोसिस", "रिलायंस",
           "एंथ्रोपिक", "टीसीएस"],
    "zh": ["深度求索", "百度", "阿里巴巴", "腾讯", "华为", "字节跳动", "智谱", "月之暗面", "微软", "英伟达", "谷歌", "商汤"],
    "en": ["OpenAI", "Anthropic", "DeepSeek", "Mistral AI", "Cohere", "xAI", "Nvidia", "Microsoft", "Google", "Meta",
           "Amazon", "Alibaba", "Baidu", "Perplexity"],
}
PRODUCTS = {
    "ar": ["شات جي بي تي", "جيميني", "كلود", "لاما", "كوين", "ديبسيك آر 1"],
    "hi": ["चैटजीपीटी", "जेमिनी", "क्लॉड", "लामा", "डीपसीक आर1"],
    "zh": ["文心一言", "通义千问", "豆包", "混元", "Kimi", "ChatGPT"],
    "en": ["ChatGPT", "Gemini", "Claude", "Llama", "Qwen", "DeepSeek-R1", "Copilot", "Grok"],
}
TOPICS = {
    "ar": ["الرقائق", "مراكز البيانات", "النماذج اللغوية", "البحث", "الأمن السيبراني", "التعليم", "الصحة", "البرمجة"],
    "hi": ["चिप्स", "डेटा सेंटर", "भाषा मॉडल", "सर्च", "साइबर सुरक्षा", "शिक्षा", "स्वास्थ्य", "कोडिंग"],
    "zh": ["芯片", "数据中心", "大模型", "搜索", "网络安全", "教育", "医疗", "编程"],
    "en": ["chips", "data centres", "language models", "search", "cyber security", "education", "health care", "coding"],
}
# Prose with slots: a = company, b = another company, p = product, t = topic, n = a small number.
# Every slot combination is a different sentence, so a document never repeats one (real news does
# not, and repeated sentences are skipped, which would flatter the speed figures).
PROSE = {
    "ar": [
        "قال محللون إن {a} تواجه منافسة متزايدة في مجال {t} خلال الأشهر المقبلة.",
        "وأضاف مسؤول في {a} أن الشركة تعمل مع {n} شركاء لتوسيع استخدام {p}.",
        "ويرى خبراء أن سوق {t} في المنطقة العربية لا يزال في بداياته.",
        "وتسعى {a} إلى تعزيز حضورها في {t} عبر شراكات جديدة مع {b}.",
        "وأشار التقرير إلى أن {n} في المئة من الشركات تختبر أدوات {t} حاليًا.",
        "ولم ترد {b} على طلب للتعليق على خطط {a} الجديدة.",
        "ويأتي ذلك في وقت تتسارع فيه وتيرة الاستثمار في {t} حول العالم.",
        "وتشير التقديرات إلى أن الطلب على {t} سيتضاعف خلال {n} سنوات.",
        "ويقول باحثون إن تكلفة تدريب النماذج تراجعت بشكل ملحوظ في العامين الأخيرين.",
        "وتبقى مسألة حماية البيانات في {t} محل نقاش واسع بين المشرعين.",
    ],
    "hi": [
        "विश्लेषकों का कहना है कि {a} को {t} के क्षेत्र में कड़ी प्रतिस्पर्धा का सामना करना पड़ रहा है।",
        "{a} के एक अधिकारी ने बताया कि कंपनी {n} साझेदारों के साथ {p} का विस्तार कर रही है।",
        "विशेषज्ञों के अनुसार भारत में {t} का बाज़ार अभी शुरुआती दौर में है।",
        "{a} अब {b} के साथ मिलकर {t} पर काम कर रही है।",
        "रिपोर्ट के मुताबिक {n} प्रतिशत कंपनियां {t} के लिए नए टूल आज़मा रही हैं।",
        "{b} ने {a} की नई योजनाओं पर कोई टिप्पणी नहीं की।",
        "यह ऐसे समय में हो रहा है जब दुनिया भर में {t} में निवेश तेज़ी से बढ़ रहा है।",
        "अनुमान है कि अगले {n} वर्षों में {t} की मांग दोगुनी हो जाएगी।",
        "शोधकर्ताओं के अनुसार मॉडल प्रशिक्षण की लागत पिछले दो वर्षों में काफी घटी है।",
        "{t} में डेटा सुरक्षा का सवाल नीति निर्माताओं के बीच बहस का विषय बना हुआ है।",
    ],
    "zh": [
        "分析人士认为，{a}在{t}领域面临越来越激烈的竞争。",
        "{a}相关负责人表示，公司正与{n}家合作伙伴共同推广{p}。",
        "业内专家指出，{t}市场仍处于早期发展阶段。",
        "{a}正与{b}在{t}方面展开新的合作。",
        "报告显示，约{n}%的企业正在试用{t}相关工具。",
        "{b}尚未就{a}的新计划发表评论。",
        "与此同时，全球范围内对{t}的投入正在加速。",
        "据估计，未来{n}年内{t}的需求将翻一番。",
        "研究人员表示，过去两年模型训练成本明显下降。",
        "{t}中的数据保护问题仍是监管部门讨论的焦点。",
    ],
    "en": [
        "Analysts say {a} faces growing competition in {t} over the coming months.",
        "An executive at {a} said the company is working with {n} partners to expand {p}.",
        "Experts note that the market for {t} is still at an early stage.",
        "{a} is now working with {b} on {t}, according to people familiar with the plans.",
        "About {n} percent of companies are testing new tools for {t}, the report found.",
        "{b} did not respond to a request for comment on {a}'s plans.",
        "The move comes as spending on {t} accelerates around the world.",
        "Demand for {t} is expected to double within {n} years, by some estimates.",
        "Researchers say the cost of training large models has fallen sharply in the past two years.",
        "Data protection in {t} remains a subject of debate among lawmakers.",
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
FACT_SHARE = 0.12  # sentences from TEMPLATES (figures, dates, stances): densities in the README


def seed_sentences() -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for item in read_corpus(SEEDS_DIR):
        if isinstance(item, Document):
            lang = detect_lang(item.text)
            by_lang.setdefault(lang, []).extend(item.text[s:e] for s, e in split_sentences(item.text))
    return {lang: list(dict.fromkeys(sents)) for lang, sents in by_lang.items()}


def generate(n_docs: int, seed: int = 7, doc_bytes: int = 5000) -> list[dict]:
    """`n_docs` synthetic JSONL records of about `doc_bytes` bytes of UTF-8 text (~5 KB, a news
    article), languages round-robin; no sentence repeats inside a document."""
    rng = random.Random(seed)
    seeds = seed_sentences()
    langs = ["ar", "hi", "zh", "en"]
    records = []
    for i in range(n_docs):
        lang = langs[i % 4]
        pool = rng.sample(seeds.get(lang, []), len(seeds.get(lang, [])))  # this document's seed sentences
        parts: list[str] = []
        seen: set[str] = set()
        size = 0
        while size < doc_bytes:
            roll = rng.random()
            if roll < FACT_SHARE:
                sentence = _fill(rng.choice(TEMPLATES[lang]), lang, rng)
            elif pool and roll < 0.6:
                sentence = pool.pop()
            else:
                sentence = _fill(rng.choice(PROSE[lang]), lang, rng)
            if sentence in seen:
                continue
            seen.add(sentence)
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
        a=a, b=b, p=rng.choice(PRODUCTS[lang]), t=rng.choice(TOPICS[lang]), n=rng.randint(2, 90),
        year=rng.choice([2023, 2024, 2025]), m=m, day=rng.randint(1, 28),
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
