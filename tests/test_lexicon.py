"""Normalisation and the one lexicon layer: dictionary matching across scripts."""
import pytest

from etl.lexicon import Entry, Lexicon, longest
from etl.textnorm import NormalizedText, normalize, to_ascii_digits

PATTERNS = ["DeepSeek", "DeepSeek R1", "ديبسيك", "ChatGPT", "OpenAI", "أوبن إيه آي", "Meta", "阿里巴巴", "阿里云",
            "डीपसीक", "मेटा", "مفتوحة المصدر"]


def matches(text, patterns=PATTERNS):
    """(original start, end, word) of the leftmost-longest hits of a list of `patterns`."""
    lexicon = Lexicon((p, Entry("w", p, clitics=True)) for p in patterns)
    norm = NormalizedText.of(text)
    return [(*norm.to_original(s, e), entries[0].value) for s, e, entries in longest(lexicon.scan(norm), "w")]


def found(text, patterns=PATTERNS):
    return [text[s:e] for s, e, _ in matches(text, patterns)]


def test_arabic_letter_variants_diacritics_and_tatweel():
    assert normalize("أإآٱ ة ى") == "اااا ه ي"
    assert found("قالت اوبن ايه اي") == ["اوبن ايه اي"]
    assert found("قالت أُوبِن إيـه آي") == ["أُوبِن إيـه آي"]
    assert found("ديـبـسـيـك") == ["ديـبـسـيـك"]


@pytest.mark.parametrize("word", ["وديبسيك", "فديبسيك", "بديبسيك", "لديبسيك", "كديبسيك", "الديبسيك", "للديبسيك", "وبالديبسيك", "لـديبسيك"])
def test_arabic_clitics(word):
    assert found(f"قال {word} اليوم") == [word[len(word) - len("ديبسيك"):]]


def test_latin_name_glued_to_an_arabic_clitic():
    assert found("استخدم وChatGPT ولـOpenAI") == ["ChatGPT", "OpenAI"]


def test_arabic_word_that_only_contains_the_name_is_not_a_match():
    assert found("كتبديبسيك") == []  # كتب is not a clitic
    assert found("ديبسيكات") == []


def test_latin_word_boundaries_and_case():
    assert found("metadata Metaverse META meta's") == ["META", "meta"]
    assert found("deepseek-r1, DeepSeek R1 and DeepSeekR1") == ["deepseek-r1", "DeepSeek R1", "DeepSeekR1"]


def test_longest_match_wins():
    assert found("阿里巴巴和阿里云") == ["阿里巴巴", "阿里云"]
    assert [word for _, _, word in matches("DeepSeek R1 beats")] == ["DeepSeek R1"]


def test_devanagari_boundaries_and_nukta():
    assert found("डीपसीक के मॉडल, मेटावर्स नहीं") == ["डीपसीक"]
    assert normalize("ज़") == normalize("ज")  # composed and decomposed nukta match the bare letter
    assert normalize("\u095b") == normalize("ज")


def test_offsets_map_back_through_dropped_characters():
    text = "قالَت شركةُ ديبسيكٌ"
    assert found(text, ["ديبسيك"]) == ["ديبسيكٌ"]


def test_digits_of_three_scripts():
    assert to_ascii_digits("٢٠٢٥ और २०२५ و۲۰۲۵") == "2025 और 2025 و2025"


# One-letter words are found apart from the automaton (a regex skips the places where they cannot
# stand); the hits must be the automaton's, in every script, at every start of a stretch.
LETTER_WORDS = [
    ("a", Entry("num", "a")), ("ه", Entry("date", "hijri", clitics=True)), ("م", Entry("date", "ad")),
    ("و", Entry("and", "wa", clitics=True)), ("k", Entry("scale", "k", glue_digits=True)),
    ("s", Entry("stem", "s", stem=True)), ("元", Entry("cur", "CNY")), ("$", Entry("cur", "USD")),
    ("A", Entry("exact", "A", exact=frozenset({"A"}))), ("ai", Entry("w", "ai")), ("openai", Entry("w", "openai")),
    ("ال", Entry("w", "al")), ("ज", Entry("w", "ja")),
]
LETTER_TEXTS = [
    "a ban, a; (a) aa 5a ka a5 an a-b", "عام 1445 ه وه باله ه ههه وبالم م 2024م مم وم", "5k k5 kk 10K k",
    "s sa as ss", "元元 5元 元5", "$5 a$ $a", "A a Aa aA", "وا و و5 وOpenAI وa", "ज जज कज ज़", "ai a i openai",
]


def _letter_hits(lexicon, text, start, end):
    return [(h.start, h.end, h.entries) for h in lexicon.scan(NormalizedText.of(text), start, end)]


@pytest.mark.parametrize("text", LETTER_TEXTS)
def test_one_letter_words_are_found_where_the_automaton_finds_them(text, monkeypatch):
    import etl.lexicon

    apart = Lexicon(LETTER_WORDS)
    monkeypatch.setattr(etl.lexicon, "LETTERS_APART", False)
    reference = Lexicon(LETTER_WORDS)
    assert apart._letter_scan is not None and reference._letter_scan is None
    words = NormalizedText.of(text).words
    assert _letter_hits(apart, text, 0, None)  # every text holds some
    for start in range(len(words)):
        for end in {len(words), min(len(words), start + 3), min(len(words), start + 7)}:
            assert _letter_hits(apart, text, start, end) == _letter_hits(reference, text, start, end), (start, end)


def test_the_letter_scan_skips_letters_inside_words():
    scan = Lexicon(LETTER_WORDS)._letter_scan
    text = "banana " * 10 + "باله ههه كتابه " * 10
    candidates = [i for i, _ in scan.iter(text, 0, len(text))]
    # the first places of the stretch are read apart; after them, no "a" inside banana and no ه
    # after letters that are not a proclitic (باله: بال is one)
    assert [text[i] for i in candidates if i > 5] == ["ه"] * 10
