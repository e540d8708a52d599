"""URLs as identities: one spelling for the many ways feeds write the same article's address.

Used where an article's id comes from its URL (records without an id, ``input.id_from``). The rule:
scheme and host lower-cased, ``http`` read as ``https`` and a leading ``www.`` dropped (the same page is
served under both), default ports, fragments, empty queries and tracking parameters (``utm_*``,
``fbclid``, ``gclid`` and the like) removed, the remaining query parameters sorted, and a trailing slash
removed from a non-root path. Anything that is not an absolute http(s) URL is returned stripped but
otherwise as written.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tld import get_fld

__all__ = ["normalize_url", "registered_domain"]

_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "cmpid", "ocid"}
)


def _tracking(name: str) -> bool:
    lower = name.lower()
    return lower.startswith("utm_") or lower in _TRACKING


def normalize_url(url: str) -> str:
    """The canonical spelling of ``url`` (see the module docstring)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return text
    host = parts.hostname.lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k))
    return urlunsplit(("https", host, path, urlencode(query), ""))


@lru_cache(maxsize=65536)
def _domain_of_host(host: str) -> str | None:
    # tld reads the public-suffix list bundled in its wheel (never fetched at run time)
    found = get_fld(host, fail_silently=True, fix_protocol=True)
    return found if isinstance(found, str) else None


def registered_domain(url: str) -> str | None:
    """The registered domain of ``url``'s host by the Public Suffix List ("https://www.bbc.co.uk/x" ->
    "bbc.co.uk"; a private suffix counts, so "x.blogspot.com" stays whole); None for a URL without a
    host under a public suffix (an IP address, "localhost", not a URL)."""
    text = url.strip()
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return _domain_of_host(host)
