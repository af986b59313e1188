"""Canonical URLs and the article ids derived from them."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; dropping them makes one article one URL.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "sr_share",
        "_ga",
        "_gl",
        "mkt_tok",
        "spm",
        "share",
        "at_medium",
        "at_campaign",
    }
)


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, fragment or tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id_for(url: str) -> str:
    """Derive the stable article id from a URL (canonicalised first)."""
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()[:16]


def seed_url(name: str) -> str:
    """Return the pseudo-URL under which a seed document is stored."""
    return f"seed:{name}"
