"""An organisation's time zone is set by the system admin or `beffroi org add
--time-zone`, checked against the IANA names, and the dates shown follow it."""
import json
from datetime import datetime, timezone

from beffroi.cli import main
from beffroi.devkit.testing import PASSWORD

HOST = "test.localhost"
SYSADMIN = "root@platform.example"


def system_browser(platform):
    from beffroi.cli.system import add_system_admin
    with platform.tx() as app:
        add_system_admin(app, SYSADMIN, PASSWORD)
    browser = platform.browser(HOST)
    page = browser.get("/-/system/login")
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = SYSADMIN
    form["password"] = PASSWORD
    assert form.submit("login").status_int == 302
    return browser


def settings_form(page):
    return page.forms[[i for i, f in page.forms.items() if "timezone" in f.fields][0]]


def test_the_system_admin_sets_the_time_zone_and_dates_follow_it(platform):
    from beffroi_pages.content import add_page
    oid = platform.add_org("Commune", HOST)
    platform.add_space(HOST, "place", modules=["pages"])
    with platform.tx() as app:
        page = add_page(app.organisation_for_host(HOST).spaces["place"]["pages"], "Réveillon", "<p>F</p>")
        page.modified = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 2027 in Paris
    assert "01/01/2027" in platform.browser(HOST).get("/place/pages/reveillon").text
    browser = system_browser(platform)
    form = settings_form(browser.get(f"/-/system/organisations/{oid}/"))
    assert form["timezone"].value == "Europe/Paris"
    form["timezone"] = "Europe/Paname"
    response = form.submit("save")
    assert response.status_int == 200
    assert "Fuseau horaire inconnu" in response.text          # the page is in French
    with platform.tx() as app:
        assert app.organisation_for_host(HOST).timezone == "Europe/Paris"    # nothing saved
    form = settings_form(response)
    form["timezone"] = " America/Cayenne "
    assert form.submit("save").status_int == 302
    with platform.tx() as app:
        assert app.organisation_for_host(HOST).timezone == "America/Cayenne"
    text = platform.browser(HOST).get("/place/pages/reveillon").text
    assert "31/12/2026" in text and "01/01/2027" not in text                 # 20:30 in Cayenne


def test_org_add_takes_a_time_zone_and_refuses_unknown_ones(tmp_path, capsys):
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\n"
                   f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs\n")
    assert main(["-c", str(ini), "org", "add", "--name", "Nouméa", "--host", "noumea.localhost",
                 "--time-zone", "Pacific/Noumea"], out=lambda line: None) == 0
    assert main(["-c", str(ini), "org", "add", "--name", "Lune", "--host", "lune.localhost",
                 "--time-zone", "Moon/Tycho"], out=lambda line: None) == 2
    assert "error: 'Moon/Tycho' is not a known time zone" in capsys.readouterr().err
    lines = []
    assert main(["-c", str(ini), "org", "list", "--json"], out=lines.append) == 0
    assert [(o["host"], o["time_zone"]) for o in json.loads(lines[0])] == \
        [("noumea.localhost", "Pacific/Noumea")]
