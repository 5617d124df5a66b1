"""A verification method of a third-party plugin works through the same hook as the
core's own, with the public toolkit only; a bad declaration stops start-up, naming the
plugin. Also: comments and revocation under action authorisations."""
from __future__ import annotations

import types

import pytest

from beffroi import hookimpl
from beffroi.devkit.testing import csrf_of
from beffroi.plugins import PluginError, load_plugins




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)

LIBRARY = types.ModuleType("beffroi_library_card")
LIBRARY.beffroi_api = ">=2.0,<3"


def _methods():
    from beffroi.api import VerificationMethodInfo
    return [VerificationMethodInfo("library_card", "Library card", "/-/library-verify",
                                   "Your card of the town library.", metadata=("district",))]


def _verify_view(request):
    """A third party's own page: it checks a card number and grants through the toolkit."""
    from pyramid.httpexceptions import HTTPForbidden
    from beffroi.api import VerificationRefused, grant_verification, verification_done
    if request.user is None:
        raise HTTPForbidden()
    if request.method == "POST":
        try:
            grant_verification(request, request.user.id, "library_card",
                               {"district": "Fives"}, unique_id="card-" + request.POST["card"])
        except VerificationRefused:
            return request.response
        return verification_done(request, came_from=request.POST.get("came_from", ""))
    request.response.text = "<form method='post'></form>"
    return request.response


def _configure(config):
    config.add_route("library_verify", "/-/library-verify")
    config.add_view(_verify_view, route_name="library_verify", request_method=("GET", "POST"))


LIBRARY.register_verification_methods = hookimpl(_methods)
LIBRARY.on_configure = hookimpl(_configure)


@pytest.mark.beffroi_plugins(LIBRARY)
def test_a_third_party_method_is_offered_required_and_brings_the_participant_back(platform):
    town = h.Town(platform)
    town.offer("library_card")
    page = town.admin.get(f"/-/admin/spaces/{h.SPACE}/modules/proposals/permissions")
    assert "Library card" in page.text
    town.require("create", ("library_card",), districts="Fives\nWazemmes")
    ana = town.participant("ana@example.org")
    refused = ana.get(h.BASE + "add", status=403)
    assert "Library card" in refused.text
    listing = ana.get(refused.html.find("a", string="Vérifier mon identité")["href"])
    start = listing.html.find("a", string="Me vérifier par cette méthode")["href"]
    assert start.startswith("http://test.localhost/-/library-verify?came_from=" + h.BASE + "add")
    back = ana.post("/-/library-verify", {"card": "42", "came_from": h.BASE + "add",
                                          "csrf_token": csrf_of(listing)})
    assert back.location == "http://test.localhost" + h.BASE + "add"
    ana.get(h.BASE + "add", status=200)
    assert "verification.granted" in town.admin.get("/-/admin/log").text


def test_a_bad_method_declaration_stops_start_up_naming_the_plugin():
    from beffroi.infos import VerificationMethodInfo
    from beffroi.services.verification.methods import collect
    twin = types.ModuleType("beffroi_twin")
    twin.register_verification_methods = hookimpl(
        lambda: [VerificationMethodInfo("census", "Census again", "/-/x")])
    with pytest.raises(PluginError, match="twin.*census.*already declared by plugin 'beffroi'"):
        collect(load_plugins(extra=[("twin", twin)], load_entrypoints=False))
    odd = types.ModuleType("beffroi_odd")
    odd.register_verification_methods = hookimpl(lambda: ["census"])
    with pytest.raises(PluginError, match="odd.*VerificationMethodInfo"):
        collect(load_plugins(extra=[("odd", odd)], load_entrypoints=False))
    far = types.ModuleType("beffroi_far")
    far.register_verification_methods = hookimpl(
        lambda: [VerificationMethodInfo("far_away", "Far", "https://evil.example/")])
    with pytest.raises(PluginError, match="far.*start_path"):
        collect(load_plugins(extra=[("far", far)], load_entrypoints=False))


def test_commenting_can_require_a_verification_and_a_revocation_takes_it_back(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    author = town.participant("auteur@example.org")
    page = author.get(h.BASE + "add")
    form = [f for f in page.forms.values() if "title" in f.fields][0]
    form["title"], form["body"] = "Des bancs sur la place", "Il faut des bancs à l'ombre des platanes."
    url = form.submit("create").location.replace("http://test.localhost", "")
    town.require("comment", ("census",))
    ana = town.participant("ana@example.org")
    token = csrf_of(ana.get(url))
    refused = ana.post(url + "comment", {"csrf_token": token, "body": "Bonne idée, vraiment.",
                                         "alignment": "0"}, status=403)
    assert "came_from=" + url in refused.text
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    ana.post(url + "comment", {"csrf_token": token, "body": "Bonne idée, vraiment.",
                               "alignment": "0"}, status=302)
    with platform.tx() as app:
        uid = app.organisation_for_host(h.HOST).users.find_by_email("ana@example.org").id
    overview = town.admin.get("/-/admin/verifications")
    town.admin.post("/-/admin/verifications-revoke", {"csrf_token": csrf_of(overview),
                                                      "user": uid, "method": "census"})
    ana.post(url + "comment", {"csrf_token": token, "body": "Et encore une remarque.",
                               "alignment": "0"}, status=403)
