"""The static accessibility check, and the core pages passing it."""
import pytest

from beffroi.a11y import AccessibilityError, accessibility_problems, assert_accessible

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
<table><tr><th>a<th>b<tr><td>1<td>2</table>
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
    from beffroi.a11y import accessibility_problems
    html = ('<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main><h1>T</h1>'
            '<label for="langues">Langues</label><input type="checkbox" id="langues-0" '
            'aria-label="fr"></main></body></html>')
    assert any("names no element" in p for p in accessibility_problems(html))
