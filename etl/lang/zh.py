"""Chinese (Simplified and Traditional Han)."""
from etl.lang.base import Language

LANGUAGE = Language(
    code="zh",
    name="Chinese",
    script="\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF",
    letters="\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF",
    spaced=False,
    digits="\uFF10-\uFF19",  # full-width digits (the rest of full-width ASCII is folded in textnorm)
    sentence_ends="。！？",
    clause_breaks="，；：、",
    weight=3,  # a Han character carries about a word: Chinese with Latin names stays Chinese
)
