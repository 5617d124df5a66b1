"""System administration: login outside organisations, organisations, first admin invite."""
import pytest
from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"
SYSADMIN = "root@platform.example"


@pytest.fixture
def sysplatform(platform):
    from beffroi.cli.system import add_system_admin
    platform.add_org("Commune de Test", HOST)
    with platform.tx() as app:
        add_system_admin(app, SYSADMIN, PASSWORD)
    return platform


def system_login(platform, host=HOST, password=PASSWORD):
    browser = platform.browser(host)
    page = browser.get("/-/system/login")
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["email"] = SYSADMIN
    form["password"] = password
    return browser, form.submit("login")


def test_system_admin_logs_in_on_any_organisation_host_without_a_participant_session(sysplatform):
    browser = sysplatform.browser(HOST)
    assert browser.get("/-/system/").status_int == 302       # to the login page
    browser, response = system_login(sysplatform, password="wrong password here")
    assert response.status_int == 200 and "Wrong e-mail address or password" in response.text \
        or "Adresse e-mail ou mot de passe incorrect" in response.text
    browser, response = system_login(sysplatform)
    assert response.status_int == 302
    page = browser.get("/-/system/")
    assert "Commune de Test" in page.text
    # not a participant: the organisation's administration stays closed to them
    assert browser.get("/-/admin/", status="*").status_int in (302, 403)


def test_participants_and_organisation_admins_cannot_enter_the_system_area(sysplatform):
    sysplatform.add_user(HOST, "admin@example.org", org_roles=["admin"])
    browser = sysplatform.browser(HOST)
    sysplatform.login(browser, "admin@example.org")
    response = browser.get("/-/system/", status="*")
    assert response.status_int == 302 and "/-/system/login" in response.location
    browser.post("/-/system/organisations/add", {"csrf_token": csrf_of(browser.get("/"))},
                 status=403)


def test_unknown_host_gets_a_neutral_404_and_the_dedicated_host_works(sysplatform, beffroi_settings):
    sysplatform.browser("nowhere.localhost").get("/-/system/login", status=404)
    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform
    settings = dict(beffroi_settings, **{"beffroi.system_host": "admin.platform.localhost"})
    other = Platform(make_config(settings).make_wsgi_app(), sysplatform.db)
    browser, response = system_login(other, host="admin.platform.localhost")
    assert response.status_int == 302
    assert "Commune de Test" in browser.get("/-/system/").text


def test_create_organisation_validates_hosts_and_keeps_input(sysplatform):
    browser, _ = system_login(sysplatform)
    page = browser.get("/-/system/organisations/add")
    form = page.forms[[i for i, f in page.forms.items() if "host" in f.fields][0]]
    form["name"] = "Ville Nouvelle"
    form["host"] = HOST                        # taken
    form["secondary_hosts"] = "not a host!"
    response = form.submit("create")
    assert response.status_int == 200
    assert "already used by another organisation" in response.text or "déjà utilisé" in response.text
    assert "Not a valid host name" in response.text or "nom d'hôte valide" in response.text
    assert 'value="Ville Nouvelle"' in response.text
    form = response.forms[[i for i, f in response.forms.items() if "host" in f.fields][0]]
    form["host"] = "ville.localhost"
    form["secondary_hosts"] = "www.ville.localhost"
    form["smtp_host"] = "smtp.ville.example"
    form["smtp_password"] = "s3cret"
    form["smtp_sender"] = "mairie@ville.example"
    form["upload_max_mb"] = "5"
    response = form.submit("create")
    assert response.status_int == 302
    with sysplatform.tx() as app:
        org = app.organisation_for_host("ville.localhost")
        assert org.name == "Ville Nouvelle"
        assert app.hosts["www.ville.localhost"] == org.id
        assert org.smtp_settings["host"] == "smtp.ville.example"
        assert org.smtp_settings["password"] == "s3cret"
        assert org.upload_max_bytes == 5 * 1024 * 1024
        assert [e.action for e in org.action_log.newest()] == ["organisation.create"]
    assert "Ville Nouvelle" in sysplatform.browser("ville.localhost").get("/").text
    # editing keeps the SMTP password when the field is left empty, and restricts modules
    page = browser.get(response.location)
    form = page.forms[[i for i, f in page.forms.items() if "host" in f.fields][0]]
    form["smtp_password"] = ""
    for checkbox in form.fields["checkbox"]:        # deform names every checkbox so
        if checkbox._value not in ("fr", "en"):      # keep the languages, drop modules
            checkbox.checked = False
    saved = form.submit("save")
    assert saved.status_int == 302, [l for l in saved.text.splitlines() if "error" in l]
    with sysplatform.tx() as app:
        org = app.organisation_for_host("ville.localhost")
        assert org.smtp_settings["password"] == "s3cret"
        assert list(org.allowed_plugins) == []


def test_invite_first_admin_sends_a_set_password_link(sysplatform, mail_outbox):
    browser, _ = system_login(sysplatform)
    with sysplatform.tx() as app:
        oid = app.organisation_for_host(HOST).id
    page = browser.get(f"/-/system/organisations/{oid}/").click(href="invite$")
    form = page.forms[[i for i, f in page.forms.items() if "email" in f.fields][0]]
    form["email"] = "not an address"
    page = form.submit("send")
    assert "Not a valid e-mail address" in page.text or "adresse e-mail valide" in page.text
    form = page.forms[[i for i, f in page.forms.items() if "email" in f.fields][0]]
    form["email"] = "maire@test.example"
    form["name"] = "Claude Maire"
    assert form.submit("send").status_int == 302
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "maire@test.example"
    [link] = [u for u in mail_outbox.links(msg) if "/-/password/set?token=" in u]
    assert link.startswith("http://test.localhost/-/password/set?token=")
    token = link.split("token=")[1]
    with sysplatform.tx() as app:
        from beffroi.accounts.tokens import peek_token
        org = app.organisation_for_host(HOST)
        user = org.users.find_by_email("maire@test.example")
        assert not user.confirmed and org.org_roles(user.id) == ("admin",)
        assert peek_token(org, token, "invite") is not None
        assert "invitation pending" in browser.get(f"/-/system/organisations/{oid}/").text or \
            "invitation en attente" in browser.get(f"/-/system/organisations/{oid}/").text


def test_cli_adds_a_system_admin(tmp_path, capsys):
    from beffroi.cli import main
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\nzodbconn.uri = file://{tmp_path}/Data.fs\n"
                   f"beffroi.load_entrypoints = false\n")
    out = []
    assert main(["-c", str(ini), "system-admin", "add", "--email", "Ops@Example.org",
                 "--password", "short"], out=out.append) == 2
    assert main(["-c", str(ini), "system-admin", "add", "--email", "Ops@Example.org",
                 "--password", PASSWORD], out=out.append) == 0
    assert main(["-c", str(ini), "system-admin", "list"], out=out.append) == 0
    assert out[-1] == "ops@example.org"


def test_system_login_is_throttled_after_repeated_failures(sysplatform):
    for _ in range(5):
        _browser, response = system_login(sysplatform, password="not the password!!")
        assert "Wrong e-mail address or password" in response.text or "incorrect" in response.text
    _browser, response = system_login(sysplatform)           # right password, too late
    assert response.status_int == 200
    assert "Too many attempts" in response.text or "Trop de tentatives" in response.text


def test_the_system_area_wears_no_organisation_look(sysplatform):
    """On a commune's host, the system pages show neither the commune's branding nor its
    login links: they belong to the platform."""
    browser, _response = system_login(sysplatform)
    page = browser.get("/-/system/login")
    header = page.text.split("</header>")[0]
    assert "site-header-neutral" in header
    assert "Commune de Test" not in header and "/-/login" not in header
    assert "branding.css" not in page.text
