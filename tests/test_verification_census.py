"""Census verification: an admin uploads the residents' identifiers, hashed with the
organisation's secret; matching participants are verified with the line's metadata."""
from __future__ import annotations





import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)


def _store(platform, host=h.HOST):
    from beffroi.services.verification.model import store_of
    app = platform.tx().__enter__()
    return store_of(app.organisation_for_host(host))


def test_census_upload_then_a_matching_and_a_non_matching_participant(platform):
    town = h.Town(platform)
    town.offer("census")
    page = town.upload_census().follow()
    assert "3" in page.text and ("recensement" in page.text.lower() or "census" in page.text.lower())
    with platform.tx() as app:
        from beffroi.services.verification.model import store_of
        store = store_of(app.organisation_for_host(h.HOST))
        assert len(store.census) == 3
        # only keyed hashes are kept: no document number, no birth date in clear
        assert all(len(key) == 64 for key in store.census.keys())
        assert not any("X4RTBPFW46" in str(v) for v in store.census.items())
    ana = town.participant("ana@example.org")
    done = town.verify_census(ana, "x4rt bpfw46", "14/07/1990")
    assert done.status_int == 302 and done.location.endswith("/-/account/verifications")
    page = done.follow()
    assert "59000" in page.text and "Wazemmes" in page.text
    assert "vérifié" in ana.get("/-/account").text
    bob = town.participant("bob@example.org")
    refused = town.verify_census(bob, "X4RTBPFW46", "15/07/1990")
    assert refused.status_int == 200
    assert "recensement" in refused.text and "15/07/1990" in refused.text
    with platform.tx() as app:
        from beffroi.services.verification.model import granted_verifications
        org = app.organisation_for_host(h.HOST)
        ana_id = org.users.find_by_email("ana@example.org").id
        bob_id = org.users.find_by_email("bob@example.org").id
        assert granted_verifications(org, ana_id)["census"]["postal_code"] == "59000"
        assert granted_verifications(org, ana_id)["census"]["age_bracket"] in ("35-49", "25-34")
        assert granted_verifications(org, bob_id) == {}


def test_one_census_line_verifies_one_account_only(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    ana = town.participant("ana@example.org")
    assert town.verify_census(ana, "AB123456", "02/03/2010").status_int == 302
    twin = town.participant("ana2@example.org")
    page = town.verify_census(twin, "AB123456", "2010-03-02")
    assert page.status_int == 200 and "autre compte" in page.text


def test_a_re_upload_replaces_the_census(platform):
    town = h.Town(platform)
    town.offer("census")
    town.upload_census()
    town.upload_census("document_number,birth_date\nNEW12345,1980-05-05\n")
    with platform.tx() as app:
        from beffroi.services.verification.model import store_of
        assert len(store_of(app.organisation_for_host(h.HOST)).census) == 1
    ana = town.participant("ana@example.org")
    assert town.verify_census(ana, "X4RTBPFW46", "14/07/1990").status_int == 200
    assert town.verify_census(ana, "NEW12345", "05/05/1980").status_int == 302


def test_a_bad_file_is_refused_line_by_line_and_the_census_is_kept(platform):
    town = h.Town(platform)
    town.upload_census()
    page = town.upload_census("document_number;birth_date\nAB12;31/02/1990\n!!;1990-01-01\n"
                              "GOOD1234;1990-01-01\n")
    assert page.status_int == 200
    assert "Ligne 2" in page.text and "31/02/1990" in page.text
    assert "Ligne 3" in page.text
    page = town.upload_census("name;birth\nAna;1990\n")
    assert "Ligne 1" in page.text and "document_number" in page.text
    with platform.tx() as app:
        from beffroi.services.verification.model import store_of
        assert len(store_of(app.organisation_for_host(h.HOST)).census) == 3


def test_census_pages_are_for_organisation_admins_only(platform):
    town = h.Town(platform)
    ana = town.participant("ana@example.org")
    ana.get("/-/admin/verifications-census", status=403)
    ana.get("/-/admin/verifications", status=403)
    space_admin = town.browser()
    platform.login_as(space_admin, "admin", space=h.SPACE)
    space_admin.get("/-/admin/verifications", status=403)


def test_a_method_not_offered_cannot_be_started(platform):
    town = h.Town(platform)
    town.upload_census()
    ana = town.participant("ana@example.org")
    page = ana.get("/-/account/verify-census").follow()
    assert "ne propose pas" in page.text
