"""Uploaded files: images checked by their real content (Pillow), not by name or declared
type, and re-encoded without their metadata; download headers for any file name."""
from __future__ import annotations

import io
import unicodedata
from urllib.parse import quote

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


def clean_image(data, max_side: int | None = 512, allowed=IMAGE_TYPES):
    """``(bytes, media_type)`` of the image in ``data`` re-encoded by Pillow, at most
    ``max_side`` pixels wide and high (None: full size). Re-encoding drops EXIF (a phone
    photo's GPS position), XMP, comments and anything hidden after the pixels (polyglot
    files); the colour profile and the orientation are kept, animations too.
    Raises ``UploadError`` for anything but an image of one of the ``allowed`` formats."""
    from PIL import Image, ImageOps
    media_type = check_image(data, allowed)
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format
        icc_profile = image.info.get("icc_profile")
        options = {"icc_profile": icc_profile} if icc_profile and fmt != "GIF" else {}
        if fmt == "GIF":
            options["comment"] = b""                 # Pillow copies a GIF's comment otherwise
        for key in ("comment", "exif", "xmp", "XML:com.adobe.xmp"):
            image.info.pop(key, None)
        out = io.BytesIO()
        if getattr(image, "n_frames", 1) > 1:         # animated GIF or WebP: every frame
            image.save(out, fmt, save_all=True, **options)
            return out.getvalue(), media_type
        image = ImageOps.exif_transpose(image)       # keep the orientation the EXIF said
        if max_side:
            image.thumbnail((max_side, max_side))
        if fmt == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            options["quality"] = 90
        image.save(out, fmt, **options)
    return out.getvalue(), media_type


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def content_disposition(filename: str, inline: bool = False) -> str:
    """A ``Content-Disposition`` header value for a download named ``filename`` (any
    Unicode): ``attachment`` (or ``inline``), an ASCII ``filename="…"`` fallback (accents
    removed, other characters replaced by ``_``) and ``filename*=UTF-8''…`` with the real
    name percent-encoded (RFC 6266 §4.3, RFC 5987). Every download uses it: a header is
    Latin-1, and a raw non-ASCII name made the server fail."""
    name = (filename or "file").replace("\r", " ").replace("\n", " ")
    ascii_name = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_"
                         for c in unicodedata.normalize("NFKD", name.translate(_LIGATURES))
                         if not unicodedata.combining(c))
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
