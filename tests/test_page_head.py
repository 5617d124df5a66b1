"""What browsers, search engines and Lighthouse ask of every page (issue 12 item 12): an
icon at /favicon.ico, a meta description, and text sent compressed when accepted.

webtest decodes gzip bodies on its own, so compression is checked on the raw WSGI
response (webob ``Request.get_response``)."""
import gzip
import re

from webob import Request

HOST = "test.localhost"
LONG = ("La commune de Test ouvre ses décisions aux habitantes et aux habitants : budget "
        "participatif, concertation sur la place du marché, plan climat, conseils de "
        "quartier et bien d'autres démarches à venir pendant toute l'année.")


def raw(platform, path, **headers):
    return Request.blank(path, headers={"Host": HOST, **headers}).get_response(platform.app)


def meta_description(page):
    tag = page.html.find("meta", attrs={"name": "description"})
    return tag and tag["content"]


def test_every_host_answers_favicon_ico_and_pages_link_it(platform):
    platform.add_org()
    platform.add_org("Autre", "autre.localhost")
    for host in (HOST, "autre.localhost"):
        icon = platform.browser(host).get("/favicon.ico")
        assert icon.content_type == "image/x-icon" and icon.body[:4] == b"\0\0\1\0"  # ICO
        assert "max-age" in icon.headers["Cache-Control"]
    page = platform.browser().get("/")
    assert page.html.find("link", rel="icon")["href"] == f"http://{HOST}/favicon.ico"


def test_pages_describe_themselves_with_the_organisation_or_the_space(platform):
    platform.add_org()
    browser = platform.browser()
    assert meta_description(browser.get("/")) == "Commune de Test"          # nothing better
    with platform.tx() as app:
        app.organisation_for_host(HOST).description = f"<p>{LONG}</p><script>x</script>"
    described = meta_description(browser.get("/-/login"))
    assert len(described) <= 160 and described.endswith("…")
    assert described.startswith("La commune de Test ouvre") and "<" not in described
    platform.add_space(HOST, "place", "La place", description="<p>Réaménager la <b>place</b></p>")
    assert meta_description(browser.get("/place/")) == "Réaménager la place"


def test_html_is_sent_gzipped_to_browsers_that_accept_it(platform):
    platform.add_org()
    with platform.tx() as app:
        app.organisation_for_host(HOST).description = f"<p>{LONG}</p>"
    plain = raw(platform, "/")
    zipped = raw(platform, "/", **{"Accept-Encoding": "gzip, deflate, br"})
    assert plain.content_encoding is None and zipped.content_encoding == "gzip"
    assert "Accept-Encoding" in plain.vary and "Accept-Encoding" in zipped.vary
    text = gzip.decompress(zipped.body).decode()
    assert text.startswith("<!DOCTYPE html>") and LONG[:40] in text
    assert int(zipped.headers["Content-Length"]) == len(zipped.body) < len(plain.body) / 2
    assert raw(platform, "/", **{"Accept-Encoding": "identity"}).content_encoding is None


def test_stylesheets_are_gzipped_and_still_revalidate(platform):
    platform.add_org()
    css = re.search(r'href="http://test.localhost(/-/skin/[^"]+\.css[^"]*)"',
                    platform.browser().get("/").text).group(1)
    first = raw(platform, css, **{"Accept-Encoding": "gzip"})
    assert first.content_encoding == "gzip" and b"--primary" in gzip.decompress(first.body)
    again = raw(platform, css, **{"Accept-Encoding": "gzip",
                                  "If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_int == 304 and again.body == b""


def test_images_and_small_answers_are_not_recompressed(platform):
    platform.add_org()
    icon = raw(platform, "/favicon.ico", **{"Accept-Encoding": "gzip"})
    assert icon.status_int == 200 and icon.content_encoding is None
    small = raw(platform, "/-/health", **{"Accept-Encoding": "gzip"})
    assert len(small.body) < 1024 and small.content_encoding is None


def test_a_strong_etag_names_the_gzipped_representation_apart():
    from webob import Response

    from beffroi.views.compression import compression_tween_factory
    page = "<!DOCTYPE html>" + "<p>texte</p>" * 200
    tween = compression_tween_factory(
        lambda request: Response(page, content_type="text/html", etag="v1"), None)
    zipped = tween(Request.blank("/", headers={"Accept-Encoding": "gzip"}))
    plain = tween(Request.blank("/"))
    assert (zipped.etag, plain.etag) == ("v1-gzip", "v1")
    assert gzip.decompress(zipped.body).decode() == page
    refused = tween(Request.blank("/", headers={"Accept-Encoding": "gzip;q=0, identity"}))
    assert refused.content_encoding is None
