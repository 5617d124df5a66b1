"""Every uploaded image is served without what the camera wrote in it, and every
download header carries any file name (issue 12 item 2, issue 11 kind 4)."""
import io

import pytest
from PIL import Image

from beffroi.uploads import UploadError, clean_image, content_disposition

HOST = "test.localhost"
GPS_IFD = 0x8825


def photo_with_gps(fmt="JPEG", size=(80, 60)):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def test_an_organisation_logo_is_served_without_its_gps_position(platform):
    platform.add_org()
    platform.add_user(HOST, "admin@example.org", org_roles=["admin"])
    admin = platform.browser()
    platform.login(admin, "admin@example.org")
    page = admin.get("/-/admin/settings")
    form = next(f for f in page.forms.values() if "primary_colour" in f.fields)
    form["upload"] = ("logo.jpg", photo_with_gps())
    assert form.submit("save").status_int == 302
    logo = platform.browser().get("/-/logo")
    with Image.open(io.BytesIO(logo.body)) as image:
        assert image.size == (80, 60) and not image.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in logo.body


def test_a_rotated_photo_keeps_its_orientation_and_loses_the_tag():
    exif = Image.Exif()
    exif[0x0112] = 6                                   # "rotate 90° clockwise to show"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(buffer, "JPEG", exif=exif)
    data, media_type = clean_image(buffer.getvalue(), max_side=None)
    with Image.open(io.BytesIO(data)) as image:
        assert media_type == "image/jpeg" and image.size == (60, 80)
        assert 0x0112 not in image.getexif()


def test_what_is_not_an_image_is_refused_whatever_its_name():
    with pytest.raises(UploadError):
        clean_image(b"%PDF-1.4\n%%EOF", max_side=None)


@pytest.mark.parametrize("name, expected", [
    ("compte-rendu.pdf", 'attachment; filename="compte-rendu.pdf"'),
    ("Plan cœur de ville.pdf", "attachment; filename=\"Plan coeur de ville.pdf\"; "
                               "filename*=UTF-8''Plan%20c%C5%93ur%20de%20ville.pdf"),
    ("Été 2026.pdf", "attachment; filename=\"Ete 2026.pdf\"; filename*=UTF-8''%C3%89t%C3%A9%202026.pdf"),
    ('a"b\r\nSet-Cookie: x.pdf', "attachment; filename=\"a_b  Set-Cookie: x.pdf\"; "
                                 "filename*=UTF-8''a%22b%20%20Set-Cookie%3A%20x.pdf"),
])
def test_a_download_header_carries_any_name_in_ascii(name, expected):
    value = content_disposition(name)
    assert value == expected and value.isascii() and "\r" not in value and "\n" not in value


def test_images_are_shown_inline():
    assert content_disposition("vue.png", inline=True) == 'inline; filename="vue.png"'
