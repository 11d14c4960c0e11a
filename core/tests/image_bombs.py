"""Images whose header declares far more pixels than their bytes hold (decode bombs).

Shared by the upload tests, the replay harness (tests/replay/) and the benchmark
bench/image_bomb_timing.py, so all three send the same file.
"""

import io

from PIL import Image


def webp_bomb(width: int = 4999, height: int = 5000) -> bytes:
    """A 38-byte lossless WebP of one colour that declares width x height pixels.

    Lossless WebP codes a single colour with zero bits per pixel, so the pixel data of a
    16 x 16 white square decodes as any size: only the header's dimensions change. The
    default is just under the 25-megapixel cap (MAX_IMAGE_PIXELS), as in the finding.
    """
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="WEBP", lossless=True)
    data = bytearray(out.getvalue())
    # RIFF header (12 bytes), "VP8L" chunk header (8), the 0x2F signature, then 32 bits:
    # 14 bits of width - 1, 14 bits of height - 1, the alpha hint and a 3-bit version.
    assert data[12:16] == b"VP8L" and data[20] == 0x2F, "Pillow wrote another WebP layout"
    bits = int.from_bytes(data[21:25], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    data[21:25] = bits.to_bytes(4, "little")
    return bytes(data)
