"""Digest links: ``beffroi send-digests`` runs outside any request, so scheme and port
come from the .ini like every other mailed link (``beffroi.urls``)."""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))   # the shared test plugin module

from test_comments_support import (  # noqa: E402,F401  (fixtures)
    HOST, beffroi_settings, browse_as, post_comment, site,
)


def test_digest_links_carry_the_configured_scheme_and_port(site, mail_outbox):
    from beffroi.cli import Env, build_parser
    from beffroi.cli.notify import _send_digests
    bob = browse_as(site, "bob@example.org")
    page = bob.get("/place/ideas/bench")
    next(f for f in page.forms.values() if f.action.endswith("/-/follow")).submit()
    post_comment(browse_as(site, "alice@example.org"), "Un banc !")
    env = Env("unused.ini", out=lambda line: None)
    env._settings = {"beffroi.url_scheme": "http", "beffroi.url_port": "6543"}
    env._plugins, env._db = site.plugins, site.db
    _send_digests(env, build_parser(site.plugins).parse_args(["send-digests", "--daily"]))
    [msg] = [m for m in mail_outbox.deliver() if m["To"] == "bob@example.org"]
    links = mail_outbox.links(msg)
    assert links and all(link.startswith(f"http://{HOST}:6543/") for link in links), links
