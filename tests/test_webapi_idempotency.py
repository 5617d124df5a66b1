"""``Idempotency-Key`` on the API's POSTs: a request sent again (a network retry, a double
click) with the same key answers the first response and creates nothing more; the same
key with another body is a 422; keys belong to one token, are forgotten after 24 hours,
and two different keys never make concurrent requests conflict."""
import hashlib
import re

import pytest
import transaction
from openapi_spec_validator import validate as validate_spec
from ZODB.POSException import ConflictError

PROBLEM = "application/problem+json"
URL = "/-/api/v1/spaces/place/proposals"
GOOD = {"title": "Des bancs au parc", "body": "Installer des bancs à l'ombre des tilleuls."}


@pytest.fixture
def beffroi_settings(beffroi_settings):
    # concurrent requests run with the shipped retry count (10), not the fixture's 3
    return dict(beffroi_settings, **{"beffroi.api.validate_responses": "true",
                                     "beffroi.api.rate_limit": "1000", "retry.attempts": "10"})


def write_token(platform, email=None):
    browser = platform.browser()
    platform.login_as(browser, "participant", email=email)
    page = browser.get("/-/account/api-tokens")
    form = next(f for f in page.forms.values() if "name" in f.fields)
    form["name"], form["scope"] = "Script", "write"
    shown = form.submit("create")
    return browser, {"Authorization": "Bearer " + re.search(r'value="(bfr_[^"]+)"',
                                                            shown.text).group(1)}


def titles(platform):
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        return sorted(p.title for p in org.spaces["place"]["proposals"].values())


@pytest.fixture
def place(beffroi_space):
    return beffroi_space("proposals", slug="place")


def test_the_same_key_sent_again_answers_the_first_response_and_creates_once(
        platform, beffroi_org, place):
    browser, token = write_token(platform)
    key = dict(token, **{"Idempotency-Key": '"8e03978e-40d5-43e8-bc93-6894a57f9324"'})
    first = browser.post_json(URL, GOOD, headers=key, status=201)
    again = browser.post_json(URL, GOOD, headers=key, status=201)
    assert again.json == first.json and again.body == first.body
    assert first.headers["Location"].endswith(f"{URL}/{first.json['id']}")
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert titles(platform) == ["Des bancs au parc"]
    # the same data in another order is the same request
    reordered = {"body": GOOD["body"], "title": GOOD["title"]}
    assert browser.post_json(URL, reordered, headers=key, status=201).json == first.json
    # a key without quotes is a key too (many clients send it so)
    bare = dict(token, **{"Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"})
    assert browser.post_json(URL, GOOD, headers=bare, status=201).json == first.json
    assert titles(platform) == ["Des bancs au parc"]


def test_without_the_header_each_post_creates(platform, beffroi_org, place):
    browser, token = write_token(platform)
    browser.post_json(URL, GOOD, headers=token, status=201)
    browser.post_json(URL, GOOD, headers=token, status=201)
    assert titles(platform) == ["Des bancs au parc", "Des bancs au parc"]


def test_the_same_key_with_another_body_is_refused(platform, beffroi_org, place):
    browser, token = write_token(platform)
    key = dict(token, **{"Idempotency-Key": "commande-1"})
    browser.post_json(URL, GOOD, headers=key, status=201)
    refused = browser.post_json(URL, dict(GOOD, title="Des tables au parc"), headers=key,
                                status=422)
    assert refused.content_type == PROBLEM
    assert "Idempotency-Key" in refused.json["detail"] and "déjà" in refused.json["detail"]
    assert titles(platform) == ["Des bancs au parc"]
    # a refused request leaves its key free: corrected, it goes through
    other = dict(token, **{"Idempotency-Key": "commande-2"})
    browser.post_json(URL, {"title": "Ban", "body": "x"}, headers=other, status=422)
    browser.post_json(URL, dict(GOOD, title="Des tables au parc"), headers=other, status=201)
    assert titles(platform) == ["Des bancs au parc", "Des tables au parc"]
    bad = browser.post_json(URL, GOOD, headers=dict(token, **{"Idempotency-Key": "a b"}),
                            status=400)
    assert bad.content_type == PROBLEM


def test_keys_belong_to_one_token_and_are_forgotten_after_a_day(platform, beffroi_org, place):
    browser, token = write_token(platform)
    other_browser, other_token = write_token(platform, email="autre@example.org")
    key = {"Idempotency-Key": "k-1"}
    browser.post_json(URL, GOOD, headers=dict(token, **key), status=201)
    other_browser.post_json(URL, GOOD, headers=dict(other_token, **key), status=201)
    assert len(titles(platform)) == 2
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        for record in org.api_tokens.values():
            store = record.idempotency
            shard = store._shard("k-1")
            kept = shard.items["k-1"]
            shard.items["k-1"] = kept[:4] + (kept[4] - 24 * 3600 - 1,)   # a day has gone by
            shard._p_changed = True
    browser.post_json(URL, GOOD, headers=dict(token, **key), status=201)
    assert len(titles(platform)) == 3


def _same_shard_keys(store):
    keys, wanted = [], None
    for i in range(1000):
        key = f"key-{i}"
        index = hashlib.sha256(key.encode()).digest()[0] % len(store.shards)
        if wanted is None:
            wanted = index
        if index == wanted:
            keys.append(key)
        if len(keys) == 2:
            return keys


def test_two_different_keys_never_conflict_and_the_same_key_does(platform, beffroi_org, place):
    write_token(platform)
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        token_name = next(iter(org.api_tokens.keys()))
        first_key, second_key = _same_shard_keys(next(iter(org.api_tokens.values())).idempotency)

    def add(key):
        tm = transaction.TransactionManager()
        conn = platform.db.open(transaction_manager=tm)
        from beffroi.resources.root import get_app_root
        org = get_app_root(conn).organisation_for_host("test.localhost")
        org.api_tokens[token_name].idempotency.put(key, ("f", 201, b"{}", "", 1e12), 1e12)
        return tm, conn

    one, two = add(first_key), add(second_key)
    one[0].commit()
    two[0].commit()                   # another key in the same shard: merged, no conflict
    for _tm, conn in (one, two):
        conn.close()
    one, two = add("same"), add("same")
    one[0].commit()
    with pytest.raises(ConflictError):          # pyramid_retry runs it again: it replays
        two[0].commit()
    two[0].abort()
    for _tm, conn in (one, two):
        conn.close()
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        assert len(org.api_tokens[token_name].idempotency) == 3


def test_the_document_describes_the_header(platform, beffroi_org):
    document = platform.browser().get("/-/api/openapi.json").json
    validate_spec(document)
    post = document["paths"][URL.replace("place", "{space}")]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    assert "Location" in post["responses"]["201"]["headers"]
    get = document["paths"][URL.replace("place", "{space}")]["get"]
    assert "Idempotency-Key" not in [p["name"] for p in get["parameters"]]


def test_the_same_request_sent_many_times_at_once_creates_once(platform, beffroi_org, place):
    """Through waitress with threads and the real retry machinery: the requests that
    lose the race conflict on the key, are run again and replay the winner's answer."""
    import http.client
    import json
    import threading

    from beffroi.devkit.testing import LiveServer
    _browser, token = write_token(platform)
    server = LiveServer(platform.app)
    answers, barrier = [None] * 6, threading.Barrier(6)

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            barrier.wait()
            conn.request("POST", URL, body=json.dumps(GOOD), headers=dict(
                token, **{"Host": "test.localhost", "Content-Type": "application/json",
                          "Idempotency-Key": "double-clic"}))
            response = conn.getresponse()
            answers[i] = (response.status, response.getheader("Location"), response.read())
        finally:
            conn.close()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        server.close()
    assert {status for status, _location, _body in answers} == {201}
    assert len({(location, body) for _status, location, body in answers}) == 1
    assert titles(platform) == ["Des bancs au parc"]
