"""A newcomer's first ten minutes: `make serve` on a fresh clone needs only Python, says
little, ends with the demo's addresses on the configured port, and the development
mail sink prints links that can be copied."""
import os
import re
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from beffroi.cli import main
from beffroi.services.mail.queue import get_outbox
from beffroi.services.mail.delivery import deliver_pending
from beffroi.devkit.testing_mail import URL_RE

REPO = Path(__file__).resolve().parents[1]
HOST = "test.localhost"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_ini(tmp_path, server="listen = 127.0.0.1:7123", mail_port=25):
    path = tmp_path / "demo.ini"
    path.write_text(f"""[app:main]
use = egg:beffroi
zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs
mail.host = 127.0.0.1
mail.port = {mail_port}

[server:main]
use = egg:waitress#main
{server}
""")
    return str(path)


def demo_output(ini):
    lines = []
    code = main(["-c", ini, "demo"], out=lines.append)
    return code, "\n".join(lines)


@pytest.mark.parametrize("server, address", [
    ("listen = 127.0.0.1:7123", "7123"),
    ("listen = *:7124 [::1]:7124", "7124"),
    ("host = 127.0.0.1\nport = 7125", "7125"),
])
def test_the_demo_prints_the_addresses_the_configuration_serves(tmp_path, server, address):
    code, out = demo_output(write_ini(tmp_path, server))
    assert code == 0
    assert f"http://commune.localhost:{address}/" in out
    assert f"http://metropole.localhost:{address}/-/system/" in out
    assert f"curl -H 'Host: commune.localhost' http://127.0.0.1:{address}/" in out
    assert ":6543" not in out
    assert "127.0.0.1:25" in out                      # where mail goes (mail.port)
    lines = out.splitlines()
    assert set(lines[0]) == {"="} and lines[-1] == lines[0]     # a framed block


def test_a_port_that_is_not_a_number_is_one_error_line(tmp_path, capsys):
    code = main(["-c", write_ini(tmp_path, "listen = 127.0.0.1:web"), "demo"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error:") and "'web'" in err and "Traceback" not in err


def read_until(proc, predicate, timeout=20):
    """Lines of ``proc``'s stdout until one satisfies ``predicate`` (or the timeout)."""
    if not hasattr(proc, "lines"):
        proc.lines = queue.Queue()
        threading.Thread(target=lambda: [proc.lines.put(line) for line in proc.stdout],
                         daemon=True).start()
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            lines.append(proc.lines.get(timeout=0.2).rstrip("\n"))
        except queue.Empty:
            continue
        if predicate(lines[-1]):
            break
    return lines


def start_sink(ini):
    proc = subprocess.Popen([sys.executable, "-m", "beffroi.devkit.devmail", "-c", ini],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc


def wait_for_port(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def test_the_mail_sink_prints_a_confirmation_mail_decoded_with_its_link_whole(platform, tmp_path):
    port = free_port()
    ini = write_ini(tmp_path, mail_port=port)
    platform.add_org("Commune de Test", HOST)
    page = platform.browser(HOST).get("/-/register")
    form = next(f for f in page.forms.values() if "password_confirm" in f.fields)
    form["name"], form["email"] = "Zoé Étienne", "zoe@example.org"
    form["password"] = form["password_confirm"] = "quatre mots bien choisis"
    form.submit("register")
    conn = platform.db.open()
    [queued] = get_outbox(conn).pending.values()
    [link] = [u for u in URL_RE.findall(queued.text) if "/-/confirm?token=" in u]
    conn.close()
    assert len(link) > 76          # longer than a quoted-printable line: it would be cut
    sink = start_sink(ini)
    try:
        assert wait_for_port(port, sink), sink.stderr.read()
        settings = dict(platform.app.registry.settings, **{
            "mail.host": "127.0.0.1", "mail.port": str(port),
            "mail.default_sender": "Commune <noreply@test.localhost>"})
        assert deliver_pending(platform.db, settings, out=lambda line: None) == 1
        printed = read_until(sink, lambda line: line == "Links:")
        printed += read_until(sink, lambda line: set(line) == {"-"})
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(10)
    text = "\n".join(printed)
    assert link in printed                           # the whole link, alone on its line
    assert "To:      zoe@example.org" in printed
    assert re.search(r"^Subject: .+", text, re.M) and "=?utf-8?" not in text
    assert "Zoé" in text and "=C3=A9" not in text     # decoded, not quoted-printable
    assert platform.browser(HOST).get(link.replace(f"http://{HOST}", "")).status_int < 400


def test_the_mail_sink_says_in_one_line_when_its_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        ini = write_ini(tmp_path, mail_port=busy.getsockname()[1])
        sink = start_sink(ini)
        _, err = sink.communicate(timeout=30)
    assert sink.returncode == 2
    assert err.startswith("error:") and "mail.port" in err and "Traceback" not in err


def path_without(names, tmp_path):
    """A PATH holding every program of PATH but ``names`` (symbolic links)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = bin_dir / entry.name
            if entry.name not in names and not target.exists() and entry.is_file() \
                    and os.access(entry.path, os.X_OK):
                target.symlink_to(entry.path)
    return str(bin_dir)


@pytest.mark.slow
def test_make_serve_on_a_fresh_clone_needs_no_npm_and_ends_with_the_demo_block(tmp_path):
    clone = tmp_path / "beffroi"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    port, mail_port = free_port(), free_port()
    ini = (clone / "development.ini").read_text()
    ini = re.sub(r"listen = \S+", f"listen = 127.0.0.1:{port}", ini)
    ini = re.sub(r"mail.port = \d+", f"mail.port = {mail_port}", ini)
    (clone / "newcomer.ini").write_text(ini)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))}
    env["PATH"] = path_without({"npm", "npx", "node", "nodejs"}, tmp_path)
    proc = subprocess.Popen(["make", "serve", "CONFIG=newcomer.ini"], cwd=clone, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        printed = read_until(proc, lambda line: "Serving on" in line, timeout=600)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                         headers={"Host": "commune.localhost"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200 and "Commune de Démo" in response.read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    output = "\n".join(printed)
    rules = [i for i, line in enumerate(printed) if line.startswith("====")]
    assert len(rules) == 2, output
    assert rules[0] < 60, output
    block = "\n".join(printed[rules[0]:rules[1]])
    assert f"http://commune.localhost:{port}/" in block and ":6543" not in block
    assert f"127.0.0.1:{mail_port}" in block
    assert "npm" not in output and "arning" not in output, output
    assert (clone / "var" / "Data.fs").exists()
    install_log = (clone / ".venv" / "install.log").read_text()
    for noise in ("absent from the `packages` configuration", "Compat editable",
                  "BuildBackendWarning", "SetuptoolsDeprecationWarning"):
        assert noise not in install_log, noise          # what setuptools warned of before


def test_pages_of_a_served_app_use_templates_compiled_before_the_first_visit(platform,
                                                                           beffroi_settings):
    import deform
    import webtest
    from pyramid_chameleon.interfaces import ITemplateRenderer
    from beffroi.app import main
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", modules=("pages", "proposals"))
    app = main({"here": str(REPO)}, **beffroi_settings)      # what pserve calls
    registry = app.registry

    def compiled():
        names = {name for name, renderer in registry.getUtilitiesFor(ITemplateRenderer)
                 if renderer.template._cooked}
        deform_loader = deform.Form.default_renderer.loader
        return names | {f"deform:{key}" for key, t in deform_loader.registry.items()
                        if t._cooked}

    before = compiled()
    assert "beffroi:templates/home.pt" in before
    assert "beffroi_skin_default:layout.pt" in before
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": HOST})
    for path in ("/", "/place/", "/place/proposals/", "/-/login", "/-/register",
                 "/-/password/forgot", "/nope"):
        browser.get(path, status="*")
    assert compiled() == before          # no page had to load or compile a template


def test_templates_compile_on_first_use_when_precompiling_is_turned_off(beffroi_settings):
    from pyramid_chameleon.interfaces import ITemplateRenderer
    from beffroi.app import main
    app = main({"here": str(REPO)}, **beffroi_settings, **{"beffroi.precompile_templates": "false"})
    assert not [name for name, _ in app.registry.getUtilitiesFor(ITemplateRenderer)]
