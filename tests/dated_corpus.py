"""A generated corpus of dated news items over 18 months, for looking at the dashboard in a
browser (tests/test_browser.py). Made-up sentences about real company names, clearly labelled
in every title as generated; never analysis data.

Volume changes month to month (a spike in one month, one month with no documents at all), so
the timeline's share of documents, its zero-filled periods, its gap and its volume strip all
have something to show."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

SENTENCES = {
    "en": [
        "DeepSeek released an open-source reasoning model that rivals OpenAI.",
        "OpenAI keeps its most capable models proprietary.",
        "Anthropic said Claude would remain a closed model.",
        "Meta published Llama 3 as an open-weight model for researchers.",
        "Mistral AI raised $640 million in a Series B round led by General Catalyst.",
        "Alibaba released Qwen under an open-source license.",
        "Google expanded Gemini to more countries.",
        "OpenAI raised $6.6 billion in new funding at a $157 billion valuation.",
        "Analysts compared DeepSeek with Qwen on coding benchmarks.",
    ],
    "ar": [
        "أطلقت ديبسيك نموذجا مفتوح المصدر جديدا.",
        "تعتمد OpenAI على نماذج مغلقة المصدر.",
        "جمعت ميسترال 600 مليون دولار في جولة تمويل.",
    ],
}
MONTHS = 18
EMPTY_MONTH = 7  # no document at all in this month: a gap, not a zero
SPIKE_MONTH = 12  # four times the usual volume


def month_start(first: date, k: int) -> date:
    y, m = divmod(first.month - 1 + k, 12)
    return date(first.year + y, m + 1, 1)


def write(folder: Path, first: date = date(2024, 1, 1), per_month: int = 12, seed: int = 7) -> Path:
    """news.jsonl in `folder`: `per_month` items a month (none in EMPTY_MONTH, four times as
    many in SPIKE_MONTH), each of two or three sentences, dated by the day."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for k in range(MONTHS):
        if k == EMPTY_MONTH:
            continue
        start = month_start(first, k)
        days = (month_start(first, k + 1) - start).days
        for i in range(per_month * (4 if k == SPIKE_MONTH else 1)):
            lang = "ar" if i % 4 == 3 else "en"
            picked = rng.sample(SENTENCES[lang], 2 if lang == "ar" else 3)
            day = start + timedelta(days=rng.randrange(days))
            lines.append({"text": " ".join(picked), "published": day.isoformat(), "lang": lang,
                          "title": f"Generated item {k:02d}-{i:02d} ({lang})", "source": f"generated/{k:02d}/{i:02d}",
                          "url": f"https://example.com/generated/{k:02d}/{i:02d}"})
    path = folder / "news.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    return path
