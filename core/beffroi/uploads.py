"""Uploaded images checked by their real content (Pillow), not by name or declared type."""
from __future__ import annotations

import io

from beffroi.i18n import _

#: Pillow format → media type of the images people may upload.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
AVATAR_MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000          # refuse decompression bombs before decoding


class UploadError(ValueError):
    """An upload refused; ``message`` (translatable) tells the person why."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def read_upload(fileobj, max_bytes):
    """The bytes of ``fileobj``, refusing more than ``max_bytes`` without reading it all."""
    data = fileobj.read(max_bytes + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_("The file is too large (${max} kB at most).",
                            mapping={"max": max_bytes // 1024}))
    return data


def check_image(data, allowed=IMAGE_TYPES):
    """The media type of the image in ``data`` (PNG, JPEG or WebP), decoded fully by
    Pillow; raises ``UploadError`` for anything else, however it is named."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in allowed:
                raise UploadError(_("Only PNG, JPEG and WebP images are accepted."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UploadError(_("The image is too large in pixels."))
            image.load()              # a truncated or corrupt file fails here
            return allowed[image.format]
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise UploadError(_("This file is not a PNG, JPEG or WebP image."))


def clean_image(data, max_side=512):
    """``(bytes, media_type)`` of the image in ``data`` re-encoded by Pillow, at most
    ``max_side`` pixels wide and high. Re-encoding drops EXIF (a phone photo's GPS
    position) and anything hidden after the pixels (polyglot files)."""
    from PIL import Image, ImageOps
    media_type = check_image(data)
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format
        image = ImageOps.exif_transpose(image)       # keep the orientation the EXIF said
        image.thumbnail((max_side, max_side))
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, fmt)
    return out.getvalue(), media_type
