"""Schemathesis against the running application: every operation of the OpenAPI document,
with generated valid and invalid requests (anonymous, and with a write token), answers
as the document says (status, content type, headers, bodies) and never with a 5xx."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from beffroi.devkit.testing import PASSWORD

HOST = "test.localhost"
BIN = Path(sys.executable).parent


@pytest.fixture
def beffroi_settings(beffroi_settings):
    return dict(beffroi_settings, **{"beffroi.api.validate_responses": "true",
                                     "beffroi.api.rate_limit": "100000"})


class LiveServer:
    """The application served by waitress on a loopback port, in a thread."""

    def __init__(self, app):
        from waitress.server import create_server
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_api(platform, beffroi_org, beffroi_space):
    beffroi_space("proposals", "debates", "pages", slug="place")
    platform.add_user(HOST, "api@example.org", "Programme")
    browser = platform.browser(HOST)
    platform.login(browser, "api@example.org", PASSWORD)
    with platform.tx() as app:
        from beffroi.services.webapi.tokens import issue
        org = app.organisation_for_host(HOST)
        secret, _token = issue(org, org.users.find_by_email("api@example.org"), "schemathesis",
                               "write")
        from beffroi_pages.content import add_page
        add_page(org.spaces["place"]["pages"], "1", "<p>Le 3 mars</p>")
        from beffroi_debates.content import add_debate
        add_debate(org.spaces["place"]["debates"], "1", "<p>La place piétonne ?</p>", "")
        from beffroi_proposals.models import add_proposal
        add_proposal(org.spaces["place"]["proposals"], "Des bancs au parc",
                     "Installer des bancs à l'ombre.", "markdown", None)
    server = LiveServer(platform.app)
    yield server, secret
    server.close()


def test_the_api_answers_as_its_document_says(live_api, platform, tmp_path):
    server, secret = live_api
    document = tmp_path / "openapi.json"
    document.write_text(platform.browser(HOST).get("/-/api/openapi.json").text)
    # the space and item exist, so generated requests reach the operations; a valid request
    # may still break a rule of the site (a title shorter than the space allows, a support
    # limit): the document answers those with 409 or 422, accepted here as such
    (tmp_path / "schemathesis.toml").write_text(
        '[parameters]\n"path.space" = "place"\n"path.item" = "1"\n\n'
        '[checks.positive_data_acceptance]\n'
        'expected-statuses = ["2XX", 401, 403, 404, 409, 422, 429]\n')
    command = [str(BIN / "schemathesis"), "--config-file", str(tmp_path / "schemathesis.toml"),
               "run", str(document),
               "--url", f"http://127.0.0.1:{server.port}",
               "-H", f"Host: {HOST}", "-H", f"Authorization: Bearer {secret}",
               "--checks", "all", "--max-examples", "8", "--workers", "2",
               # the coverage phase stops on a SystemError inside CPython 3.11's ast module
               "--phases", "examples,fuzzing",
               "--generation-deterministic", "--no-color", "--suppress-health-check", "all",
               "--request-timeout", "20"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240,
                            cwd=tmp_path, env=dict(os.environ, SCHEMATHESIS_HOOKS=""))
    output = result.stdout + result.stderr
    (Path(os.environ.get("SCHEMATHESIS_LOG", str(tmp_path))) / "schemathesis.log").write_text(output)
    assert result.returncode == 0, output[-6000:]
    assert "No issues found" in output or "passed" in output.lower(), output[-3000:]
