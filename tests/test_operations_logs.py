"""Logs: one access line per request with its id, the id in every record of the request,
the client's X-Request-Id kept when it is a plain token."""
import logging

import pytest

from beffroi.ops.requestlog import Formatter


def test_every_request_has_an_id_in_its_answer_and_its_log_lines(platform, caplog):
    platform.add_org("Commune", "test.localhost")
    browser = platform.browser("test.localhost")
    caplog.set_level(logging.INFO, logger="beffroi.access")
    first = browser.get("/")
    second = browser.get("/", headers={"X-Request-Id": "lb-4f2a.17:9"})
    made = first.headers["X-Request-Id"]
    assert len(made) == 32 and second.headers["X-Request-Id"] == "lb-4f2a.17:9"
    lines = [r for r in caplog.records if r.name == "beffroi.access"]
    assert len(lines) == 2
    assert '"GET /" 200' in lines[0].getMessage() and f"id={made}" in lines[0].getMessage()
    assert lines[1].getMessage().endswith("id=lb-4f2a.17:9")
    formatter = Formatter("[%(request_id)s] %(message)s")
    assert formatter.format(lines[1]) .startswith("[lb-4f2a.17:9] ")
    missing = browser.get("/nowhere/", status=404)
    assert "404" in [r for r in caplog.records if r.name == "beffroi.access"][-1].getMessage()
    assert missing.headers["X-Request-Id"]


def test_a_forged_request_id_is_replaced(platform):
    platform.add_org("Commune", "test.localhost")
    response = platform.browser("test.localhost").get(
        "/", headers={"X-Request-Id": "a b\u00e9<script>"})
    assert response.headers["X-Request-Id"] != "a b\u00e9<script>"
    assert len(response.headers["X-Request-Id"]) == 32


def test_records_outside_requests_get_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    assert Formatter("%(request_id)s %(message)s").format(record) == "- hello"


def test_the_shipped_configurations_keep_the_noise_down():
    import configparser
    import pathlib
    root = pathlib.Path(__file__).parent.parent
    for name in ("production.ini", "development.ini"):
        ini = configparser.ConfigParser(interpolation=None)
        ini.read(root / name)
        assert ini["logger_waitress_queue"]["qualname"] == "waitress.queue"
        assert ini["logger_waitress_queue"]["level"] == "ERROR"
        assert ini["logger_relstorage"]["level"] == "WARNING"
        assert ini["logger_access"]["level"] == "INFO"
        assert "%(request_id)s" in ini["formatter_generic"]["format"]
        assert ini["server:main"]["use"] == "egg:beffroi#waitress"


def _plugin():
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).with_name("slow_requests_plugin.py")
    spec = importlib.util.spec_from_file_location("slow_requests_plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.beffroi_plugins(_plugin())
def test_a_retried_attempt_shows_in_the_access_log_and_the_retry_log_carries_its_id(platform, caplog):
    platform.add_org("Commune", "test.localhost")
    caplog.set_level(logging.DEBUG, logger="beffroi")
    response = platform.browser("test.localhost").get("/-/test-conflict")
    assert response.text == "written"
    access = [r for r in caplog.records if r.name == "beffroi.access"]
    assert [r.getMessage().split('" ')[1].split()[0] for r in access] == ["retried", "200"]
    retries = [r for r in caplog.records if r.name == "beffroi.ops.retries"]
    assert retries and "beffroi.resources.organisation.Organisation" in retries[0].getMessage()
    ids = {r.request_id for r in access + retries}
    assert len(ids) == 1 and ids != {"-"}          # one request id across the retry and its log
