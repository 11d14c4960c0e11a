"""core.images: what an upload may declare before a pixel is decoded."""

import io
import random

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFile

from core.images import clean_image
from core.tests.image_bombs import webp_bomb


def upload_of(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def decodes(monkeypatch):
    """The sizes of the images Pillow decoded pixels of (a spy on ImageFile.load)."""
    seen = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self, *args, **kwargs):
        seen.append(self.size)
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return seen


def test_the_bomb_is_what_the_finding_describes():
    # a 38-byte file declaring 4999 x 5000 pixels: under the pixel cap, so only the
    # proportion of pixels to bytes can refuse it
    content = webp_bomb()
    image = Image.open(io.BytesIO(content))
    assert len(content) == 38
    assert image.format == "WEBP" and image.size == (4999, 5000)
    assert settings.MAX_IMAGE_PIXELS >= 4999 * 5000


def test_an_image_declaring_far_more_pixels_than_its_bytes_is_refused_undecoded(decodes):
    # given the 38-byte WebP of 25 megapixels
    content = webp_bomb()
    # when it is cleaned
    with pytest.raises(ValidationError) as refused:
        clean_image(upload_of(content, "bomb.webp"), field="poster")
    # then it is refused on `poster`, by name and figure, before any pixel was decoded
    (message,) = refused.value.message_dict["poster"]
    assert "25.0 megapixels in 38 bytes" in message
    assert f"{settings.MAX_IMAGE_PIXELS_PER_BYTE} pixels per byte" in message
    assert refused.value.error_dict["poster"][0].code == "pixels_out_of_proportion"
    assert decodes == []


def test_a_small_image_of_one_colour_passes_whatever_its_ratio(decodes):
    # given a one-colour square at the size below which the ratio is not asked
    side = int(settings.IMAGE_PIXELS_ALWAYS_ALLOWED**0.5)
    content = webp_bomb(side, side)
    assert side * side > settings.MAX_IMAGE_PIXELS_PER_BYTE * len(content)
    # when it is cleaned, then it is accepted (decoding a megapixel is cheap)
    cleaned = clean_image(upload_of(content, "avatar.webp"))
    assert Image.open(cleaned).size == (side, side)
    assert set(decodes) == {(side, side)}


def flat_poster(width: int, height: int) -> Image.Image:
    """A graphic poster: large flat areas and a little text (the best case for PNG)."""
    rng = random.Random(7)
    poster = Image.new("RGB", (width, height), (20, 20, 60))
    draw = ImageDraw.Draw(poster)
    for _ in range(12):
        x0, x1 = sorted(rng.randrange(width) for _ in range(2))
        y0, y1 = sorted(rng.randrange(height) for _ in range(2))
        draw.rectangle([x0, y0, x1, y1], fill=(rng.randrange(256),) * 3)
    for _ in range(20):
        draw.text((rng.randrange(width), rng.randrange(height)), "NOW SHOWING", fill="white")
    return poster


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_real_flat_poster_above_a_megapixel_is_accepted(fmt):
    # given a 1200 x 1800 graphic poster, the most compressible kind of real picture
    out = io.BytesIO()
    flat_poster(1200, 1800).save(out, format=fmt)
    content = out.getvalue()
    assert settings.IMAGE_PIXELS_ALWAYS_ALLOWED < 1200 * 1800
    # when it is cleaned, then it is kept, re-encoded in its own format
    cleaned = clean_image(upload_of(content, f"poster.{fmt.lower()}"))
    assert Image.open(cleaned).format == fmt
