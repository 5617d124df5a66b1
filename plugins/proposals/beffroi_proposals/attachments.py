"""Attachments: PDF and images, checked by their real content, kept in ZODB blobs.

Images are re-encoded by Pillow at full size (``beffroi.uploads.clean_image``): what a
camera or phone wrote in them (EXIF with the GPS position, XMP, comments) is not kept.
PDF documents keep their bytes, metadata included (the README says so)."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from pyramid.i18n import TranslationStringFactory
from ZODB.blob import Blob

from beffroi.api import UploadError, clean_image
from beffroi_proposals.models import Attachment

_ = TranslationStringFactory("beffroi_proposals")
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PER_PROPOSAL = 5
#: The largest side of the small copy of an image shown on the listing's card (pixels).
THUMB_SIDE = 480


class AttachmentRefused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def sniff(data: bytes) -> str | None:
    """The real type of ``data`` (whatever its name claims), or None if not allowed."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()           # a truncated or forged image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_TYPES.get(kind)


def safe_filename(name: str) -> str:
    name = (name or "file").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in name if c.isalnum() or c in "._- ")[:100].strip(" .")
    return cleaned or "file"


def make_attachment(upload, max_mb):
    """An ``Attachment`` from a form upload (``cgi.FieldStorage``-like) or an error."""
    stream = upload.file
    data = stream.read(max_mb * 1024 * 1024 + 1)
    if not data:
        raise AttachmentRefused(_("The file is empty."))
    if len(data) > max_mb * 1024 * 1024:
        raise AttachmentRefused(_("The file is larger than ${size} MB.", mapping={"size": max_mb}))
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentRefused(_("Only PDF documents and images (PNG, JPEG, GIF, WebP) can be attached."))
    if content_type.startswith("image/"):
        try:
            data, content_type = clean_image(data, max_side=None, allowed=IMAGE_TYPES)
        except UploadError:
            raise AttachmentRefused(_("Only PDF documents and images (PNG, JPEG, GIF, WebP) can be attached."))
    thumb = None
    if content_type.startswith("image/"):
        small, _type = clean_image(data, max_side=THUMB_SIDE, allowed=IMAGE_TYPES)
        thumb = _blob(small)
    return Attachment(safe_filename(upload.filename), content_type, _blob(data), len(data), thumb)


def _blob(data):
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    return blob
