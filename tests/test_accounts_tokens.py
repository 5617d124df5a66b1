"""Tokens: single use, expiring, per purpose, per organisation, stored hashed."""
import time

from beffroi.accounts.tokens import consume_token, issue_token, peek_token, revoke_tokens


def test_a_token_is_single_use_and_bound_to_its_purpose(platform):
    platform.add_org("Commune de Test", "test.localhost")
    platform.add_org("Autre", "autre.localhost")
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        other = app.organisation_for_host("autre.localhost")
        token = issue_token(org, "u1", "reset", 3600)
        assert token not in str(list(org.tokens.keys()))       # only its hash is kept
        assert peek_token(org, token, "invite") is None
        assert peek_token(other, token, "reset") is None
        assert peek_token(org, token, "reset") == "u1"
        assert consume_token(org, token, "reset") == "u1"
        assert consume_token(org, token, "reset") is None
        assert consume_token(org, "", "reset") is None
        assert consume_token(org, "x" * 5000, "reset") is None


def test_an_expired_token_is_refused_and_revocation_spends_all(platform):
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        short = issue_token(org, "u1", "reset", 0.05)
        keep = issue_token(org, "u1", "confirm", 3600)
        time.sleep(0.1)
        assert consume_token(org, short, "reset") is None
        assert revoke_tokens(org, "u1") >= 1
        assert peek_token(org, keep, "confirm") is None
