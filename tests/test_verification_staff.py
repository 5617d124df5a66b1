"""Postal letters, identity documents checked by two staff members or in person,
revocation, and the action log of every step."""
from __future__ import annotations

import io
import re

from PIL import Image

from beffroi.devkit.testing import csrf_of




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)


def _granted(platform, email, host=h.HOST):
    from beffroi.services.verification.model import granted_verifications
    with platform.tx() as app:
        org = app.organisation_for_host(host)
        return granted_verifications(org, org.users.find_by_email(email).id)


def _uid(platform, email):
    with platform.tx() as app:
        return app.organisation_for_host(h.HOST).users.find_by_email(email).id


def _post(browser, page_path, action, **data):
    page = browser.get(page_path)
    return browser.post(action, {"csrf_token": csrf_of(page), **data}, expect_errors=True)


def test_postal_letter_code_flow_with_limited_attempts(platform):
    town = h.Town(platform)
    town.offer("postal_letter")
    ana = town.participant("ana@example.org")
    form = [f for f in ana.get("/-/account/verify-letter").forms.values() if "street" in f.fields][0]
    form["recipient"], form["street"] = "Ana Martin", "12 rue Nationale"
    form["postal_code"], form["city"] = "59000", "Lille"
    assert form.submit("send").status_int == 302
    assert "code" not in [f for f in ana.get("/-/account/verify-letter").forms.values()][-1].fields
    letters = town.admin.get("/-/admin/verifications-letters")
    assert "12 rue Nationale" in letters.text
    uid = _uid(platform, "ana@example.org")
    printed = town.admin.get(f"/-/admin/verification-letter?user={uid}")
    code = re.search(r'class="letter-code"><strong>([A-Z0-9]{8})</strong>', printed.text).group(1)
    assert "Ana Martin" in printed.text and printed.headers["Cache-Control"] == "private, no-store"
    css = printed.html.find("link", rel="stylesheet")["href"]          # a page of its own, to print
    assert "@media print" in town.admin.get(css.replace("http://test.localhost", "")).text
    ana.get(f"/-/admin/verification-letter?user={uid}", status=403)
    _post(town.admin, "/-/admin/verifications-letters", "/-/admin/verification-letter-sent", user=uid)
    page = ana.get("/-/account/verify-letter")
    form = [f for f in page.forms.values() if "code" in f.fields][0]
    form["code"] = "WRONG123"
    wrong = form.submit("send")
    assert wrong.status_int == 200 and "Essais restants : 4" in wrong.text
    form = [f for f in wrong.forms.values() if "code" in f.fields][0]
    form["code"] = code.lower()
    assert form.submit("send").status_int == 302
    assert _granted(platform, "ana@example.org")["postal_letter"] == {"postal_code": "59000"}


def test_too_many_wrong_codes_close_the_letter(platform):
    town = h.Town(platform)
    town.offer("postal_letter")
    ana = town.participant("ana@example.org")
    form = [f for f in ana.get("/-/account/verify-letter").forms.values() if "street" in f.fields][0]
    form["recipient"], form["street"], form["postal_code"], form["city"] = "Ana", "1 rue", "59000", "Lille"
    form.submit("send")
    uid = _uid(platform, "ana@example.org")
    _post(town.admin, "/-/admin/verifications-letters", "/-/admin/verification-letter-sent", user=uid)
    for _i in range(5):
        form = [f for f in ana.get("/-/account/verify-letter").forms.values() if "code" in f.fields][0]
        form["code"] = "BADCODE9"
        page = form.submit("send")
    assert "Trop de codes erronés" in page.text
    with platform.tx() as app:
        from beffroi.services.verification.model import record_of
        code = record_of(app.organisation_for_host(h.HOST), uid, "postal_letter").data["code"]
    form = [f for f in ana.get("/-/account/verify-letter").forms.values() if "code" in f.fields][0]
    form["code"] = code
    assert "Trop de codes erronés" in form.submit("send").text
    assert _granted(platform, "ana@example.org") == {}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_online_document_needs_a_second_staff_member_and_its_picture_goes(platform):
    town = h.Town(platform)
    town.offer("id_document")
    platform.add_user(h.HOST, "agent@example.org", password="un autre mot de passe long",
                      org_roles=["admin"])
    second = town.browser("agent@example.org", password="un autre mot de passe long")
    ana = town.participant("ana@example.org")
    form = [f for f in ana.get("/-/account/verify-document").forms.values() if "number" in f.fields][0]
    form["document_type"], form["number"], form["postal_code"] = "passport", "19AB12345", "59000"
    form["upload"] = ("passeport.png", _png(), "image/png")
    assert form.submit("send").status_int == 302
    assert "attend la vérification" in ana.get("/-/account/verify-document").text
    uid = _uid(platform, "ana@example.org")
    image = town.admin.get(f"/-/admin/verification-document-image?user={uid}")
    assert image.content_type == "image/png" and image.headers["Cache-Control"] == "private, no-store"
    ana.get(f"/-/admin/verification-document-image?user={uid}", status=403)
    page = "/-/admin/verifications-documents"
    assert "19AB12345" in town.admin.get(page).text        # to compare with the picture
    first = _post(town.admin, page, "/-/admin/verification-document-check", user=uid, decision="accept")
    assert "second" in first.follow().text
    again = _post(town.admin, page, "/-/admin/verification-document-check", user=uid, decision="accept")
    assert "première vérification" in again.follow().text
    assert _granted(platform, "ana@example.org") == {}
    _post(second, page, "/-/admin/verification-document-check", user=uid, decision="accept")
    assert _granted(platform, "ana@example.org")["id_document"] == {"postal_code": "59000"}
    town.admin.get(f"/-/admin/verification-document-image?user={uid}", status=404)
    with platform.tx() as app:
        from beffroi.services.verification.model import record_of
        data = record_of(app.organisation_for_host(h.HOST), uid, "id_document").data
        assert "image" not in data and "number" not in data
    log = town.admin.get("/-/admin/log?action=verification").text
    for step in ("document_submitted", "document_first_check", "document_second_check", "granted"):
        assert f"verification.{step}" in log


def test_a_document_seen_in_person_and_revocation(platform):
    town = h.Town(platform)
    town.offer("id_document", "census")
    town.upload_census()
    ana = town.participant("ana@example.org")
    page = town.admin.get("/-/admin/verifications-in-person")
    form = [f for f in page.forms.values() if "number" in f.fields][0]
    form["email"], form["document_type"], form["number"] = "ana@example.org", "identity_card", "ZX9988776"
    form["district"] = "Wazemmes"
    assert form.submit("save").status_int == 302
    assert _granted(platform, "ana@example.org")["id_document"] == {"district": "Wazemmes"}
    # the same document cannot verify a second account
    town.participant("bob@example.org")
    form = [f for f in town.admin.get("/-/admin/verifications-in-person").forms.values()
            if "number" in f.fields][0]
    form["email"], form["document_type"], form["number"] = "bob@example.org", "identity_card", "zx 998 8776"
    refused = form.submit("save")
    assert refused.status_int == 200 and "autre compte" in refused.text
    overview = town.admin.get("/-/admin/verifications?status=granted")
    assert "ana@example.org" in overview.text
    uid = _uid(platform, "ana@example.org")
    revoked = _post(town.admin, "/-/admin/verifications", "/-/admin/verifications-revoke",
                    user=uid, method="id_document")
    assert "révoquée" in revoked.follow().text
    assert _granted(platform, "ana@example.org") == {}
    assert "révoquée" in ana.get("/-/account").text
    log = town.admin.get("/-/admin/log?action=verification").text
    assert "verification.revoked" in log and "verification.document_in_person" in log
    # once revoked, the document may verify the other account
    form = [f for f in town.admin.get("/-/admin/verifications-in-person").forms.values()
            if "number" in f.fields][0]
    form["email"], form["document_type"], form["number"] = "bob@example.org", "identity_card", "ZX9988776"
    assert form.submit("save").status_int == 302


def test_participants_find_their_verifications_in_their_data_and_lose_them_with_the_account(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    ana = town.participant("ana@example.org")
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    from beffroi.services.verification.model import portable, store_of
    with platform.tx() as app:
        org = app.organisation_for_host(h.HOST)
        data = portable(org, org.users.find_by_email("ana@example.org").id)
    assert data[0]["method"] == "census" and data[0]["metadata"]["postal_code"] == "59000"
    assert "unique_id" not in data[0] and "secret" not in str(data)


def test_the_overview_finds_a_participant_lists_what_waits_and_pages(platform):
    from beffroi.services.verification import views_admin
    town = h.Town(platform)
    town.offer("census", "postal_letter")
    town.upload_census()
    ana = town.participant("ana@example.org")
    town.verify_census(ana, "X4RTBPFW46", "14/07/1990")
    bob = town.participant("bob@example.org")
    form = [f for f in bob.get("/-/account/verify-letter").forms.values() if "street" in f.fields][0]
    form["recipient"], form["street"], form["postal_code"], form["city"] = "Bob", "2 rue", "59000", "Lille"
    form.submit("send")
    found = town.admin.get("/-/admin/verifications?q=ana@example.org")
    assert "ana@example.org" in found.text and "bob@example.org" not in found.text
    pending = town.admin.get("/-/admin/verifications?status=pending")
    assert "bob@example.org" in pending.text and "ana@example.org" not in pending.text
    for i in range(3):
        town.verify_census(town.participant(f"p{i}@example.org"), ("AB123456", "ZZ998877", "X")[i],
                           ("02/03/2010", "01/01/1950", "01/01/2000")[i])
    views_admin.PAGE, saved = 2, views_admin.PAGE
    try:
        first = town.admin.get("/-/admin/verifications?status=granted")
        following = first.html.find("a", string="Page suivante")["href"]
        second = town.admin.get(following.replace("http://test.localhost", ""))
    finally:
        views_admin.PAGE = saved
    shown = [e for e in ("ana@", "p0@", "p1@") if e in first.text] + \
        [e for e in ("ana@", "p0@", "p1@") if e in second.text]
    assert sorted(shown) == ["ana@", "p0@", "p1@"]
    assert "Page suivante" not in second.text
