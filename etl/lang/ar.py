"""Arabic."""
from etl.lang.base import Language

# Proclitics in the order they combine: conjunction, preposition, article. لل is ل + ال with the
# alef dropped (normalised: no tatweel, so لـ = ل).
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_ARTICLE = ("", "ال")
CLITICS = frozenset({c + p + a for c in _CONJ for p in _PREP for a in _ARTICLE} | {c + "لل" for c in _CONJ}) - {""}

LANGUAGE = Language(
    code="ar",
    name="Arabic",
    script="\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF",
    letters="\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF",
    rtl=True,
    digits="\u0660-\u0669\u06F0-\u06F9",  # Arabic-Indic and Extended (Persian/Urdu) digits
    # One letter per family: hamza seats, ta marbuta, alef maqsura, Persian yeh and kaf.
    foldings={"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ة": "ه", "ى": "ي", "ی": "ي",
              "ک": "ك", "ؤ": "و", "ئ": "ي", "٫": ".", "٬": ",", "،": ","},
    dropped="".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640",  # diacritics, superscript alef, tatweel
    clitics=CLITICS,
    sentence_ends="؟",
    clause_breaks="،؛",
)
