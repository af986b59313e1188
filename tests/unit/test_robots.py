"""robots.txt read as RFC 9309 says: the examples of the RFC itself, the product token, the longest match."""

from __future__ import annotations

import pytest

from ingest.robots import MAX_ROBOTS_BYTES, RobotsRules, product_token
from parley.settings import USER_AGENT, Settings, SettingsError

# RFC 9309, section 5.1 ("Simple Example").
RFC_EXAMPLE = b"""\
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
"""
SITE = "https://www.example.com"


def _allows(body: bytes, path: str, user_agent: str) -> bool:
    return RobotsRules.parse(body, user_agent).allows(SITE + path, user_agent)


@pytest.mark.parametrize(
    ("user_agent", "path", "allowed"),
    [
        # Any other crawler takes the '*' group: '*.gif$' and '/example/' are closed, the rest open.
        ("otherbot/1.0", "/example/page.html", False),
        ("otherbot/1.0", "/images/cat.gif", False),
        ("otherbot/1.0", "/images/cat.gif?size=2", True),  # '$' anchors the end of the path
        ("otherbot/1.0", "/publications/", True),
        ("otherbot/1.0", "/", True),
        # foobot: everything closed except the two allowed paths (the longer, more specific rule wins).
        ("FooBot/2.1 (+https://foo.example)", "/example/page.html", True),
        ("FooBot/2.1 (+https://foo.example)", "/example/allowed.gif", True),
        ("FooBot/2.1 (+https://foo.example)", "/example/other.html", False),
        ("FooBot/2.1 (+https://foo.example)", "/", False),
        # barbot and bazbot share one group.
        ("barbot", "/example/page.html", False),
        ("bazbot", "/example/page.html", False),
        ("bazbot", "/example/", True),
        # quxbot's group is empty: it may fetch everything, the '*' group does not apply to it.
        ("quxbot", "/example/page.html", True),
        ("quxbot", "/cat.gif", True),
    ],
)
def test_the_rfc_example(user_agent: str, path: str, allowed: bool) -> None:
    assert _allows(RFC_EXAMPLE, path, user_agent) is allowed


def test_the_longest_match_wins_whatever_the_order() -> None:
    body = b"User-agent: *\nDisallow: /news/\nAllow: /news/analysis/\n"
    assert _allows(body, "/news/analysis/2026/talks.html", USER_AGENT)
    assert not _allows(body, "/news/sport.html", USER_AGENT)
    # RFC 9309 2.2.2: an allow and a disallow rule of the same length, the allow rule is used.
    assert _allows(b"User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", USER_AGENT)


def test_wildcards_and_end_anchors() -> None:
    body = b"User-agent: *\nDisallow: /*?print=\nDisallow: /*.pdf$\n"
    assert not _allows(body, "/articles/talks?print=1", USER_AGENT)
    assert _allows(body, "/articles/talks?page=2", USER_AGENT)
    assert not _allows(body, "/files/report.pdf", USER_AGENT)
    assert _allows(body, "/files/report.pdf.html", USER_AGENT)


def test_the_group_is_chosen_by_our_product_token_case_insensitively() -> None:
    body = (
        b"User-agent: *\nDisallow:\n\n"
        b"User-agent: parleybot\nDisallow: /analysis/\n\n"
        b"User-agent: OtherBot\nDisallow: /\n"
    )
    assert product_token(USER_AGENT) == "ParleyBot"
    assert not _allows(body, "/analysis/talks.html", USER_AGENT)
    assert _allows(body, "/news/talks.html", USER_AGENT)
    assert not _allows(body, "/news/talks.html", "OtherBot/3.0")
    assert _allows(body, "/analysis/talks.html", "SomeoneElse/1.0")


def test_a_token_that_merely_ends_ours_is_not_our_group() -> None:
    body = b"User-agent: bot\nDisallow: /\n"
    assert _allows(body, "/analysis/talks.html", USER_AGENT)


def test_crawl_delay_of_our_group() -> None:
    body = b"User-agent: *\nCrawl-delay: 1\n\nUser-agent: ParleyBot\nCrawl-delay: 7\n"
    assert RobotsRules.parse(body, USER_AGENT).crawl_delay == 7.0


def test_only_the_first_500_kib_count() -> None:
    filler = b"# " + b"x" * 1000 + b"\n"
    body = (
        b"User-agent: *\nDisallow: /early/\n" + filler * (MAX_ROBOTS_BYTES // len(filler) + 1) + b"Disallow: /late/\n"
    )
    rules = RobotsRules.parse(body, USER_AGENT)
    assert not rules.allows(SITE + "/early/a", USER_AGENT)
    assert rules.allows(SITE + "/late/a", USER_AGENT)


@pytest.mark.parametrize(
    ("status", "allowed"), [(200, True), (404, True), (410, True), (429, True), (500, False), (503, False)]
)
def test_status_codes(status: int, allowed: bool) -> None:
    # RFC 9309 2.3.1.3: 4xx means no robots.txt (anything may be fetched); 2.3.1.4: 5xx means off limits.
    assert RobotsRules.from_response(status, b"", USER_AGENT).allows(SITE + "/a", USER_AGENT) is allowed


def test_a_user_agent_without_a_product_token_is_refused() -> None:
    with pytest.raises(SettingsError, match="PARLEY_USER_AGENT"):
        Settings.from_env({"PARLEY_USER_AGENT": "(compatible; no token)"})
