"""Hindi (Devanagari)."""
import unicodedata

from etl.lang.base import Language

# Precomposed letters with nukta (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) -> the base letter, so both spellings match.
_NUKTA_PRECOMPOSED = {chr(c): unicodedata.normalize("NFD", chr(c))[0] for c in range(0x0958, 0x0960)}

LANGUAGE = Language(
    code="hi",
    name="Hindi",
    script="\u0900-\u097F",
    letters="\u0900-\u0963\u0971-\u097F",  # letters and signs; not the danda । ॥ nor the digits
    digits="\u0966-\u096F",
    foldings=_NUKTA_PRECOMPOSED,
    dropped="\u093c",  # nukta: ज़ and ज match
    sentence_ends="।॥",
)
