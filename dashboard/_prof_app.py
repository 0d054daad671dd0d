import cProfile, pstats, io, time, sys, os
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
p = cProfile.Profile(); t = time.perf_counter(); p.enable()
try:
    exec(compile(Path(__file__).with_name("app.py").read_text(), str(Path(__file__).with_name("app.py")), "exec"), {"__name__": "__main__", "__file__": str(Path(__file__).with_name("app.py"))})
finally:
    p.disable()
    s = io.StringIO(); pstats.Stats(p, stream=s).sort_stats("cumulative").print_stats(45)
    with open("/tmp/prof_runs.txt", "a") as f:
        f.write(f"\n===== run {time.perf_counter()-t:.3f}s\n" + s.getvalue())
