"""Load and isolation: a real server on loopback, 10 concurrent websocket sessions changing
filters, drilling into entities and opening entity pages for a bounded time. No error; every page shows its own
session's numbers (what the store says for that session's filters, never another's); another
session's local uploads are never seen; server memory stays bounded and comes back down when the
sessions close."""
import asyncio
import gc
import statistics
import time

import pytest

from dashboard import drilldown, entity_page, filters, wsclient
from dashboard import labels as words
from dashboard.filters import Filters
from dashboard.sample import synthetic_mentions, tiny_tables
from etl import store
from etl.query import Query

SESSIONS = 10
SECONDS = 25
@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    t = synthetic_mentions(60_000, seed=7)
    out = tmp_path_factory.mktemp("load") / "store"
    store.write(store.Tables(t.mentions, t.documents, t.errors), out)
    return out


def mentions_metric(q: Query, langs, companies) -> str:
    return f"{q.count(Filters(langs=tuple(langs), companies=tuple(companies)).selection()):,}"


def checker(expected: dict):
    """Each page shows its own session's numbers: on the tabs, the store's count for its filters
    and its drill-down; on an entity page, that entity's mentions within its filters."""
    def check(n, state, page) -> None:
        assert not page.exceptions, page.exceptions
        if state.page:
            said = f" · {words.plural(expected[state], 'mention')} in "
            assert any(said in m for m in page.markdown), (n, state, page.markdown)  # the page's caption
            return
        want, drilled = expected[state]
        assert page.metrics["Mentions"] == want, (n, state, page.metrics)  # its own filters only
        said = f"**{state.drill}**: {drilled:,} mention{'' if drilled == 1 else 's'} in "
        assert any(said in m for m in page.markdown), (n, state, page.markdown)
    return check


def test_ten_concurrent_sessions_see_only_their_own_filters_and_memory_comes_back(synthetic_store):
    rows = store.read_mentions(synthetic_store)
    with Query(synthetic_store) as q:
        expected = {}
        for n in range(SESSIONS):
            for state in wsclient.plan(n):
                view = filters.apply(rows, Filters(langs=state.langs, companies=state.companies))
                if state.page:
                    expected[state] = entity_page.profile(view, state.page).mentions
                else:
                    drilled = int(drilldown.rows_mask(view, drilldown.Target.of(entity=state.drill)).sum())
                    expected[state] = (mentions_metric(q, state.langs, state.companies), drilled)
    assert len({v for v in expected.values()}) > SESSIONS  # the sessions' pages really differ
    port = wsclient.free_port()
    server = wsclient.start_server(synthetic_store, port)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    try:
        async def every_state_once():
            """The data loaded and every state's shared answers computed (they stay, bounded, for
            the next sessions): what the ten sessions add after this is their own, and goes."""
            check = checker(expected)
            for n in range(SESSIONS):
                async with wsclient.Session(url) as session:
                    await session.run()
                    for state in wsclient.plan(n):
                        check(n, state, await session.run(values=state.values()))

        asyncio.run(every_state_once())
        log: list[float] = []

        async def everyone():
            deadline = time.monotonic() + SECONDS
            await asyncio.gather(*(wsclient.drive(url, n, deadline, log, checker(expected)) for n in range(SESSIONS)))

        with wsclient.MemorySampler(server.pid) as memory:
            asyncio.run(everyone())
        baseline, peak = memory.before, memory.peak
        gc.collect()
        after = baseline
        for _ in range(60):  # the sessions are gone: their state is dropped after the TTL (2 s)
            time.sleep(1)
            after = memory.now()
            if after <= peak - 0.25 * (peak - baseline):
                break
        p95 = statistics.quantiles(log, n=20)[-1]
        print(f"\n{len(log)} filter changes by {SESSIONS} sessions in {SECONDS} s: median {statistics.median(log):.3f} s, "
              f"p95 {p95:.3f} s; server RSS baseline {baseline / 2**20:.0f} MiB, peak {peak / 2**20:.0f} MiB, "
              f"after close {after / 2**20:.0f} MiB")
        assert len(log) >= SESSIONS * 2
        assert server.poll() is None
        assert peak < baseline + 1024 * 2**20  # bounded: ten sessions hold small frames, not tables
        # and it comes back down (Python keeps some freed memory, fragmented, for itself): at least a
        # tenth of what the sessions added, unless what stays above the baseline is small anyway
        assert after <= peak - 0.1 * (peak - baseline) or after <= baseline + 32 * 2**20, (baseline, peak, after)
    finally:
        wsclient.stop_server(server)


def test_a_sessions_local_uploads_stay_in_that_session(tmp_path, monkeypatch):
    """Two sessions of one process (the cached dataset is shared): the rows one session uploaded
    are not in the other's counts, charts or drill-down."""
    from streamlit.testing.v1 import AppTest

    t = tiny_tables()
    out = store.write(store.Tables(t.mentions, t.documents, t.errors), tmp_path / "store")
    monkeypatch.setenv("AI_TRENDS_DATA", str(out))
    extra = synthetic_mentions(200, seed=1)
    app = str(wsclient.APP)
    uploader, other = AppTest.from_file(app, default_timeout=120), AppTest.from_file(app, default_timeout=120)
    uploader.session_state["uploads"] = [(["mine.jsonl"], store.Tables(extra.mentions, extra.documents, extra.errors))]
    uploader.run()
    other.run()
    uploader.run()
    assert not uploader.exception and not other.exception

    def mentions(at):
        return next(m.value for m in at.metric if m.label == "Mentions")

    assert mentions(uploader) == f"{len(t.mentions) + len(extra.mentions):,}"
    assert mentions(other) == f"{len(t.mentions):,}"
    assert not any("mine.jsonl" in c.value or "uploaded files" in c.value for c in other.caption)
