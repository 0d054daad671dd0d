"""Open-vs-closed stance from cue words, per language, with contrast words respected."""
import pytest

from etl.extract.stance import find_breaks, find_stance_cues, stance_of
from etl.spans import EntitySpan


def stance(sentence, name):
    start = sentence.index(name)
    mention = EntitySpan(start, start + len(name), name, name, "company", name)
    return stance_of(mention, find_stance_cues(sentence), find_breaks(sentence))


@pytest.mark.parametrize("sentence,name,expected", [
    # Arabic
    ("أطلقت ديبسيك نموذجها مفتوح المصدر", "ديبسيك", "open"),
    ("تتبنى بايدو النماذج المفتوحة المصدر", "بايدو", "open"),
    ("يرى أن المصدر المفتوح هو مستقبل علي بابا", "علي بابا", "open"),
    ("تواصل OpenAI وAnthropic تبني نهج النماذج المغلقة المصدر (Closed Source)", "Anthropic", "closed"),
    ("تعتمد OpenAI على نموذج مغلق المصدر", "OpenAI", "closed"),
    ("أطلقت ديبسيك نموذجا مفتوح المصدر بينما تتمسك OpenAI بالنهج المغلق", "ديبسيك", "open"),
    ("أطلقت ديبسيك نموذجا مفتوح المصدر بينما تتمسك OpenAI بالنهج المغلق", "OpenAI", None),
    ("أعلنت هواوي عن نتائجها الفصلية", "هواوي", None),
    # Hindi
    ("डीपसीक ने ओपन सोर्स मॉडल जारी किया", "डीपसीक", "open"),
    ("ओपनएआई का मॉडल क्लोज्ड सोर्स है", "ओपनएआई", "closed"),
    ("डीपसीक ओपन सोर्स है, लेकिन ओपनएआई अपने मॉडल को बंद रखता है", "ओपनएआई", None),
    ("सर्वम एआई ने हिंदी मॉडल का ओपन-सोर्स संस्करण जारी किया", "सर्वम एआई", "open"),
    # Chinese
    ("百度宣布文心大模型4.5系列全面开源", "百度", "open"),
    ("OpenAI坚持闭源路线", "OpenAI", "closed"),
    ("阿里巴巴开源了通义千问，但是OpenAI坚持闭源", "阿里巴巴", "open"),
    ("阿里巴巴开源了通义千问，但是OpenAI坚持闭源", "OpenAI", "closed"),
    ("DeepSeek的模型开源，而OpenAI的模型闭源", "OpenAI", "closed"),  # "，而": whereas
    ("DeepSeek的模型开源，而OpenAI的模型闭源", "DeepSeek", "open"),
    ("DeepSeek的模型开源，而且Meta的Llama也开源", "Meta", "open"),  # 而且 (and also) is no contrast
    # English
    ("Meta released Llama 3 as an open-weight model", "Meta", "open"),
    ("Anthropic keeps Claude proprietary", "Anthropic", "closed"),
    ("Mistral said the model is not open source", "Mistral", "closed"),
    ("DeepSeek open-sourced R1, while OpenAI kept o3 closed source", "OpenAI", "closed"),
    ("DeepSeek open-sourced R1, while OpenAI kept o3 closed source", "DeepSeek", "open"),
    ("Nvidia shares fell 17% on Monday", "Nvidia", None),
])
def test_stance_from_context(sentence, name, expected):
    assert stance(sentence, name) == expected


def test_cue_offsets_are_in_the_original_text():
    sentence = "نماذجها المُغلقة المصدر"
    cues = find_stance_cues(sentence)
    assert [(sentence[c.start:c.end], c.license) for c in cues] == [("مُغلقة المصدر", "closed")]
    sentence = "النماذج المُغلقة المصدر"  # the longer cue from the left, "closed models", wins
    assert [(sentence[c.start:c.end], c.license) for c in find_stance_cues(sentence)] == [("النماذج المُغلقة", "closed")]


@pytest.mark.parametrize("sentence,name,expected", [
    # plain "closed" qualifying a model or a company
    ("Google keeps Gemini closed for now", "Gemini", "closed"),
    ("Anthropic's closed models lead the benchmark", "Anthropic", "closed"),
    ("OpenAI's models remain closed", "OpenAI", "closed"),
    # ... and "closed" that is no stance
    ("OpenAI closed a $40 billion round led by SoftBank", "OpenAI", None),
    ("Mistral closed its Series B last week", "Mistral", None),
    ("The deal closed on Friday, Nvidia said", "Nvidia", None),
    ("Nvidia shares closed 3% higher", "Nvidia", None),
    ("Anthropic held a closed-door meeting with regulators", "Anthropic", None),
    ("The round closed with Microsoft as lead investor", "Microsoft", None),
    # open-weight(s) in four languages
    ("Mistral released open weights for the model", "Mistral", "open"),
    ("Meta's Llama is an open weight model", "Meta", "open"),
    ("أتاحت ميتا نموذجها بأوزان مفتوحة", "ميتا", "open"),
    ("ميسترال تطلق نموذجا مفتوح الوزن", "ميسترال", "open"),
    ("मेटा ने ओपन-वेट मॉडल जारी किया", "मेटा", "open"),
    ("智谱发布开源权重模型", "智谱", "open"),
    # closed models in Arabic, Hindi, Chinese
    ("تعتمد أنثروبيك على نماذج مغلقة", "أنثروبيك", "closed"),
    ("ओपनएआई क्लोज्ड मॉडल बनाती है", "ओपनएआई", "closed"),
    ("谷歌坚持封闭模型", "谷歌", "closed"),
    # negatives in Arabic and Hindi
    ("أغلقت ديبسيك جولة تمويل بقيمة مليار دولار", "ديبسيك", None),
    ("सर्वम ने राउंड बंद किया", "सर्वम", None),
])
def test_closed_and_open_weight_cues(sentence, name, expected):
    assert stance(sentence, name) == expected


def test_a_phrase_that_is_no_cue_gives_no_cue_span():
    assert find_stance_cues("OpenAI closed a round") == []
    assert [c.text for c in find_stance_cues("OpenAI closed a round but keeps GPT-5 closed")] == ["closed"]
