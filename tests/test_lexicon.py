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
