def test_a_query_string_that_is_not_utf8_is_a_clear_400(platform):
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", modules=["pages"])
    browser = platform.browser("test.localhost")
    page = browser.get("/place/pages/?q=%ff%fe", status=400)
    assert "Traceback" not in page.text
    page = browser.post("/-/login", b"email=%ff", content_type="application/x-www-form-urlencoded", status=400)


def _crashing_plugin():
    import types

    from beffroi import hookimpl
    from beffroi.resources.organisation import SiteTools

    def crash(context, request):
        context.organisation.description = "half-written"
        raise RuntimeError("a bug in a plugin")

    module = types.ModuleType("crashing")
    module.on_configure = hookimpl(lambda config: config.add_view(
        crash, context=SiteTools, name="crash", request_method="POST", require_csrf=False))
    return module


def test_a_bug_gives_a_friendly_500_and_saves_nothing(beffroi_db):
    from beffroi.app import make_config
    from beffroi.devkit.testing import Platform
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40,
                "beffroi.extra_plugins": [("crashing", _crashing_plugin())]}
    site = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    site.add_org("Commune", "test.localhost")
    page = site.browser("test.localhost").post("/-/crash", status=500)
    assert "Une erreur est survenue" in page.text
    assert "Traceback" not in page.text and "a bug in a plugin" not in page.text
    with site.tx() as app:
        assert app.organisation_for_host("test.localhost").description == ""
