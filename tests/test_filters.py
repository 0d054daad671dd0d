"""Each filter changes the rows as documented; filters survive a trip through the URL."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode

import pytest

from dashboard import data, filters
from dashboard.filters import Filters, View
from dashboard.sample import tiny_tables


@pytest.fixture(scope="module", params=["schema", "categorical"])
def df(request):
    """The tiny table as the ETL writes it and as the dashboard loads it (categoricals)."""
    mentions = tiny_tables().mentions
    return mentions if request.param == "schema" else data.optimise(mentions, "mentions")


def rows(df, **kwargs):
    return filters.apply(df, Filters(**kwargs))


def test_no_filter_keeps_everything(df):
    assert filters.apply(df, Filters()) is df
    assert filters.mask(df, Filters()).all()


def test_languages(df):
    out = rows(df, langs=("ar",))
    assert len(out) == 7 and set(out["lang"].astype(str)) == {"ar"}
    assert len(rows(df, langs=("ar", "zh"))) == 11


def test_kinds(df):
    assert len(rows(df, kinds=("money",))) == 4
    assert set(rows(df, kinds=("company", "product"))["kind"].astype(str)) == {"company", "product"}
    assert len(rows(df, kinds=("company", "product"))) == 16


def test_companies_keep_their_products_and_money(df):
    out = rows(df, companies=("OpenAI",))
    # OpenAI in ar (1) and hi (2), ChatGPT (made by OpenAI), OpenAI's 6.6e9
    assert len(out) == 5
    assert set(out["entity"].astype(str)) == {"OpenAI", "ChatGPT", "USD 6.6e9"}


def test_products(df):
    out = rows(df, products=("Llama", "Qwen"))
    assert sorted(out["entity"].astype(str)) == ["Llama", "Qwen"]


def test_companies_and_products_together_are_a_union(df):
    assert len(rows(df, companies=("Anthropic",), products=("Llama",))) == 4 + 1


def test_license(df):
    assert len(rows(df, licenses=("open",))) == 6
    assert len(rows(df, licenses=("closed",))) == 4
    none = rows(df, licenses=("none",))
    assert len(none) == 11 and none["license"].isna().all()
    assert len(rows(df, licenses=("open", "none"))) == 17


def test_sources(df):
    assert len(rows(df, sources=("zh/open.txt",))) == 4
    assert len(rows(df, sources=("zh/open.txt", "hi/openai.txt"))) == 10
    assert len(rows(df, source_text="ANTHROP")) == 4  # substring, any case
    assert rows(df, source_text="nowhere").empty


def test_dates(df):
    since_2025 = rows(df, date_from=date(2025, 1, 1))
    assert len(since_2025) == 7 + 4 + 4  # ar, zh, and the undated en document
    assert len(rows(df, date_from=date(2025, 1, 1), undated=False)) == 11
    assert len(rows(df, date_to=date(2024, 12, 31), undated=False)) == 6
    # the end day is included
    assert len(rows(df, date_from=date(2025, 1, 20), date_to=date(2025, 1, 20), undated=False)) == 7
    assert len(rows(df, undated=False)) == 17


def test_filters_combine(df):
    out = rows(df, langs=("ar", "hi"), kinds=("company",), licenses=("closed",))
    assert sorted(out["text"].astype(str)) == sorted(["OpenAI", "ओपनएआई"])
    assert rows(df, langs=("ar",), kinds=("date",)).empty


def test_documents_follow_the_filters_they_have_columns_for():
    docs = tiny_tables().documents
    assert len(filters.apply_documents(docs, Filters(langs=("hi",)))) == 1
    assert len(filters.apply_documents(docs, Filters(undated=False))) == 3
    assert len(filters.apply_documents(docs, Filters(kinds=("money",)))) == 4  # no kind column: unaffected
    assert len(filters.apply_documents(data.optimise(docs, "documents"), Filters(source_text="/open"))) == 2


# --- URL ----------------------------------------------------------------------------------------

FULL = Filters(
    date_from=date(2024, 1, 1), date_to=date(2025, 3, 31), undated=False, langs=("ar", "hi"),
    companies=("OpenAI", "Alibaba, Inc."), products=("通义千问",), kinds=("company", "money"),
    licenses=("open", "none"), sources=("ar/deepseek.txt",), source_text="deep",
)


def test_defaults_make_a_clean_url():
    assert filters.to_query_params(Filters(), View()) == {}


def test_round_trip():
    view = View(grain="week", top=12, measure="mentions", rolling=3, tab="Funding")
    params = filters.to_query_params(FULL, view)
    assert params["lang"] == ["ar", "hi"] and params["from"] == "2024-01-01" and params["undated"] == "0"
    assert params["measure"] == "mentions" and params["avg"] == "3"
    assert filters.from_query_params(params) == (FULL, view)


def test_entity_page_and_drill_down_round_trip():
    view = View(entity="DeepSeek", compare=("Qwen", "مستقبل AI"), drill=("entity:DeepSeek", "period:2025-03-01", "grain:month"))
    params = filters.to_query_params(Filters(), view)
    assert params == {"entity": "DeepSeek", "compare": ["Qwen", "مستقبل AI"],
                      "drill": ["entity:DeepSeek", "period:2025-03-01", "grain:month"]}
    query = urlencode(params, doseq=True)
    assert query.startswith("entity=DeepSeek&compare=Qwen&compare=")
    assert filters.from_query_params(parse_qs(query)) == (Filters(), view)


def test_compare_needs_an_entity_and_at_most_four_others():
    notices: list[str] = []
    _, view = filters.from_query_params({"compare": ["Qwen"]}, notices)
    assert view.compare == ()  # nothing to compare with
    _, view = filters.from_query_params({"entity": "A", "compare": ["A", "B", "C", "D", "E", "F"]}, notices)
    assert view.compare == ("B", "C", "D", "E") and any("first 4" in n for n in notices)


def test_unknown_measure_and_rolling_are_dropped_with_a_notice():
    notices: list[str] = []
    _, view = filters.from_query_params({"measure": "vibes", "avg": "5"}, notices)
    assert (view.measure, view.rolling) == ("share", 0) and len(notices) == 2


def test_round_trip_through_a_real_query_string():
    """Repeated keys, commas and non-Latin text survive urlencode / parse_qs, as in a shared link."""
    query = urlencode(filters.to_query_params(FULL, View(grain="quarter")), doseq=True)
    assert filters.from_query_params(parse_qs(query)) == (FULL, View(grain="quarter"))


def test_single_values_may_be_plain_strings():
    f, _ = filters.from_query_params({"lang": "ar", "kind": "money", "from": "2025-01-01"})
    assert f == Filters(langs=("ar",), kinds=("money",), date_from=date(2025, 1, 1))


def test_bad_values_are_dropped_not_raised():
    f, view = filters.from_query_params({
        "from": "yesterday", "to": ["2024-13-45"], "kind": ["money", "<script>"], "license": ["open", "maybe"],
        "grain": "fortnight", "top": "9999", "share": "perhaps", "tab": "Admin", "lang": ["", "ar", "ar"],
    })
    assert f == Filters(kinds=("money",), licenses=("open",), langs=("ar",))
    assert view == View()


def test_swapped_dates_are_put_in_order():
    f, _ = filters.from_query_params({"from": "2025-02-01", "to": "2024-02-01"})
    assert (f.date_from, f.date_to) == (date(2024, 2, 1), date(2025, 2, 1))


def test_filters_are_hashable_values():
    assert Filters(langs=["ar"]) == Filters(langs=("ar",))
    assert len({Filters(langs=["ar"]), Filters(langs=("ar",))}) == 1


# --- the date widget ----------------------------------------------------------------------------

BOUNDS = (date(2024, 1, 1), date(2024, 12, 31))


def test_a_range_at_the_data_limits_means_no_limit():
    assert filters.date_range(BOUNDS, BOUNDS) == (None, None)
    assert filters.date_range((date(2024, 3, 1), date(2024, 12, 31)), BOUNDS) == (date(2024, 3, 1), None)
    assert filters.date_range((date(2024, 3, 1),), BOUNDS) == (date(2024, 3, 1), None)  # half-picked
    assert filters.date_range((date(2020, 1, 1), date(2030, 1, 1)), BOUNDS) == (None, None)  # clamped
    assert filters.date_range((), BOUNDS) == (None, None)


def test_ends_at_the_old_limit_follow_new_data():
    grown = (date(2023, 6, 1), date(2025, 3, 1))
    assert filters.follow_bounds(BOUNDS, grown, BOUNDS) == grown
    assert filters.follow_bounds((date(2024, 3, 1), BOUNDS[1]), grown, BOUNDS) == (date(2024, 3, 1), grown[1])
    assert filters.follow_bounds((date(2024, 3, 1), date(2024, 4, 1)), grown, BOUNDS) == (date(2024, 3, 1), date(2024, 4, 1))
    shrunk = (date(2024, 5, 1), date(2024, 6, 1))
    assert filters.follow_bounds((date(2024, 3, 1), date(2024, 4, 1)), shrunk, BOUNDS) == (date(2024, 5, 1), date(2024, 5, 1))
