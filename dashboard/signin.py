"""The Streamlit side of sign-in: the gate app.py runs before it loads or shows any data.

`gate()` returns the visitor's `auth.Access` when they may see data, after putting their name
and a sign-out button at the top of the sidebar; otherwise it draws the sign-in, refusal or
"sign-in unavailable" page and stops the script. What a person may do is decided in auth.py.

Deep links: Streamlit's OIDC callback always lands on the app's home page, so a shared address
with filters (``?lang=ar&kind=company``) would lose them on the way through the identity
provider (streamlit/streamlit#10162). The sign-in page keeps the address's query string in the
tab's sessionStorage, and the first signed-in page puts it back (one reload). The script only
ever reads ``location.search`` and writes it back onto the same path: no value from Python or
from the user reaches the JavaScript source.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from dashboard import auth
from dashboard.drilldown import escape_markdown

TITLE = "AI industry trends"
_RETURN_KEY = "ai-trends:return-to"
_SAVE_QUERY_JS = f"""<script>
(() => {{
  const key = "{_RETURN_KEY}";
  if (window.location.search.length > 1) sessionStorage.setItem(key, window.location.search);
  else sessionStorage.removeItem(key);
}})();
</script>"""
_RESTORE_QUERY_JS = f"""<script>
(() => {{
  const key = "{_RETURN_KEY}";
  const saved = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  if (saved && saved.startsWith("?") && saved.length > 1 && !window.location.search) {{
    window.location.replace(window.location.pathname + saved + window.location.hash);
  }}
}})();
</script>"""
_FORGET_QUERY_JS = f'<script>sessionStorage.removeItem("{_RETURN_KEY}");</script>'


class SignInUnavailable(Exception):
    """Sign-in is configured but cannot work; the message is for the person looking at the page."""


def auth_section() -> Mapping | None:
    """``[auth]`` of the secrets, or None. A secrets file that exists but cannot be parsed is an
    error, not "no sign-in": a typo must not open the data to everyone."""
    try:
        if "auth" not in st.secrets:
            return None
        return st.secrets["auth"]
    except FileNotFoundError as exc:  # StreamlitSecretNotFoundError: missing or unreadable
        files = st.get_option("secrets.files") or []
        if any(Path(f).is_file() for f in files):
            raise SignInUnavailable(f"the secrets file could not be read ({exc})") from exc
        return None


def gate() -> auth.Access:
    """Stops the script unless the visitor may see data; see the module docstring."""
    ss = st.session_state
    try:
        section = auth_section()
        if section is None:
            access = auth.without_sign_in(os.environ)
            if access.status is auth.Status.UNAVAILABLE:
                raise SignInUnavailable(access.reason)
            return access
        policy = auth.policy_from_env(os.environ)
        provider = auth.login_provider(section)
    except (SignInUnavailable, ValueError) as exc:  # AccessListError is a ValueError
        _unavailable_page(str(exc))
        st.stop()

    access = auth.decide(st.user.to_dict(), policy)
    if access.status is auth.Status.SIGN_IN:
        _sign_in_page(provider)
        st.stop()
    if access.status is auth.Status.REFUSED:
        _refused_page(access)
        st.stop()
    with st.sidebar:
        if not ss.get("_deep_link_restored"):
            ss["_deep_link_restored"] = True
            st.html(_RESTORE_QUERY_JS, unsafe_allow_javascript=True)
        _account_box(access)
    return access


def _sign_in_page(provider: str | None) -> None:
    st.title(TITLE)
    st.html(_SAVE_QUERY_JS, unsafe_allow_javascript=True)
    st.info("This dashboard is for signed-in colleagues. Sign in with your company account to continue; "
            "you come back to the view you opened.")
    if st.button("Sign in", type="primary", key="sign_in"):
        try:
            st.login(provider)
        except Exception as exc:  # StreamlitAuthError, missing Authlib: say so, show no data
            st.error(escape_markdown(f"Sign-in is not available on this server: {exc}"))


def _refused_page(access: auth.Access) -> None:
    st.title(TITLE)
    st.html(_FORGET_QUERY_JS, unsafe_allow_javascript=True)
    who = access.email or access.name or "this account"
    st.error(escape_markdown(f"You are signed in as {who}, but you cannot open this dashboard."))
    st.markdown(escape_markdown(access.reason))
    st.button("Sign out and use another account", key="sign_out", on_click=st.logout)


def _unavailable_page(reason: str) -> None:
    st.title(TITLE)
    st.error(escape_markdown(f"Sign-in is not available on this server: {reason}."))
    contact = (os.environ.get(auth.ENV_CONTACT) or "").strip() or auth.DEFAULT_CONTACT
    st.markdown(escape_markdown(f"Please tell {contact}."))


def _account_box(access: auth.Access) -> None:
    st.caption("Signed in as")
    st.markdown(f"**{escape_markdown(access.name or access.email)}**")
    if access.email and access.email != access.name:
        st.caption(escape_markdown(access.email))
    st.button("Sign out", key="sign_out", on_click=st.logout)
