"""Images attached to proposals: checked, decoded and re-encoded so that no metadata (EXIF, GPS, comments) survives.

Pure functions over bytes: nothing here knows about HTTP or the database.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGES = 3
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Large enough for a sharp picture on a wide screen; bigger originals are scaled down (and cost less to store).
MAX_DIMENSION = 2000
# Refuse decompression bombs long before Pillow's own limit (~89 megapixels) is reached.
MAX_SOURCE_PIXELS = 40_000_000
MAX_ALT_TEXT_LENGTH = 300

# Pillow format name -> (media type served, Pillow format written back).
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class ImageProblem(StrEnum):
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    WRONG_FORMAT = "wrong_format"
    TOO_MANY_PIXELS = "too_many_pixels"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    media_type: str
    width: int
    height: int


def reencode(raw: bytes) -> CleanImage | ImageProblem:
    """Decode an upload and write it again from its pixels only.

    The orientation EXIF tag is applied to the pixels first (so photos stay upright); then nothing of the
    original file is copied: no EXIF (GPS position, camera serial), no XMP, no comments, no ICC profile.
    """
    if len(raw) > MAX_IMAGE_BYTES:
        return ImageProblem.TOO_LARGE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as source:
                if source.format not in ACCEPTED_FORMATS:
                    return ImageProblem.WRONG_FORMAT
                if source.width * source.height > MAX_SOURCE_PIXELS:
                    return ImageProblem.TOO_MANY_PIXELS
                media_type = ACCEPTED_FORMATS[source.format]
                source_format = source.format
                source.seek(0)  # animated PNG/WebP: the first frame only
                upright = ImageOps.exif_transpose(source)
                has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
                pixels = upright.convert("RGBA" if has_alpha and source_format != "JPEG" else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ImageProblem.NOT_AN_IMAGE
    except (OSError, ValueError, SyntaxError, EOFError):  # truncated or corrupt files
        return ImageProblem.NOT_AN_IMAGE
    pixels.thumbnail((MAX_DIMENSION, MAX_DIMENSION), Image.Resampling.LANCZOS)
    pixels.info.clear()
    output = io.BytesIO()
    if source_format == "JPEG":
        pixels.save(output, format="JPEG", quality=85, optimize=True)
    elif source_format == "PNG":
        pixels.save(output, format="PNG", optimize=True)
    else:
        pixels.save(output, format="WEBP", quality=85)
    return CleanImage(output.getvalue(), media_type, pixels.width, pixels.height)
