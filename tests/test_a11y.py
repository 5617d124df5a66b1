"""The static accessibility check, and the core pages passing it."""
import pytest

from beffroi.devkit.a11y import AccessibilityError, accessibility_problems, assert_accessible

GOOD = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Ok</title></head>
<body><a class="skip-link" href="#main">Aller au contenu</a>
<main id="main"><h1>Titre</h1>
<p>Un paragraphe<br>sur deux lignes.
<h2>Partie</h2>
<form method="post"><input type="hidden" name="csrf_token" value="x">
  <label for="q">Recherche</label><input id="q" name="q">
  <label>Ville <select name="ville"><option>Lyon<option>Paris</select></label>
  <textarea name="t" aria-label="Texte"></textarea>
  <button type="submit"><img src="/ok.png" alt="Envoyer"></button></form>
<ul><li>un<li>deux</ul>
<table><caption>Chiffres</caption><tr><th>a<th>b<tr><td>1<td>2</table>
<form method="post"><fieldset><legend>Contact</legend>
  <label for="e">Courriel</label><input id="e" type="email" name="email" autocomplete="email" autofocus>
  <label for="r">Motif</label><select id="r" name="r" required><option value="">Choisir</option><option value="a">A</option></select>
</fieldset><input type="submit" value="Envoyer"></form>
<h3>Détail</h3><img src="/deco.png" alt="">
</main></body></html>"""


def problems_of(body, lang=' lang="fr"'):
    return accessibility_problems(f"<!DOCTYPE html><html{lang}><body><h1>T</h1>{body}</body></html>")


def test_a_correct_page_passes_including_optional_end_tags():
    assert accessibility_problems(GOOD) == []
    assert_accessible(GOOD)


@pytest.mark.parametrize("body, expected", [
    ("<h2>a</h2><h4>b</h4>", "<h4> 'b' skips a level"),
    ("<h1>second</h1>", "2 <h1> elements"),
    ('<input name="q">', "<input name='q'> has no label"),
    ('<label for="other">x</label><select name="s"></select>', "<select name='s'> has no label"),
    ('<img src="/a.png">', "has no alt attribute"),
    ('<a href="/x"></a>', "<a> has no text"),
    ("<button></button>", "<button> has no text"),
    ('<p id="a">1</p><p id="a">2</p>', "id 'a' is used twice"),
    ("<script>alert(1)</script>", "inline <script>"),
    ('<p style="color:red">x</p>', "inline style attribute"),
    ('<p onclick="go()">x</p>', "inline event handler"),
    ("<style>p{}</style>", "inline <style>"),
    ("<div><span>x</div>", "<span> is not closed"),
    ("<div>x</section>", "</section> closes nothing"),
    ("<div>x", "<div> is not closed before </body>"),
    ("<main><p>x", "<main> is not closed"),
    ('<p aria-labelledby="ghost">x</p>', "id 'ghost'"),
    ('<p class="a" class="b">x</p>', "attribute 'class' twice"),
    ('<form><fieldset><label>a <input name=a></label></fieldset><button>Ok</button></form>',
     "<fieldset> has no <legend>"),
    ('<form action="/x"><label>a <input name=a></label></form>', "has no submit button"),
    ('<form><button type="button">a</button></form>', "has no submit button"),
    ("<table><tr><td>1</td></tr></table>", "<table> has no <caption>"),
    ('<label>r <select name=r required><option value="spam">Spam</option></select></label>',
     "starts with a real choice"),
    ('<label>a <input type=checkbox name=a autofocus="False"></label>', "autofocus='False'"),
    ('<label>a <input name=a autofocus></label><label>b <input name=b autofocus></label>',
     "2 elements have autofocus"),
    ('<label>e <input name=email></label>', "use type=\"email\""),
    ('<label>e <input type=email name=email></label>', "no autocomplete token"),
    ('<label>p <input type=password name=password></label>', "no autocomplete token"),
])
def test_each_violation_is_reported_with_its_line(body, expected):
    problems = problems_of(body)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("line ") for p in problems)


def test_a_page_without_lang_or_h1_is_refused():
    assert "no lang attribute" in " ".join(problems_of("", lang=""))
    assert "0 <h1> elements" in " ".join(accessibility_problems('<html lang="fr"><p>x</p></html>'))


def test_labelled_controls_and_exempt_inputs_pass():
    assert problems_of(
        '<input type="hidden" name="c"><input type="submit" value="Go">'
        '<input aria-label="Recherche" name="q"><span id="l">Nom</span>'
        '<input aria-labelledby="l" name="n"><label><input type="checkbox" name="k"> oui</label>'
        '<a href="/x" aria-label="Accueil"></a><a name="ancre"></a>'
        '<script src="/app.js"></script><script type="application/json">{}</script>') == []


def test_assert_accessible_lists_every_problem_and_accepts_a_webtest_response():
    class Response:
        text = "<html><body><img src=x></body></html>"
    with pytest.raises(AccessibilityError) as info:
        assert_accessible(Response())
    message = str(info.value)
    assert "3 accessibility problem(s)" in message
    assert "no lang attribute" in message and "no alt attribute" in message


def test_the_core_pages_are_accessible_to_visitors_and_staff(platform):
    platform.add_org("Commune de Test", "test.localhost")
    platform.add_space("test.localhost", "place", "La place", modules=["pages"])
    visitor = platform.browser()
    for url in ("/", "/place/", "/place/pages/", "/-/login"):
        assert_accessible(visitor.get(url))
    assert_accessible(visitor.get("/nowhere", status=404))
    # a failed login shows the error and keeps the e-mail address
    page = visitor.get("/-/login")
    login = [f for f in page.forms.values() if "password" in f.fields][0]
    login["email"], login["password"] = "nobody@example.org", "wrong password"
    assert_accessible(login.submit("login"))
    admin = platform.browser()
    platform.login_as(admin, role="admin", space="place")
    for url in ("/", "/place/", "/place/pages/", "/place/pages/add"):
        assert_accessible(admin.get(url))


def test_a_label_pointing_at_no_element_is_reported():
    from beffroi.devkit.a11y import accessibility_problems
    html = ('<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main><h1>T</h1>'
            '<label for="langues">Langues</label><input type="checkbox" id="langues-0" '
            'aria-label="fr"></main></body></html>')
    assert any("names no element" in p for p in accessibility_problems(html))


# -- forms built by deform: personal fields, help texts, focus (WCAG 1.3.5, 1.3.1, 2.4.3) --

def _input(page, name):
    found = page.html.find(["input", "select", "textarea"], attrs={"name": name})
    assert found is not None, f"no field {name!r} on the page"
    return found


@pytest.mark.parametrize("path, fields", [
    ("/-/login", {"email": ("email", "username"), "password": ("password", "current-password")}),
    ("/-/register", {"name": ("text", "name"), "email": ("email", "email"),
                     "password": ("password", "new-password"),
                     "password_confirm": ("password", "new-password")}),
    ("/-/password/forgot", {"email": ("email", "email")}),
])
def test_personal_fields_say_what_they_hold(platform, path, fields):
    platform.add_org()
    page = platform.browser().get(path)
    for name, (kind, token) in fields.items():
        field = _input(page, name)
        assert (field.get("type"), field.get("autocomplete")) == (kind, token), field


def test_account_and_system_login_fields_say_what_they_hold(platform):
    from beffroi.cli.system import add_system_admin
    from beffroi.devkit.testing import PASSWORD
    platform.add_org()
    with platform.tx() as app:
        add_system_admin(app, "root@platform.example", PASSWORD)
    browser = platform.browser()
    platform.login_as(browser, "participant")
    profile = browser.get("/-/account/profile")
    assert _input(profile, "name").get("autocomplete") == "name"
    assert _input(profile, "nickname").get("autocomplete") == "nickname"
    email = browser.get("/-/account/email")
    assert (_input(email, "email").get("type"), _input(email, "email").get("autocomplete")) \
        == ("email", "email")
    assert _input(browser.get("/-/account/password"), "current_password").get("autocomplete") \
        == "current-password"
    system = platform.browser().get("/-/system/login")
    assert _input(system, "email").get("autocomplete") == "username"
    assert _input(system, "email").get("type") == "email"


def test_help_and_error_texts_are_read_with_their_field(platform):
    platform.add_org()
    page = platform.browser().get("/-/register")
    password = _input(page, "password")
    help_text = page.html.find(id=password["aria-describedby"])
    assert "10" in help_text.get_text()                 # "At least 10 characters…"
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["name"], form["email"] = "Camille", "camille@example.org"
    form["password"] = form["password_confirm"] = "short"
    page = form.submit("register")
    password = _input(page, "password")
    described = password["aria-describedby"].split()
    assert len(described) == 2 and password.get("aria-invalid") == "true"
    errors = " ".join(page.html.find(id=i).get_text() for i in described)
    assert "10" in errors and page.html.find(id=described[1]) is not None


def test_no_page_moves_the_focus_away_from_its_start(platform):
    platform.add_org()
    uid = platform.add_user("test.localhost", "camille@example.org")
    platform.add_user("test.localhost", "admin@example.org", org_roles=["admin"])
    admin = platform.browser()
    platform.login(admin, "admin@example.org")
    for path in (f"/-/admin/participants/{uid}/", "/-/admin/settings", "/-/admin/spaces/add"):
        assert admin.get(path).html.find(autofocus=True) is None, path
    assert platform.browser().get("/-/login").html.find(autofocus=True) is None


def test_a_required_choice_starts_empty_and_must_be_made(platform):
    platform.add_org()
    platform.add_user("test.localhost", "admin@example.org", org_roles=["admin"])
    admin = platform.browser()
    platform.login(admin, "admin@example.org")
    page = admin.get("/-/admin/spaces/add")
    kind = _input(page, "space_type")
    assert kind.find("option").get("value") == "" and kind.get("required") is not None
    assert kind.find("option").get_text().strip() in ("Choisir…", "Choose…")   # translated
    form = page.forms[[i for i, f in page.forms.items() if "slug" in f.fields][0]]
    form["slug"], form["title"] = "budget", "Budget"
    again = form.submit("create")
    assert again.status_int == 200 and _input(again, "space_type").get("aria-invalid") == "true"
    visibility = _input(again, "visibility")                      # a stored value stays chosen
    assert visibility.find("option", selected=True)["value"] == "public"


def test_forms_shown_again_with_their_errors_pass_the_nu_html_checker(platform):
    from beffroi.devkit.nu_checker import nu_html_errors, require_nu_checker
    require_nu_checker()
    platform.add_org()
    platform.add_user("test.localhost", "admin@example.org", org_roles=["admin"])
    pages = {}
    visitor = platform.browser()
    for path, button in (("/-/register", "register"), ("/-/login", "login"),
                         ("/-/password/forgot", "send")):
        page = visitor.get(path)
        form = next(f for f in page.forms.values() if "email" in f.fields)
        form["email"] = "pas-une-adresse"
        pages[path + " (errors)"] = form.submit(button, status="*").text
    admin = platform.browser()
    platform.login(admin, "admin@example.org")
    page = admin.get("/-/admin/spaces/add")
    form = next(f for f in page.forms.values() if "slug" in f.fields)
    pages["/-/admin/spaces/add (errors)"] = form.submit("create").text
    assert all("error" in text for text in pages.values())
    assert nu_html_errors(pages) == []
