"""What an attachment tells about its author, and its name in any script (issue 12 item 2,
issue 11 kind 4): images lose their metadata, downloads keep their Unicode name."""
from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from PIL import Image

BASE = "/budget/proposals/"
GPS_IFD = 0x8825


def _photo_with_gps(fmt="JPEG"):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                                     # camera make
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, fmt, exif=exif)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as image:                     # the test photo has it
        assert image.getexif().get_ifd(GPS_IFD)
    return data


def _attach(site, browser, name, data):
    page = browser.get(BASE + "add")
    form = site.form_with(page, "title")
    form["title"], form["body"] = "Un plan du quartier", "Voici le plan du quartier en pièce jointe."
    form["upload"] = (name, data)
    return form.submit("create").follow()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_attached_photo_is_served_without_its_gps_position(site, fmt):
    site.user("ana@example.org")
    page = _attach(site, site.browser("ana@example.org"), f"photo.{fmt.lower()}",
                   _photo_with_gps(fmt))
    served = site.browser().get(page.request.path + "attachment?n=0")   # a visitor
    with Image.open(io.BytesIO(served.body)) as image:
        assert image.format == fmt and image.size == (64, 48)          # same picture
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD) and 0x010F not in exif
    assert b"PhoneMaker" not in served.body


def test_an_attached_pdf_keeps_its_bytes(site):
    site.user("ana@example.org")
    pdf = b"%PDF-1.4\n1 0 obj <</Author (Ana)>> endobj\ntrailer <<>>\n%%EOF"
    page = _attach(site, site.browser("ana@example.org"), "plan.pdf", pdf)
    assert site.browser().get(page.request.path + "attachment?n=0").body == pdf


@pytest.mark.parametrize("name, fallback", [
    ("Plan cœur de ville.pdf", "Plan coeur de ville.pdf"),
    ("城市规划.pdf", "____.pdf"),
])
def test_a_file_named_in_any_script_downloads_under_its_name(site, name, fallback):
    site.user("ana@example.org")
    pdf = b"%PDF-1.4\n%%EOF"
    page = _attach(site, site.browser("ana@example.org"), name, pdf)
    assert name in page.text
    download = site.browser().get(page.request.path + "attachment?n=0")
    assert download.status_int == 200 and download.body == pdf
    header = download.headers["Content-Disposition"]
    assert header.startswith(f'attachment; filename="{fallback}"')
    assert header.isascii()
    encoded = header.split("filename*=", 1)[1]
    assert encoded.startswith("UTF-8''") and unquote(encoded[7:]) == name
