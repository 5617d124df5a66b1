"""Shared set-up of the verification tests: an organisation with a proposals space, an
organisation admin, helpers to offer methods and upload a census through the pages."""
from __future__ import annotations

from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"
OTHER = "autre.localhost"
SPACE = "budget"
BASE = f"/{SPACE}/proposals/"
ADMIN = "maire@example.org"
CENSUS = ("document_number;birth_date;postal_code;district\n"
          "X4RTBPFW46;14/07/1990;59000;Wazemmes\n"
          "AB123456;2010-03-02;59800;Vieux-Lille\n"
          "ZZ998877;1950-01-01;75001;Louvre\n")


class Town:
    def __init__(self, platform):
        self.platform = platform
        platform.add_org(host=HOST)
        platform.add_space(HOST, SPACE, modules=["proposals"])
        platform.add_user(HOST, ADMIN, password="un mot de passe assez long", org_roles=["admin"])
        self.admin = self.browser(ADMIN, password="un mot de passe assez long")

    def browser(self, email=None, host=HOST, password=None):
        browser = self.platform.browser(host)
        if email:
            if password:
                self.platform.login(browser, email, password)
            else:
                self.platform.login(browser, email)
        return browser

    def participant(self, email, host=HOST):
        self.platform.add_user(host, email)
        return self.browser(email, host)

    def offer(self, *methods, browser=None):
        browser = browser or self.admin
        page = browser.get("/-/admin/verifications")
        form = [f for f in page.forms.values() if "method" in f.fields][0]
        for box in form.fields["method"]:
            box.checked = box._value in methods
        return form.submit().follow()

    def upload_census(self, text=CENSUS, browser=None):
        browser = browser or self.admin
        page = browser.get("/-/admin/verifications-census")
        form = [f for f in page.forms.values() if "upload" in f.fields][0]
        form["upload"] = ("census.csv", text.encode("utf-8"), "text/csv")
        return form.submit("send")

    def verify_census(self, browser, number, birth, came_from=None):
        url = "/-/account/verify-census" + (f"?came_from={came_from}" if came_from else "")
        page = browser.get(url)
        form = [f for f in page.forms.values() if "document_number" in f.fields][0]
        form["document_number"], form["birth_date"] = number, birth
        return form.submit("send")

    def require(self, action, methods=("census",), postal_codes="", min_age="", mode="any",
                districts="", actions=("create", "support", "comment")):
        """Set the requirement of ``action`` (the other actions: none) through the space
        admin's page, posting the controls deform's form sends."""
        url = f"/-/admin/spaces/{SPACE}/modules/proposals/permissions"
        page = self.admin.get(url)
        controls = [("csrf_token", csrf_of(page)), ("_charset_", "UTF-8"), ("__formid__", "deform")]
        for name in actions:
            wanted = action == name
            controls += [("__start__", f"{name}:mapping"), ("__start__", "methods:sequence")]
            controls += [("checkbox", m) for m in (methods if wanted else ())]
            controls += [("__end__", "methods:sequence"), ("__start__", "mode:rename"),
                         ("radio", mode if wanted else "any"), ("__end__", "mode:rename"),
                         ("postal_codes", postal_codes if wanted else ""),
                         ("districts", districts if wanted else ""),
                         ("min_age", str(min_age) if wanted else ""),
                         ("__end__", f"{name}:mapping")]
        controls.append(("save", "save"))
        response = self.admin.post(url, controls)
        assert response.status_int == 302, response.text[:3000]
        return response

    def csrf(self, browser, path="/-/account"):
        return csrf_of(browser.get(path))


def load():
    """This module, loaded once (tests import it with ``--import-mode=importlib``)."""
    import sys
    return sys.modules[__name__]
