"""Peak memory and time of `NormalizedText.of` on one long line: `python -m etl.bench_textnorm`.

Each case runs in a fresh child process (peak RSS is per process): the line is built, its RSS
noted, then normalised with its offset map; the figure is the peak RSS minus the RSS before
normalising, i.e. what normalisation itself adds. `--module FILE` measures another copy of
textnorm.py (e.g. an earlier revision, `git show REV:etl/textnorm.py > old.py`) side by side.
Synthetic text, prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASES = {
    "latin, no dropped mark": lambda n: ("OpenAI raised $6.6 billion in October 2024 " * (n // 43 + 1))[:n],
    "latin + one zero-width char": lambda n: ("OpenAI raised $6.6 billion in October 2024 " * (n // 43 + 1))[: n // 2] + "\u200b"
    + ("OpenAI raised $6.6 billion in October 2024 " * (n // 43 + 1))[: n - n // 2 - 1],
    "arabic with diacritics": lambda n: ("جَمَعَت شركة ديبسيك ١٫٣ مليار دولار في عام ٢٠٢٥ " * (n // 46 + 1))[:n],
    "latin + one İ (lower case grows)": lambda n: "İ" + ("OpenAI raised $6.6 billion in October 2024 " * (n // 43 + 1))[: n - 1],
}

CHILD = r"""
import importlib.util, json, sys, time
module_path, case, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if module_path == "-":
    from etl import textnorm
else:
    spec = importlib.util.spec_from_file_location("textnorm_under_test", module_path)
    textnorm = importlib.util.module_from_spec(spec); sys.modules[spec.name] = textnorm; spec.loader.exec_module(textnorm)
from etl.bench_textnorm import CASES
text = CASES[case](n)
def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(key)) * 1024
with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to what is held now
    f.write("5")
before = status("VmRSS")
t = time.perf_counter()
norm = textnorm.NormalizedText.of(text)
seconds = time.perf_counter() - t
mid = len(norm.text) // 2
span = norm.to_original(mid, mid + 5)
peak = status("VmHWM")
print(json.dumps({"added_peak": max(peak - before, 0), "base": before, "seconds": seconds, "span": span, "len": len(norm.text)}))
"""


def measure(module: str, case: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, module, case, str(n)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{case}: the measuring process failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50, help="characters in the line, in millions (default 50)")
    parser.add_argument("--module", help="another textnorm.py to measure beside this one")
    args = parser.parse_args(argv)
    n = int(args.mb * 1_000_000)
    impls = [("this", "-")] + ([("other", args.module)] if args.module else [])
    print(f"NormalizedText.of on one line of {n:,} characters (synthetic); MiB added at peak over the text itself")
    for case in CASES:
        cells = []
        for label, module in impls:
            r = measure(module, case, n)
            cells.append(f"{label}: {r['added_peak'] / 2**20:7.0f} MiB {r['seconds']:6.2f} s")
        print(f"  {case:<34} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
