"""The throttle counters: sliding window, reset, pruning, and no ConflictError when
concurrent requests count failures on the same account."""
import transaction

from beffroi.accounts import throttle

HOST = "test.localhost"
RULE = throttle.Rule("test", 3, 900)


def _org(app):
    return app.organisation_for_host(HOST)


def test_counts_slide_with_time_and_reset(platform):
    platform.add_org("Commune de Test", HOST)
    t0 = 900 * 1000.0                       # the start of a window
    with platform.tx() as app:
        org = _org(app)
        for _ in range(3):
            throttle.record(org, RULE, "Camille@Example.org", now=t0)
        assert throttle.is_throttled(org, RULE, "camille@example.org", now=t0 + 1)
        assert not throttle.is_throttled(org, RULE, "other@example.org", now=t0 + 1)
        # half-way through the next window, half of the old attempts still count
        assert throttle.attempts(org, RULE, "camille@example.org", now=t0 + 900 + 450) == 1.5
        assert not throttle.is_throttled(org, RULE, "camille@example.org", now=t0 + 1800 + 1)
        throttle.reset(org, RULE, "camille@example.org", now=t0 + 1)
        assert throttle.attempts(org, RULE, "camille@example.org", now=t0 + 1) == 0
        # counters hours old are pruned as new ones come
        throttle.record(org, RULE, "late@example.org", now=t0 + 5 * 3600)
        assert all(key[0] >= t0 + 3600 for key in org.throttle.keys())
        assert not any("example" in key[2] for key in org.throttle.keys())   # stored hashed


def test_concurrent_failures_on_one_account_do_not_conflict(platform):
    platform.add_org("Commune de Test", HOST)
    with platform.tx() as app:
        throttle.record(_org(app), RULE, "camille@example.org")   # the counter exists
    from beffroi.resources.root import get_app_root
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [platform.db.open(transaction_manager=tm) for tm in managers]
    for tm, conn in zip(managers, conns):
        tm.begin()
        throttle.record(_org(get_app_root(conn)), RULE, "camille@example.org")
    for tm in managers:
        tm.commit()                         # the second commit resolves, no ConflictError
    for conn in conns:
        conn.close()
    with platform.tx() as app:
        assert throttle.attempts(_org(app), RULE, "camille@example.org") == 3
