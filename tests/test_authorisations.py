"""Action authorisations: a space admin requires verifications (and conditions on their
metadata) per action of a module; a refused participant is told what is missing, led to
verify, then taken back."""
from __future__ import annotations


from beffroi.devkit.testing import csrf_of




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)


def _proposal(town):
    author = town.participant("auteur@example.org")
    page = author.get(h.BASE + "add")
    form = [f for f in page.forms.values() if "title" in f.fields][0]
    form["title"], form["body"] = "Des bancs sur la place", "Il faut des bancs à l'ombre des platanes."
    return form.submit("create").location.replace("http://test.localhost", "")


def _support(browser, url):
    page = browser.get(url)
    return browser.post(url + "support", {"csrf_token": csrf_of(page)}, expect_errors=True)


def _supports(platform):
    with platform.tx() as app:
        return app.organisation_for_host(h.HOST).spaces[h.SPACE]["proposals"]["1"].supports


def test_a_support_refused_then_accepted_after_verifying_and_taken_back(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    url = _proposal(town)
    town.require("support", ("census",))
    ana = town.participant("ana@example.org")
    page = ana.get(url)
    assert "vérification de votre identité" in page.text        # told before trying
    refused = _support(ana, url)
    assert refused.status_int == 403
    assert "Autorisation requise" in refused.text and "Recensement" in refused.text
    assert _supports(platform) == 0
    verify = refused.html.find("a", string="Vérifier mon identité")["href"]
    assert "came_from=" + url in verify
    listing = ana.get(verify)
    start = listing.html.find("a", string="Me vérifier par cette méthode")["href"]
    assert "came_from=" + url in start
    form = [f for f in ana.get(start).forms.values() if "document_number" in f.fields][0]
    assert form["came_from"].value == url
    form["document_number"], form["birth_date"] = "X4RTBPFW46", "14/07/1990"
    back = form.submit("send")
    assert back.status_int == 302 and back.location == "http://test.localhost" + url
    assert _support(ana, url).status_int == 302
    assert _supports(platform) == 1


def test_creating_needs_the_verification_and_comes_back_to_the_form(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    town.require("create", ("census",))
    ana = town.participant("ana@example.org")
    refused = ana.get(h.BASE + "add", status=403)
    assert "came_from=" + h.BASE + "add" in refused.text
    back = town.verify_census(ana, "X4RTBPFW46", "14/07/1990", came_from=h.BASE + "add")
    assert back.location == "http://test.localhost" + h.BASE + "add"
    assert "title" in [f for f in back.follow().forms.values() if "title" in f.fields][0].fields


def test_an_anonymous_visitor_is_asked_to_log_in_and_comes_back(platform):
    town = h.Town(platform)
    town.require("create", ("census",))
    page = town.browser().get(h.BASE + "add", status=(302, 403))
    assert "/-/login" in (page.location or "") or "/-/login?came_from=" in page.text


def test_a_postal_code_outside_the_list_is_refused_with_a_message(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    url = _proposal(town)
    town.require("support", ("census",), postal_codes="59000, 59800")
    paris = town.participant("paris@example.org")
    town.verify_census(paris, "ZZ998877", "01/01/1950")           # postal code 75001
    refused = _support(paris, url)
    assert refused.status_int == 403
    assert "59000, 59800" in refused.text and "75001" in refused.text
    assert "Vérifier mon identité" not in refused.text      # verifying again would not help
    lille = town.participant("lille@example.org")
    town.verify_census(lille, "AB123456", "02/03/2010")           # 59800
    assert _support(lille, url).status_int == 302
    assert _supports(platform) == 1


def test_an_age_condition(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    url = _proposal(town)
    town.require("support", ("census",), min_age=16)
    young = town.participant("jeune@example.org")
    town.verify_census(young, "AB123456", "02/03/2010")
    # born in March 2010: 16 from March 2026 on
    from datetime import date
    from beffroi.services.verification.model import age_on
    old_enough = age_on(date(2010, 3, 2)) >= 16
    assert (_support(young, url).status_int == 302) is old_enough
    town.require("support", ("census",), min_age=60)
    adult = town.participant("adulte@example.org")
    town.verify_census(adult, "X4RTBPFW46", "14/07/1990")
    refused = _support(adult, url)
    assert refused.status_int == 403 and "60 ans ou plus" in refused.text
    senior = town.participant("senior@example.org")
    town.verify_census(senior, "ZZ998877", "01/01/1950")
    assert _support(senior, url).status_int == 302


def test_a_verification_in_one_organisation_grants_nothing_in_another(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    platform.add_org(name="Autre commune", host=h.OTHER)
    platform.add_space(h.OTHER, h.SPACE, modules=["proposals"])
    with platform.tx() as app:
        from beffroi.services.verification.authorisations import Requirement, set_requirement
        container = app.organisation_for_host(h.OTHER).spaces[h.SPACE]["proposals"]
        set_requirement(container, "create", Requirement(("census",)))
    ana = town.participant("ana@example.org")
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    ana.get(h.BASE + "add", status=200)
    other = town.participant("ana@example.org", host=h.OTHER)
    other.get(h.BASE + "add", status=403)
    assert "Recensement" not in other.get("/-/account").text


def test_the_permissions_page_is_for_space_admins_and_logged(platform):
    town = h.Town(platform)
    ana = town.participant("ana@example.org")
    ana.get(f"/-/admin/spaces/{h.SPACE}/modules/proposals/permissions", status=403)
    town.require("support", ("census", "postal_letter"), mode="all", postal_codes="59000")
    page = town.admin.get(f"/-/admin/spaces/{h.SPACE}/modules/proposals/permissions")
    assert 'value="59000"' in page.text
    log = town.admin.get("/-/admin/log")
    assert "verification.action_requirement" in log.text
    with platform.tx() as app:
        from beffroi.services.verification.authorisations import requirements_of
        req = requirements_of(app.organisation_for_host(h.HOST).spaces[h.SPACE]["proposals"])
        assert req["support"].methods == ("census", "postal_letter")
        assert req["support"].any_method is False and "create" not in req
