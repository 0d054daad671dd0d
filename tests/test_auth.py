"""Who may enter and who may upload (dashboard/auth.py, pure), and the gate in the real script
(AppTest with ``[auth]`` secrets and a seeded ``st.user``). The end-to-end flow through a real
OIDC provider is tests/test_auth_browser.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth, data
from dashboard.sample import tiny_tables, write_store

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-that-is-long-enough",
    "client_id": "ai-trends",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ENV = {auth.ENV_ALLOWED: "alice@example.com, @example.org", auth.ENV_UPLOADERS: "alice@example.com",
       auth.ENV_CONTACT: "Data desk <data-desk@example.com>"}


def user(email=None, **claims) -> dict:
    return {"is_logged_in": True, **({"email": email} if email else {}), **claims}


# --- the lists ----------------------------------------------------------------------------------

def test_list_parses_addresses_and_domains_with_any_separator_and_case():
    parsed = auth.parse_list(" Alice@Example.com,@EXAMPLE.org;\n bob@uni.example.net  @news.example ")
    assert parsed.addresses == {"alice@example.com", "bob@uni.example.net"}
    assert parsed.domains == {"example.org", "news.example"}
    assert not parsed.everyone and parsed
    assert not auth.parse_list("") and not auth.parse_list(None) and not auth.parse_list(" , ;")
    assert auth.parse_list("*").matches("anyone@anywhere.example")


@pytest.mark.parametrize("entry", ["example.org", "alice@", "@", "alice@localhost", "a@b@example.com", "@.example.org"])
def test_a_bad_entry_is_an_error_naming_the_variable_and_the_entry(entry):
    with pytest.raises(auth.AccessListError) as err:
        auth.policy_from_env({auth.ENV_ALLOWED: f"alice@example.com,{entry}"})
    assert auth.ENV_ALLOWED in str(err.value) and repr(entry.lower()) in str(err.value)


def test_a_domain_matches_exactly_that_domain_and_an_address_exactly_that_address():
    allowed = auth.parse_list("alice@example.com,@example.org")
    assert allowed.matches("ALICE@example.com") and allowed.matches("carol@example.org")
    for other in ["alice@example.com.evil.net", "malice@example.com", "carol@sub.example.org",
                  "carol@example.org.evil.net", "carol@notexample.org", "example.org", "", None]:
        assert not allowed.matches(other), other


# --- deciding from the claims -------------------------------------------------------------------

POLICY = auth.policy_from_env(ENV)


def test_nobody_signed_in_must_sign_in():
    for claims in (None, {}, {"is_logged_in": False}, {"is_logged_in": False, "email": "alice@example.com"}):
        assert auth.decide(claims, POLICY).status is auth.Status.SIGN_IN


def test_allowed_addresses_enter_and_only_uploaders_may_add_documents():
    alice = auth.decide(user("alice@example.com", name="Alice Analyst"), POLICY)
    assert alice.status is auth.Status.ALLOWED and alice.may_see_data and alice.can_upload
    assert (alice.name, alice.email) == ("Alice Analyst", "alice@example.com")
    bob = auth.decide(user("Bob@Example.org"), POLICY)
    assert bob.status is auth.Status.ALLOWED and not bob.can_upload
    assert "Data desk" in bob.upload_note and bob.email == "bob@example.org"


def test_others_are_refused_with_whom_to_ask():
    eve = auth.decide(user("eve@elsewhere.net", name="Eve"), POLICY)
    assert eve.status is auth.Status.REFUSED and not eve.may_see_data and not eve.can_upload
    assert "eve@elsewhere.net" in eve.reason and "Data desk <data-desk@example.com>" in eve.reason


def test_an_uploader_who_is_not_allowed_does_not_enter():
    policy = auth.policy_from_env({auth.ENV_ALLOWED: "@example.org", auth.ENV_UPLOADERS: "eve@elsewhere.net"})
    assert auth.decide(user("eve@elsewhere.net"), policy).status is auth.Status.REFUSED


@pytest.mark.parametrize("claims", [
    user("alice@example.com", email_verified=False),
    user("alice@example.com", email_verified="false"),  # some providers send strings
    user(None, name="No Address"),
    user("not-an-address"),
])
def test_unverified_or_missing_addresses_are_refused(claims):
    access = auth.decide(claims, POLICY)
    assert access.status is auth.Status.REFUSED and "Data desk" in access.reason


def test_verified_address_enters():
    assert auth.decide(user("alice@example.com", email_verified=True), POLICY).can_upload
    assert auth.decide(user("alice@example.com", email_verified="true"), POLICY).can_upload


def test_an_empty_allow_list_lets_nobody_in():
    policy = auth.policy_from_env({})
    access = auth.decide(user("alice@example.com"), policy)
    assert access.status is auth.Status.REFUSED and "Nobody" in access.reason
    assert auth.DEFAULT_CONTACT in access.reason


def test_read_only_switches_uploads_off_for_uploaders_too():
    policy = auth.policy_from_env({**ENV, data.ENV_READ_ONLY: "1"})
    alice = auth.decide(user("alice@example.com"), policy)
    assert alice.status is auth.Status.ALLOWED and not alice.can_upload and alice.upload_note == auth.READ_ONLY_NOTE


def test_without_sign_in_the_local_tool_is_unchanged_unless_sign_in_is_required():
    assert auth.without_sign_in({}) == auth.Access(auth.Status.LOCAL, can_upload=True)
    read_only = auth.without_sign_in({data.ENV_READ_ONLY: "1"})
    assert read_only.may_see_data and not read_only.can_upload
    required = auth.without_sign_in({auth.ENV_REQUIRE_AUTH: "1"})
    assert required.status is auth.Status.UNAVAILABLE and not required.may_see_data


@pytest.mark.parametrize("claims, name", [
    ({"name": " Alice Analyst ", "email": "a@example.com"}, "Alice Analyst"),
    ({"given_name": "ليلى", "family_name": "حداد"}, "ليلى حداد"),
    ({"preferred_username": "priya"}, "priya"),
    ({"email": "bob@example.org"}, "bob@example.org"),
    ({}, "signed-in user"),
])
def test_display_name(claims, name):
    assert auth.display_name(claims) == name


# --- the [auth] settings -------------------------------------------------------------------------

def test_login_provider_is_the_default_or_the_single_named_one():
    assert auth.login_provider(AUTH) is None
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "corp": {k: AUTH[k] for k in auth.PROVIDER_KEYS}}
    assert auth.login_provider(named) == "corp"
    with pytest.raises(ValueError, match="no identity provider"):
        auth.login_provider({"redirect_uri": "x"})
    with pytest.raises(ValueError, match="several"):
        auth.login_provider({**named, "other": dict(named["corp"])})


def test_settings_problems_name_what_to_fix():
    assert auth.auth_settings_problems(AUTH) == []
    assert auth.auth_settings_problems({**AUTH, "redirect_uri": "https://dash.example.com/trends/oauth2callback"}, "trends") == []
    wrong_base = auth.auth_settings_problems(AUTH, "trends")
    assert len(wrong_base) == 1 and "/trends/oauth2callback" in wrong_base[0]
    assert "must end with /oauth2callback" in auth.auth_settings_problems({**AUTH, "redirect_uri": "http://x/"})[0]
    no_secret = auth.auth_settings_problems({k: v for k, v in AUTH.items() if k != "cookie_secret"})
    assert len(no_secret) == 1 and "cookie_secret" in no_secret[0]
    assert "shorter than 32" in auth.auth_settings_problems({**AUTH, "cookie_secret": "short"})[0]
    missing = auth.auth_settings_problems({k: v for k, v in AUTH.items() if k != "client_secret"})
    assert missing == ["[auth] is missing client_secret"]


# --- the gate in the real script -----------------------------------------------------------------

@pytest.fixture(autouse=True)
def main_module_restored():
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def store(tmp_path, monkeypatch):
    t = tiny_tables()
    out = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(out))
    for name in (data.ENV_READ_ONLY, auth.ENV_REQUIRE_AUTH):
        monkeypatch.delenv(name, raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return out


def signed(claims: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": dict(AUTH)}
    at.user = claims if claims is not None else {"is_logged_in": False}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    """A message as the reader sees it (the app backslash-escapes Markdown in names and reasons)."""
    return text.replace("\\", "")


def shows_data(at: AppTest) -> bool:
    captions = " ".join(c.value for c in at.caption)
    return bool(at.get("plotly_chart") or at.dataframe or at.metric or at.tabs or "mentions from" in captions)


def test_without_auth_the_app_runs_as_today(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    assert shows_data(at) and at.get("file_uploader")
    assert not [b for b in at.button if b.key in ("sign_in", "sign_out")]


def test_the_sign_in_page_shows_no_data_and_loads_none(store, monkeypatch):
    at = signed(None)
    assert [b.key for b in at.button] == ["sign_in"] and not shows_data(at)
    assert not at.get("file_uploader") and not at.sidebar.markdown
    # The gate runs before the data is even looked for: a missing store is not reported.
    monkeypatch.setenv(data.ENV_DATA, str(store.parent / "no-such-store"))
    at = signed(None)
    assert not at.error and [b.key for b in at.button] == ["sign_in"]
    assert signed(user("alice@example.com")).error  # once signed in, the missing store is reported


def test_an_allowed_uploader_sees_data_their_name_and_sign_out(store):
    at = signed(user("alice@example.com", name="Alice Analyst"))
    assert shows_data(at) and not at.error
    assert "Alice Analyst" in " ".join(m.value for m in at.sidebar.markdown)
    assert at.sidebar.button(key="sign_out").label == "Sign out"
    assert len(at.get("file_uploader")) == 1


def test_an_allowed_reader_sees_no_upload_box(store):
    at = signed(user("bob@example.org", name="Bob"))
    assert shows_data(at) and not at.get("file_uploader")
    assert any("Data desk" in plain(c.value) for c in at.sidebar.caption)


def test_a_refused_user_gets_a_page_saying_whom_to_ask_and_no_data(store):
    at = signed(user("eve@elsewhere.net", name="Eve"))
    assert not shows_data(at) and not at.get("file_uploader")
    text = plain(" ".join([e.value for e in at.error] + [m.value for m in at.markdown]))
    assert "eve@elsewhere.net" in text and "Ask Data desk <data-desk@example.com> for access" in text
    assert at.button(key="sign_out")


def test_sign_out_returns_to_the_sign_in_page(store):
    at = signed(user("alice@example.com", name="Alice Analyst"))
    at.sidebar.button(key="sign_out").click().run()
    assert [b.key for b in at.button] == ["sign_in"] and not shows_data(at)


def test_a_bad_access_list_or_missing_required_auth_shows_no_data(store, monkeypatch):
    monkeypatch.setenv(auth.ENV_ALLOWED, "alice@example.com, example.org")
    at = signed(user("alice@example.com"))
    message = plain(at.error[0].value)
    assert not shows_data(at) and "'example.org' is neither" in message and auth.ENV_ALLOWED in message
    monkeypatch.setenv(auth.ENV_ALLOWED, ENV[auth.ENV_ALLOWED])
    monkeypatch.setenv(auth.ENV_REQUIRE_AUTH, "1")
    at = AppTest.from_file(APP, default_timeout=60)  # no [auth] in the secrets
    at.run()
    assert not shows_data(at) and "requires sign-in" in plain(at.error[0].value)
