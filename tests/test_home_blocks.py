"""The organisation home page made of blocks its admin chooses and orders: hero with an
image (alternative text required) and a call to action, open calls from the modules,
figures, free text; the hero image served with a versioned URL."""
import io
import re

import pytest
from webtest import Upload

HOST = "test.localhost"


def english(browser):
    browser.set_cookie("_LOCALE_", "en")
    return browser


def _png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def admin(platform, beffroi_org):
    browser = english(platform.browser(HOST))
    platform.login_as(browser, "admin")
    return browser


def _form(admin):
    page = admin.get("/-/admin/home")
    return next(f for f in page.forms.values() if "hero_title" in f.fields)


def test_hero_image_needs_its_alternative_and_is_served_versioned(platform, admin):
    form = _form(admin)
    form["hero_title"] = "Bienvenue à Test"
    form["upload"] = Upload("banner.png", _png(), "image/png")
    page = form.submit("save")
    assert page.status_int == 200 and "Describe the image" in page.text
    assert "Bienvenue à Test" in page.text                       # nothing typed is lost
    form = _form(admin)
    form["hero_title"] = "Bienvenue à Test"
    form["upload"] = Upload("banner.png", _png(), "image/png")
    form["hero_image_alt"] = "La place de la mairie un jour de marché"
    form["cta_text"], form["cta_url"] = "Participer", "/budget/"
    assert form.submit("save").status_int == 302
    home = english(platform.browser(HOST)).get("/")
    assert "<h1 id=\"hero-title\">Bienvenue à Test</h1>" in home.text
    assert 'alt="La place de la mairie un jour de marché"' in home.text
    src = re.search(r'src="(http://test.localhost/-/home-image\?v=\d+)"', home.text).group(1)
    image = platform.browser(HOST).get(src.split(HOST)[1])
    assert image.content_type == "image/png" and "immutable" in image.headers["Cache-Control"]
    assert 'href="http://test.localhost/budget/"' in home.text


def test_bad_input_gets_messages(platform, admin):
    form = _form(admin)
    form["cta_text"], form["cta_url"] = "Cliquez", "javascript:alert(1)"
    page = form.submit("save")
    assert page.status_int == 200 and "https://" in page.text
    form = _form(admin)
    form["upload"] = Upload("x.png", b"not an image", "image/png")
    form["hero_image_alt"] = "-"
    page = form.submit("save")
    assert page.status_int == 200 and "image" in page.text.lower()


def test_blocks_in_the_chosen_order_with_open_calls_and_figures(platform, admin, beffroi_space):
    beffroi_space("proposals", slug="budget", title="Budget participatif")
    form = _form(admin)
    form["text_title"], form["text"] = "Comment participer", "Créez un **compte**."
    for block in ("hero", "promoted", "calls", "modules", "figures", "text", "spaces"):
        form["pos_" + block] = ""
    form["pos_text"], form["pos_calls"], form["pos_figures"] = "1", "2", "3"
    form.submit("save")
    home = english(platform.browser(HOST)).get("/")
    text = home.text
    assert text.index("Comment participer") < text.index("What you can do now") < text.index("In figures")
    assert "Participation spaces</h2>" not in text                   # hidden block
    assert "Submit a proposal" in text and "Budget participatif" in text
    figures = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    assert "Participation spaces 1" in figures


def test_only_admins(platform, beffroi_org):
    browser = platform.browser(HOST)
    platform.login_as(browser, "participant")
    browser.get("/-/admin/home", status=403)


def test_a_space_banner_on_its_page_and_cards(platform, admin, beffroi_space):
    beffroi_space("pages", slug="quartier", title="Quartier nord")
    page = admin.get("/-/admin/spaces/quartier/banner")
    form = next(f for f in page.forms.values() if "alt" in f.fields)
    form["upload"] = Upload("banner.png", _png(), "image/png")
    assert "Describe the image" in form.submit("save").text      # alternative required
    form = next(f for f in admin.get("/-/admin/spaces/quartier/banner").forms.values()
                if "alt" in f.fields)
    form["upload"] = Upload("banner.png", _png(), "image/png")
    form["alt"] = "Les immeubles du quartier nord"
    assert form.submit("save").status_int == 302
    visitor = platform.browser(HOST)
    space = visitor.get("/quartier/")
    src = re.search(r'class="space-banner" src="http://test.localhost([^"]+)" alt="Les immeubles du quartier nord"',
                    space.text).group(1)
    assert visitor.get(src.replace("&amp;", "&")).content_type == "image/png"
    home = visitor.get("/")
    thumb = re.search(r'class="card-image" src="http://test.localhost([^"]+)"', home.text).group(1)
    small = visitor.get(thumb.replace("&amp;", "&"))
    assert "immutable" in small.headers["Cache-Control"]
    participant = platform.browser(HOST)
    platform.login_as(participant, "participant")
    participant.get("/-/admin/spaces/quartier/banner", status=403)
