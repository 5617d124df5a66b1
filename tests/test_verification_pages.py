"""Every verification page, for participants and staff, passes the static accessibility
check, and reading them writes nothing; account deletion takes the verifications away."""
from __future__ import annotations

import io

from PIL import Image

from beffroi.devkit.a11y import accessibility_problems
from beffroi.devkit.testing import csrf_of




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_verification_pages_are_accessible_and_reading_them_writes_nothing(platform):
    town = h.Town(platform)
    town.offer("census", "postal_letter", "id_document", "oidc")
    town.upload_census()
    town.require("support", ("census",), postal_codes="59000")
    ana = town.participant("ana@example.org")
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    form = [f for f in ana.get("/-/account/verify-letter").forms.values() if "street" in f.fields][0]
    form["recipient"], form["street"], form["postal_code"], form["city"] = "Ana", "1 rue", "59000", "Lille"
    form.submit("send")
    form = [f for f in ana.get("/-/account/verify-document").forms.values() if "number" in f.fields][0]
    form["document_type"], form["number"] = "passport", "19AB12345"
    form["upload"] = ("p.png", _png(), "image/png")
    form.submit("send")
    bob = town.participant("bob@example.org")
    with platform.tx() as app:
        uid = app.organisation_for_host(h.HOST).users.find_by_email("ana@example.org").id
    participant_pages = {ana: ["/-/account", "/-/account/verifications?came_from=/budget/proposals/&methods=census",
                               "/-/account/verify-letter", "/-/account/verify-document"],
                         bob: ["/-/account/verify-census", "/-/account/verify-letter",
                               "/-/account/verify-document", "/-/account/verifications"]}
    staff_pages = ["/-/admin/", "/-/admin/verifications", "/-/admin/verifications?status=pending&method=census",
                   "/-/admin/verifications-census", "/-/admin/verifications-letters",
                   f"/-/admin/verification-letter?user={uid}", "/-/admin/verifications-documents",
                   "/-/admin/verifications-in-person", "/-/admin/verifications-oidc",
                   f"/-/admin/spaces/{h.SPACE}/", f"/-/admin/spaces/{h.SPACE}/modules/proposals/permissions"]
    before = platform.db.lastTransaction()
    problems = {}
    for browser, paths in list(participant_pages.items()) + [(town.admin, staff_pages)]:
        for path in paths:
            found = accessibility_problems(browser.get(path).text)
            if found:
                problems[path] = found
    # the refusal page, and a census refused line by line
    refused = bob.get(h.BASE + "add")
    assert refused.status_int == 200
    assert platform.db.lastTransaction() == before, "reading verification pages wrote"
    assert not problems, problems
    assert "Autorisations" in town.admin.get(f"/-/admin/spaces/{h.SPACE}/").text


def test_the_refusal_page_and_a_refused_census_are_accessible(platform):
    town = h.Town(platform)
    town.offer("census")
    town.require("create", ("census",))
    bob = town.participant("bob@example.org")
    refused = bob.get(h.BASE + "add", status=403)
    assert not accessibility_problems(refused.text), accessibility_problems(refused.text)
    bad = town.upload_census("document_number;birth_date\nAB;1990\n")
    assert not accessibility_problems(bad.text)


def test_my_data_has_my_verifications_and_a_deleted_account_frees_its_identity(platform):
    import json
    import zipfile
    from beffroi.devkit.testing import PASSWORD
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    ana = town.participant("ana@example.org")
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    archive = zipfile.ZipFile(io.BytesIO(ana.get("/-/account/data").body))
    data = json.loads(archive.read("plugins/verifications.json"))
    assert data[0]["method"] == "census" and data[0]["metadata"]["district"] == "Wazemmes"
    assert "unique_id" not in data[0]
    form = [f for f in ana.get("/-/account/delete").forms.values() if "password" in f.fields][0]
    form["password"] = PASSWORD
    assert form.submit("delete").status_int == 302
    with platform.tx() as app:
        from beffroi.services.verification.model import store_of
        store = store_of(app.organisation_for_host(h.HOST))
        assert not list(store.records.keys()) and not list(store.claims.keys())
    bob = town.participant("bob@example.org")
    assert town.verify_census(bob, "X4RTBPFW46", "14/07/1990").status_int == 302


def test_the_statistics_count_the_verified_participants(platform):
    from beffroi.services.verification.model import verified_count
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    for email, number, birth in (("a@example.org", "X4RTBPFW46", "14/07/1990"),
                                 ("b@example.org", "AB123456", "02/03/2010")):
        town.verify_census(town.participant(email), number, birth)
    town.participant("c@example.org")
    with platform.tx() as app:
        assert verified_count(app.organisation_for_host(h.HOST)) == 2
