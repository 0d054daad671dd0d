"""English (Latin script)."""
from etl.lang.base import Language

LANGUAGE = Language(
    code="en",
    name="English",
    script="A-Za-z",
    letters="a-zA-Z\u00c0-\u024f",
)
