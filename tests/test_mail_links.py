"""Links in mail come from the configuration (the organisation's primary host, the
platform's scheme and port), never from the Host header a visitor sent."""
import pytest
import webtest

from beffroi.urls import URLSettingError, organisation_url, public_base

HOST = "test.localhost"


def ask_reset(app, host_header, email="camille@example.org"):
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": host_header})
    page = browser.get("/-/password/forgot")
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = email
    form.submit("send")


def test_a_forged_port_in_the_host_header_does_not_reach_the_mailed_link(platform, mail_outbox):
    platform.add_org("Commune de Test", HOST)
    platform.add_user(HOST, "camille@example.org")
    ask_reset(platform.app, f"{HOST}:1337")
    [msg] = mail_outbox.deliver()
    links = mail_outbox.links(msg)
    assert links and all(link.startswith(f"http://{HOST}/") for link in links), links
    assert ":1337" not in mail_outbox.text(msg)


def test_links_use_the_configured_scheme_and_port(beffroi_settings, beffroi_db, mail_outbox):
    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform
    settings = dict(beffroi_settings, **{"beffroi.url_scheme": "https", "beffroi.url_port": "8443"})
    platform = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    platform.add_org("Commune de Test", HOST)
    platform.add_user(HOST, "camille@example.org")
    ask_reset(platform.app, HOST)
    [msg] = mail_outbox.deliver()
    assert any(link.startswith(f"https://{HOST}:8443/-/password/set?token=")
               for link in mail_outbox.links(msg))


def test_one_function_builds_them_and_rejects_bad_settings():
    class Org:
        host = "lys.example.org"
    assert organisation_url({}, Org(), "/-/login") == "https://lys.example.org/-/login"
    assert organisation_url({"beffroi.url_port": "443"}, Org()) == "https://lys.example.org/"
    assert public_base({"beffroi.url_scheme": "http", "beffroi.url_port": "6543"},
                       "lys.example.org") == "http://lys.example.org:6543"
    for bad in ({"beffroi.url_scheme": "ftp"}, {"beffroi.url_port": "80a"},
                {"beffroi.url_port": "70000"}):
        with pytest.raises(URLSettingError):
            public_base(bad, "lys.example.org")


def test_a_bad_url_setting_stops_the_start(beffroi_settings):
    from beffroi.app import make_config
    with pytest.raises(URLSettingError, match="beffroi.url_scheme"):
        make_config(dict(beffroi_settings, **{"beffroi.url_scheme": "htps"}))

