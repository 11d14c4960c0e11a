"""Uploaded images: decoded, bounded and re-encoded before anything is stored.

An upload is trusted for nothing: not its name, not its extension, not its declared
content type. It must decode as JPEG, PNG or WebP, fit the byte and pixel caps, and
is then re-encoded (which drops EXIF and any trailing payload) under a random name.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from core.errors import CommonErrorCode, field_error

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def refuse_out_of_proportion(pixels: int, size: int, field: str) -> None:
    """Refuse an image whose header declares far more pixels than its bytes can hold.

    Decoding and re-encoding cost time per pixel, not per byte: a 38-byte lossless WebP
    that declares 4999 x 5000 pixels (a single colour, which that format stores in a
    few bytes whatever the size) held a worker for ~2 s. Real pictures stay under
    settings.MAX_IMAGE_PIXELS_PER_BYTE (the figures are beside it); small images pass
    whatever they hold, since decoding them is cheap anyway.
    """
    if pixels <= settings.IMAGE_PIXELS_ALWAYS_ALLOWED:
        return
    per_byte = settings.MAX_IMAGE_PIXELS_PER_BYTE
    if pixels > per_byte * size:
        raise field_error(
            field,
            f"The image declares {pixels / 1_000_000:.1f} megapixels in {size} bytes: more "
            f"than {per_byte} pixels per byte, which no real picture of that size "
            "compresses to. Save it again as an ordinary JPEG, PNG or WebP.",
            CommonErrorCode.PIXELS_OUT_OF_PROPORTION,
        )


def _byte_size(upload, declared: int | None) -> int:
    """The upload's length in bytes: its declared size, else measured by seeking."""
    if declared is not None:
        return declared
    position = upload.tell()
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(position)
    return size


def clean_image(upload, *, field: str = "image") -> ContentFile:
    """Return a safe re-encoded copy of `upload`, or raise ValidationError on `field`."""
    max_bytes = settings.MAX_IMAGE_UPLOAD_BYTES
    max_pixels = settings.MAX_IMAGE_PIXELS

    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise field_error(
            field,
            f"The image is larger than {max_bytes // (1024 * 1024)} MB.",
            CommonErrorCode.FILE_TOO_LARGE,
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; treat as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(ALLOWED_FORMATS))
            # The header gives the size before any pixel is decoded: a 1 KB file that
            # declares 50,000 x 50,000 pixels is refused here, cheaply.
            width, height = image.size
            if width * height > max_pixels:
                raise field_error(
                    field,
                    f"The image has more than {max_pixels // 1_000_000} megapixels.",
                    CommonErrorCode.TOO_MANY_PIXELS,
                )
            refuse_out_of_proportion(width * height, _byte_size(upload, size), field)
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        message = "Upload a valid JPEG, PNG or WebP image."
        raise field_error(field, message, CommonErrorCode.INVALID_IMAGE) from None
    except (OSError, SyntaxError, ValueError):
        message = "The image file is damaged or truncated."
        raise field_error(field, message, CommonErrorCode.INVALID_IMAGE) from None

    image_format = image.format
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")

    out = io.BytesIO()
    save_kwargs = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    image.save(out, format=image_format, **save_kwargs)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}")
