"""Participant accounts: register, confirm by mail, log in, profile, e-mail change."""
import re

import pytest

from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"
STRONG = "quatre mots bien choisis"


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    return HOST


def register(browser, name="Camille Martin", email="camille@example.org", password=STRONG,
             confirm=None):
    page = browser.get("/-/register")
    form = form_with(page, "password_confirm")
    form["name"] = name
    form["email"] = email
    form["password"] = password
    form["password_confirm"] = password if confirm is None else confirm
    return form.submit("register")


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def test_register_confirm_by_mail_then_log_in(platform, org, mail_outbox):
    browser = platform.browser(HOST)
    response = register(browser)
    assert response.status_int == 302
    page = response.follow()
    assert "Vérifiez votre messagerie" in page.text or "Check your mailbox" in page.text
    # not confirmed yet: the login is refused
    platform.login(browser, "camille@example.org", STRONG, expect_ok=False)
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "camille@example.org"
    link = next(u for u in mail_outbox.links(msg) if "/-/confirm?token=" in u)
    assert link.startswith("http://test.localhost/")
    page = browser.get(link.replace("http://test.localhost", ""))
    page = form_with(page, "token").submit().follow()
    assert "Camille Martin" in page.text                 # logged in, on the account page
    assert "Votre adresse e-mail est confirmée" in page.text
    assert page.html.find("a", href="http://test.localhost/-/account/notifications")
    # the link is single-use
    again = browser.get(link.replace("http://test.localhost", ""), status=400)
    assert "plus valable" in again.text or "no longer valid" in again.text
    other = platform.browser(HOST)
    assert platform.login(other, "camille@example.org", STRONG).status_int == 302


def field_error(page, name):
    """The error message deform shows next to the field ``name`` (or None)."""
    item = page.html.find(class_=f"item-{name}")
    error = item.find(class_="invalid-feedback") if item else None
    return error.get_text(" ", strip=True) if error else None


@pytest.mark.parametrize("mode", ["invitation", "closed"])
def test_registration_is_refused_unless_open(platform, mode):
    platform.add_org("Commune de Test", HOST, registration_mode=mode)
    browser = platform.browser(HOST)
    page = browser.get("/-/register", status=403)
    assert "Inscription impossible" in page.text
    assert ("invitation" in page.text) == (mode == "invitation")
    assert not [f for f in page.forms.values() if "password_confirm" in f.fields]


def test_registering_a_known_address_answers_the_same_and_warns_its_owner(platform, org,
                                                                          mail_outbox):
    platform.add_user(HOST, "camille@example.org")
    response = register(platform.browser(HOST), email="camille@example.org")
    assert response.status_int == 302 and response.location.endswith("/-/register-sent")
    [msg] = mail_outbox.deliver()
    assert "déjà un compte" in mail_outbox.text(msg)
    assert "/-/password/forgot" in mail_outbox.text(msg)
    with platform.tx() as app:
        assert len(app.organisation_for_host(HOST).users) == 1


def test_bad_registration_input_is_shown_next_to_each_field_and_kept(platform, org):
    browser = platform.browser(HOST)
    page = register(browser, name="", email="pas-une-adresse", password="court")
    assert page.status_int == 200
    assert field_error(page, "name")
    assert field_error(page, "email") == "Saisissez une adresse e-mail valide, comme nom@exemple.org."
    form = form_with(page, "email")
    assert form["email"].value == "pas-une-adresse"                 # what was typed is kept
    page = register(browser, name="<script>alert(1)</script> Zoé", email="zoe@example.org",
                    password="motdepasse123")
    assert field_error(page, "password").startswith("Ce mot de passe est trop courant")
    assert "<script>alert(1)" not in page.text                       # escaped when kept
    assert form_with(page, "name")["name"].value == "<script>alert(1)</script> Zoé"
    page = register(browser, name="Zoé", email="zoe@example.org", password=STRONG,
                    confirm="autre chose encore")
    assert field_error(page, "password_confirm") == "Les deux mots de passe sont différents."
    page = register(browser, name="Z" * 101, email="zoe@example.org", password=STRONG)
    assert "100" in field_error(page, "name")
    page = register(browser, name="Zoé", email="zoe@example.org", password="x" * 1025)
    assert field_error(page, "password")
    with platform.tx() as app:
        assert len(app.organisation_for_host(HOST).users) == 0       # nothing half-made


def _png():
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_profile_picture_is_checked_by_content_and_then_shown(platform, org):
    import io

    from webtest import Upload
    uid = platform.add_user(HOST, "camille@example.org", "Camille Martin")
    browser = platform.browser(HOST)
    platform.login(browser, "camille@example.org")
    form = form_with(browser.get("/-/account/profile"), "nickname")
    form["nickname"] = "Cam"
    form["upload"] = Upload("photo.png", b"<html>not an image</html>", "image/png")
    page = form.submit("save")
    assert page.status_int == 200
    assert field_error(page, "avatar") == "Ce fichier n'est pas une image PNG, JPEG ou WebP."
    assert form_with(page, "nickname")["nickname"].value == "Cam"
    browser.get(f"/-/avatar/{uid}", status=404)
    form = form_with(page, "nickname")
    form["upload"] = Upload("photo.png", _png(), "image/png")
    page = form.submit("save").follow()
    assert f"/-/avatar/{uid}" in page.text and "Cam" in page.text
    image = platform.browser(HOST).get(f"/-/avatar/{uid}")
    assert image.content_type == "image/png"
    from PIL import Image
    assert Image.open(io.BytesIO(image.body)).size == (8, 8)
    form = form_with(browser.get("/-/account/profile"), "nickname")
    form["upload"] = Upload("big.png", _png() + b"\0" * (2 * 1024 * 1024), "image/png")
    assert "trop gros" in field_error(form.submit("save"), "avatar")


def test_changing_the_email_address_needs_a_link_sent_to_the_new_one(platform, org, mail_outbox):
    platform.add_user(HOST, "camille@example.org")
    browser = platform.browser(HOST)
    platform.login(browser, "camille@example.org")
    form = form_with(browser.get("/-/account/email"), "email")
    form["email"] = "camille@nouveau.example"
    form["password"] = "not my password"
    page = form.submit("send")
    assert field_error(page, "password") == "Ce n'est pas votre mot de passe actuel."
    form = form_with(page, "email")
    form["password"] = PASSWORD
    page = form.submit("send")
    assert "camille@nouveau.example" in page.text
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "camille@nouveau.example"
    # until the link is opened the old address is the one that logs in
    assert "camille@example.org" in browser.get("/-/account").text
    link = next(u for u in mail_outbox.links(msg) if "confirm-email" in u).replace("http://test.localhost", "")
    page = platform.browser(HOST).get(link)       # works from any browser: the link is the proof
    response = form_with(page, "token").submit()
    assert response.status_int == 302
    [notice] = mail_outbox.deliver()
    assert notice["To"] == "camille@example.org"          # the old address is told
    platform.login(platform.browser(HOST), "camille@nouveau.example")
    platform.login(platform.browser(HOST), "camille@example.org", expect_ok=False)


def test_registration_is_throttled_per_client_address(platform, org, mail_outbox):
    from beffroi.accounts import throttle
    browser = platform.browser(HOST)
    browser.extra_environ["REMOTE_ADDR"] = "203.0.113.8"
    with platform.tx() as app:
        for _ in range(throttle.REGISTER_ADDRESS.limit):
            throttle.record(app.organisation_for_host(HOST), throttle.REGISTER_ADDRESS, "203.0.113.8")
    page = register(browser, email="zoe@example.org")
    assert page.status_int == 200
    assert "Trop de comptes" in page.html.find(role="alert").text
    assert form_with(page, "email")["email"].value == "zoe@example.org"
    assert mail_outbox.deliver() == []
    with platform.tx() as app:
        assert app.organisation_for_host(HOST).users.find_by_email("zoe@example.org") is None


def test_a_photo_loses_its_exif_location_and_is_scaled_down():
    import io

    from PIL import Image

    from beffroi.uploads import UploadError, clean_image
    photo = Image.new("RGB", (2000, 1000), (10, 120, 10))
    exif = Image.Exif()
    exif[0x8825] = {2: (48.0, 51.0, 0.0)}            # GPSInfo: somewhere in Paris
    raw = io.BytesIO()
    photo.save(raw, "JPEG", exif=exif)
    assert b"Exif" in raw.getvalue()
    data, media_type = clean_image(raw.getvalue() + b"<script>trailing</script>")
    assert media_type == "image/jpeg"
    assert b"Exif" not in data and b"<script>" not in data
    assert Image.open(io.BytesIO(data)).size == (512, 256)
    with pytest.raises(UploadError):
        clean_image(b"GIF89a" + b"\0" * 100)
