"""Accept product pictures safely: check them with Pillow, re-encode them, make thumbnails.

Nothing a seller uploads is served as it came. A file must decode as JPEG, PNG, WebP or GIF;
its pixel count is checked from the header before any decoding (so a decompression bomb is
refused without being expanded); then it is rotated upright from its EXIF orientation,
stripped of metadata, scaled down and written anew as a JPEG, with a smaller thumbnail.
SVG, HTML and anything else Pillow cannot identify are refused.
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from storefront.domain.errors import ImageRefused
from storefront.models import Product, ProductImage
from storefront.services import files

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 25 megapixels: a good camera's picture, far less than a bomb
MIN_SIDE = 200
FULL_SIDE = 1600
THUMB_SIDE = 480
MAX_IMAGES = 10


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: IO[bytes]


def _read(upload: Upload) -> bytes:
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRefused("image.too_large", field="images", name=upload.filename)
    if not data:
        raise ImageRefused("image.empty", field="images", name=upload.filename)
    return data


def _decode(data: bytes, filename: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRefused("image.not_an_image", field="images", name=filename)
            width, height = probe.size  # from the header: nothing decoded yet
            if width * height > MAX_PIXELS:
                raise ImageRefused("image.too_many_pixels", field="images", name=filename)
            if min(width, height) < MIN_SIDE:
                raise ImageRefused("image.too_small", field="images", name=filename)
            probe.verify()
            image = Image.open(BytesIO(data))
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("image.too_many_pixels", field="images", name=filename) from None
    except UnidentifiedImageError:
        raise ImageRefused("image.not_an_image", field="images", name=filename) from None
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        raise ImageRefused("image.broken", field="images", name=filename) from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts become white, not black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def picture_bytes(upload: Upload, side: int) -> bytes:
    """Check one picture (a logo) like a product picture and re-encode it as a JPEG."""
    image = _decode(_read(upload), upload.filename)
    try:
        upright = _flatten(ImageOps.exif_transpose(image))
    except Exception:  # malformed EXIF
        raise ImageRefused("image.broken", field="images", name=upload.filename) from None
    return _encode(upright, side)


def encode_picture(upload: Upload) -> tuple[bytes, bytes, tuple[int, int]]:
    """Check one picture and re-encode it: (full JPEG, thumbnail JPEG, upright size).

    Only the small JPEGs are kept, so several large uploads never sit in memory together.
    """
    image = _decode(_read(upload), upload.filename)
    try:
        upright = _flatten(ImageOps.exif_transpose(image))  # also drops EXIF and ICC
    except Exception:  # malformed EXIF: refuse the file rather than guess its orientation
        raise ImageRefused("image.broken", field="images", name=upload.filename) from None
    return _encode(upright, FULL_SIDE), _encode(upright, THUMB_SIDE), upright.size


def accept(
    db: Session, product: Product, uploads: list[Upload], media_root: Path, now: datetime
) -> list[ProductImage]:
    """Check, re-encode and store pictures for a product, after the ones it has.

    All files are checked before any is stored, so one bad file stores nothing; the files
    stored go again if the transaction rolls back (``services.files``).
    """
    have = (
        db.scalar(
            select(func.count())
            .select_from(ProductImage)
            .where(ProductImage.product_id == product.id)
        )
        or 0
    )
    if have + len(uploads) > MAX_IMAGES:
        raise ImageRefused("image.too_many", field="images")
    # One picture decoded at a time (only its small JPEGs are kept), so ten large uploads
    # never sit in memory together; nothing is written until every file has passed.
    encoded = [encode_picture(upload) for upload in uploads]
    stored = []
    folder = Path("products") / str(product.id)
    for offset, (full_bytes, thumb_bytes, (width, height)) in enumerate(encoded):
        name = secrets.token_hex(12)
        full, thumb = folder / f"{name}.jpg", folder / f"{name}-thumb.jpg"
        files.stage_write(db, media_root / full, full_bytes)
        files.stage_write(db, media_root / thumb, thumb_bytes)
        row = ProductImage(
            product_id=product.id,
            position=have + offset,
            path=full.as_posix(),
            thumb_path=thumb.as_posix(),
            width=width,
            height=height,
            created_at=now,
        )
        db.add(row)
        stored.append(row)
    db.flush()
    _refresh_cover(db, product)
    return stored


_IMAGES_OF = (  # built once: the product page asks on every view
    select(ProductImage)
    .where(ProductImage.product_id == bindparam("product_id"))
    .order_by(ProductImage.position, ProductImage.id)
)


def images_of(db: Session, product_id: int) -> list[ProductImage]:
    return list(db.scalars(_IMAGES_OF, {"product_id": product_id}))


def image_of(db: Session, product_id: int, image_id: int) -> ProductImage | None:
    """The product's own picture, or None: never another product's."""
    return db.scalar(
        select(ProductImage).where(
            ProductImage.id == image_id, ProductImage.product_id == product_id
        )
    )


def move(db: Session, product: Product, image: ProductImage, step: int) -> None:
    """Move a picture one place earlier (-1) or later (+1); the first is the cover."""
    ordered = images_of(db, product.id)
    index = ordered.index(image)
    target = index + step
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, row in enumerate(ordered):
        row.position = position
    _refresh_cover(db, product)


def remove(db: Session, product: Product, image: ProductImage, media_root: Path) -> None:
    """Delete a picture; its files go once the deletion has committed."""
    db.delete(image)
    db.flush()
    for relative in (image.path, image.thumb_path):
        files.delete_after_commit(db, media_root / relative)
    for position, row in enumerate(images_of(db, product.id)):
        row.position = position
    _refresh_cover(db, product)


def _refresh_cover(db: Session, product: Product) -> None:
    """The product's list picture is the first picture's thumbnail."""
    first = db.scalar(
        select(ProductImage.thumb_path)
        .where(ProductImage.product_id == product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
    )
    if first is not None or product.image is None or product.image.startswith("products/"):
        product.image = first
