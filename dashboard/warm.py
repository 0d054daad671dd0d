"""`python dashboard/warm.py run dashboard/app.py …`: Streamlit's own command line, in a process
that has first imported every module the page imports (pandas, plotly, DuckDB, the dashboard's
and the ETL's own: ~1.6 s on two cores). `streamlit run` imports them on the first run of the
script, so a fresh server's first visitor waited for them; here the server starts listening
only after, and `dashboard serve` (and the test and benchmark servers) start it this way.

What is imported is read off the page's own top-level imports (dashboard/app.py), so the two
cannot drift apart; the page itself is not imported (it draws as it runs).
"""
from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")


def command() -> list[str]:
    """`streamlit run dashboard/app.py` started this way (Streamlit's options follow): the file
    run by path, so it works from any folder, installed or not."""
    return [sys.executable, str(Path(__file__).resolve()), "run", str(APP)]


def page_imports(source: str) -> list[str]:
    """The modules `source` imports at its top level (``from a import b`` gives a and a.b when
    a.b is a module), in order."""
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def warm(source: str) -> list[str]:
    """Import what `source` imports; the names imported (a ``from a import b`` of a function is
    no module and is skipped)."""
    done = []
    for name in page_imports(source):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        done.append(name)
    return done


def main() -> None:
    root = str(APP.resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        warm(APP.read_text(encoding="utf-8"))
    except Exception:  # a page that cannot be read or imported says so itself, on its first run
        pass
    from streamlit.web.cli import main as streamlit_main

    sys.argv[0] = "streamlit"
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
