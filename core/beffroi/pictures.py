"""Pictures attached to an object (a space's banner, the home page's hero, an item's
image): re-encoded by Pillow, kept as ZODB blobs in two sizes, with their text
alternative, served under versioned URLs.

An object holding a picture named ``banner`` has the attributes ``banner`` (full size,
at most ``FULL_SIDE`` pixels), ``banner_thumb`` (at most ``THUMB_SIDE``, for cards),
``banner_type`` (media type), ``banner_alt`` (text alternative, "" for a decorative
picture: WCAG 1.1.1) and ``banner_version`` (a new number on each change, put in the
URL so that the picture may be cached for a year).
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse

from beffroi.uploads import clean_image

FULL_SIDE = 1600
THUMB_SIDE = 480


def _blob(data):
    from ZODB.blob import Blob
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    return blob


def set_picture(obj, name, data, alt) -> None:
    """Store the image ``data`` (bytes) as ``obj``'s picture ``name`` with its text
    alternative ``alt`` ("" or "-" for a decorative picture). Raises
    ``beffroi.uploads.UploadError`` when ``data`` is not a PNG, JPEG or WebP image."""
    full, media_type = clean_image(data, max_side=FULL_SIDE)
    thumb, _type = clean_image(full, max_side=THUMB_SIDE)
    setattr(obj, name, _blob(full))
    setattr(obj, name + "_thumb", _blob(thumb))
    setattr(obj, name + "_type", media_type)
    setattr(obj, name + "_alt", "" if (alt or "").strip() == "-" else (alt or "").strip())
    setattr(obj, name + "_version", (getattr(obj, name + "_version", 0) or 0) + 1)


def clear_picture(obj, name) -> None:
    for suffix in ("", "_thumb", "_type"):
        setattr(obj, name + suffix, None)
    setattr(obj, name + "_alt", "")


def has_picture(obj, name) -> bool:
    return getattr(obj, name, None) is not None


def picture_query(obj, name, thumb=False) -> str:
    """The query string of the picture's URL: ``?v=<version>`` (and ``&size=thumb``)."""
    version = getattr(obj, name + "_version", 0) or 0
    return f"?v={version}" + ("&size=thumb" if thumb else "")


def picture_response(request, obj, name):
    """The picture (``?size=thumb`` for the small one), cached a year when the URL
    carries the current version, five minutes otherwise; 404 when there is none."""
    blob = getattr(obj, name + ("_thumb" if request.params.get("size") == "thumb" else ""), None)
    if blob is None:
        blob = getattr(obj, name, None)
    if blob is None:
        raise HTTPNotFound()
    response = FileResponse(blob.committed(), request=request,
                            content_type=getattr(obj, name + "_type", None) or "application/octet-stream")
    current = str(getattr(obj, name + "_version", 0) or 0)
    response.cache_control = ("public, max-age=31536000, immutable"
                              if request.params.get("v") == current else "public, max-age=300")
    return response
