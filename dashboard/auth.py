"""Who may enter the hosted dashboard and who may add documents. No Streamlit here.

Sign-in itself is Streamlit's (``st.login`` with the OIDC provider of ``[auth]`` in
``.streamlit/secrets.toml``); this module decides what a signed-in person may do, from the identity
claims the provider sent (what ``st.user`` holds) and lists in the environment:

- ``AI_TRENDS_ALLOWED``: who may enter. E-mail addresses (``alice@example.com``) and domains
  (``@example.org``: every address of exactly that domain, not its sub-domains), separated by
  commas, semicolons or white space; ``*`` lets in everyone the provider signs in. Empty or unset:
  nobody enters (a forgotten list must not open the data to the whole identity provider).
- ``AI_TRENDS_UPLOADERS``: who among them may add documents, same syntax. Empty: nobody.
- ``AI_TRENDS_CONTACT``: whom refused people should ask, e.g. ``Data desk <data@example.com>``.
- ``AI_TRENDS_READ_ONLY=1`` switches uploads off for everyone, as before.
- ``AI_TRENDS_REQUIRE_AUTH=1`` (set by ``python -m dashboard serve --require-auth``): without an
  ``[auth]`` section nobody sees data, instead of the local, sign-in-free mode.

Addresses compare case-insensitively. An address the provider marks unverified
(``email_verified`` false) is refused: a domain rule is worthless if anyone can claim any address.
Without ``[auth]`` the lists are not read and the dashboard behaves as a local tool (everyone in,
uploads unless read-only).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlparse

from dashboard.data import read_only

ENV_ALLOWED = "AI_TRENDS_ALLOWED"
ENV_UPLOADERS = "AI_TRENDS_UPLOADERS"
ENV_CONTACT = "AI_TRENDS_CONTACT"
ENV_REQUIRE_AUTH = "AI_TRENDS_REQUIRE_AUTH"
DEFAULT_CONTACT = "the administrator of this dashboard"
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")

_SEPARATORS = re.compile(r"[\s,;]+")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([^\s@.]+\.)+[^\s@.]+$")
_LOCAL = re.compile(r"^[^\s@]+$")


class AccessListError(ValueError):
    """A list in the environment holds an entry that is neither an address nor a domain."""


def _truthy(value: object) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def normalise_email(value: object) -> str:
    """The form addresses are compared in: NFC, trimmed, lower case."""
    return unicodedata.normalize("NFC", str(value)).strip().lower()


@dataclass(frozen=True)
class AccessList:
    """A parsed allow-list: exact addresses, whole domains, or everyone."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    everyone: bool = False

    def __bool__(self) -> bool:
        return self.everyone or bool(self.addresses or self.domains)

    def matches(self, email: str | None) -> bool:
        if not email:
            return False
        email = normalise_email(email)
        if "@" not in email:
            return False
        if self.everyone or email in self.addresses:
            return True
        return email.rsplit("@", 1)[1] in self.domains


def parse_list(text: str | None, name: str = "the list") -> AccessList:
    """``alice@example.com, @example.org`` -> AccessList. Raises AccessListError naming `name` and
    the entry when an entry is not an address, a domain or ``*``."""
    addresses, domains, everyone = set(), set(), False
    for entry in _SEPARATORS.split(normalise_email(text or "")):
        if not entry:
            continue
        if entry == "*":
            everyone = True
            continue
        local, at, domain = entry.rpartition("@")
        if at and _DOMAIN.match(domain) and (local == "" or _LOCAL.match(local)):
            if local:
                addresses.add(entry)
            else:
                domains.add(domain)
            continue
        raise AccessListError(
            f"{name}: {entry!r} is neither an e-mail address (alice@example.com) nor a domain (@example.org)")
    return AccessList(frozenset(addresses), frozenset(domains), everyone)


@dataclass(frozen=True)
class Policy:
    allowed: AccessList
    uploaders: AccessList
    contact: str = DEFAULT_CONTACT
    read_only: bool = False


def policy_from_env(environ: Mapping[str, str]) -> Policy:
    """The lists and settings from the environment; AccessListError names a bad variable."""
    return Policy(
        allowed=parse_list(environ.get(ENV_ALLOWED), ENV_ALLOWED),
        uploaders=parse_list(environ.get(ENV_UPLOADERS), ENV_UPLOADERS),
        contact=(environ.get(ENV_CONTACT) or "").strip() or DEFAULT_CONTACT,
        read_only=read_only(environ),
    )


class Status(Enum):
    LOCAL = "local"  # no [auth]: everyone in, as a local tool
    SIGN_IN = "sign_in"  # [auth] configured, nobody signed in yet
    ALLOWED = "allowed"
    REFUSED = "refused"
    UNAVAILABLE = "unavailable"  # sign-in required but not usable (no [auth], broken settings)


READ_ONLY_NOTE = "Read-only mode: uploads are switched off on this server."


@dataclass(frozen=True)
class Access:
    status: Status
    email: str | None = None
    name: str | None = None
    can_upload: bool = False
    upload_note: str = ""  # shown instead of the upload box when can_upload is false
    reason: str = ""  # why refused or unavailable, for the person looking at the page

    @property
    def may_see_data(self) -> bool:
        return self.status in (Status.LOCAL, Status.ALLOWED)


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The claims' e-mail address, normalised; None when missing or marked unverified (some
    providers send ``email_verified`` as the string "false")."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    verified = claims.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
        return None
    return normalise_email(email)


def display_name(claims: Mapping[str, object]) -> str:
    """What the sidebar calls the signed-in person: name, else given + family name, else the
    preferred user name, else the address."""
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [claims.get(k) for k in ("given_name", "family_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    if joined:
        return joined
    for key in ("preferred_username", "email", "sub"):
        if isinstance(claims.get(key), str) and claims[key].strip():
            return claims[key].strip()
    return "signed-in user"


def local_access(uploads_off: bool) -> Access:
    """Without [auth]: the dashboard as a local tool, uploads unless read-only."""
    return Access(Status.LOCAL, can_upload=not uploads_off, upload_note=READ_ONLY_NOTE if uploads_off else "")


def without_sign_in(environ: Mapping[str, str]) -> Access:
    """The access when no ``[auth]`` is configured: the local tool, unless the server was told
    to require sign-in (then nobody sees data)."""
    if _truthy(environ.get(ENV_REQUIRE_AUTH)):
        return Access(Status.UNAVAILABLE, reason="this server requires sign-in, but no [auth] section is configured")
    return local_access(read_only(environ))


def decide(claims: Mapping[str, object] | None, policy: Policy) -> Access:
    """What the person with these identity claims may do when sign-in is configured. `claims` is
    ``st.user`` as a dict (``is_logged_in`` false or missing: nobody signed in yet)."""
    if not claims or not claims.get("is_logged_in"):
        return Access(Status.SIGN_IN)
    name = display_name(claims)
    email = verified_email(claims)
    contact = policy.contact
    if email is None:
        raw = claims.get("email")
        why = (f"Your identity provider has not confirmed the address {raw}." if isinstance(raw, str) and raw
               else "Your identity provider did not send an e-mail address.")
        return Access(Status.REFUSED, name=name, reason=f"{why} Access is granted by address; ask {contact}.")
    if not policy.allowed:
        return Access(Status.REFUSED, email=email, name=name,
                      reason=f"Nobody has been given access to this dashboard yet. Ask {contact}.")
    if not policy.allowed.matches(email):
        return Access(Status.REFUSED, email=email, name=name,
                      reason=f"{email} is not on this dashboard's access list. Ask {contact} for access.")
    if policy.read_only:
        return Access(Status.ALLOWED, email=email, name=name, upload_note=READ_ONLY_NOTE)
    if policy.uploaders.matches(email):
        return Access(Status.ALLOWED, email=email, name=name, can_upload=True)
    return Access(Status.ALLOWED, email=email, name=name,
                  upload_note=f"Adding documents is open to this dashboard's editors. Ask {contact} to become one.")


def login_provider(auth_section: Mapping[str, object]) -> str | None:
    """The provider name for ``st.login``: None for the default one (client_id, client_secret and
    server_metadata_url directly in ``[auth]``), else the single ``[auth.NAME]`` section.
    Raises ValueError when there is none, or several (the page has one sign-in button)."""
    if any(k in auth_section for k in PROVIDER_KEYS):
        return None
    named = sorted(k for k, v in auth_section.items() if isinstance(v, Mapping) and "client_id" in v)
    if len(named) == 1:
        return named[0]
    if not named:
        raise ValueError("[auth] names no identity provider: set client_id, client_secret and server_metadata_url")
    raise ValueError(f"[auth] names several identity providers ({', '.join(named)}); keep one")


def auth_settings_problems(auth_section: Mapping[str, object], base_url: str = "") -> list[str]:
    """What keeps ``[auth]`` from working, as sentences (empty: fine). `base_url` is the
    server's ``baseUrlPath``; the callback route lives under it."""
    problems = []
    redirect = auth_section.get("redirect_uri")
    if not isinstance(redirect, str) or not redirect.strip():
        problems.append("[auth] has no redirect_uri (the public address of the dashboard + /oauth2callback)")
    else:
        expected = "/" + "/".join(p for p in (base_url.strip("/"), "oauth2callback") if p)
        path = urlparse(redirect.replace("{port}", "0")).path
        if not path.endswith("/oauth2callback"):
            problems.append(f"[auth] redirect_uri {redirect!r} must end with /oauth2callback")
        elif path != expected:
            problems.append(f"[auth] redirect_uri {redirect!r}: the server answers the callback at {expected}")
    secret = auth_section.get("cookie_secret")
    if not isinstance(secret, str) or not secret:
        problems.append("[auth] has no cookie_secret (a long random string, e.g. `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`)")
    elif len(secret) < 32:
        problems.append("[auth] cookie_secret is shorter than 32 characters; use a long random string")
    try:
        provider = login_provider(auth_section)
    except ValueError as exc:
        problems.append(str(exc))
    else:
        section = auth_section if provider is None else auth_section[provider]
        missing = [k for k in PROVIDER_KEYS if not section.get(k)]
        if missing:
            where = "[auth]" if provider is None else f"[auth.{provider}]"
            problems.append(f"{where} is missing {', '.join(missing)}")
    return problems
