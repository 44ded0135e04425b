"""Product pictures: good files are re-encoded with thumbnails; hostile ones are refused."""

import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.models import Product, ProductImage
from tests.helpers import base, picture, pictures, text, upload


def png_bomb(width=50_000, height=50_000):
    """A valid PNG header claiming a huge picture: tiny on disk, gigabytes if decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def stored_image(path):
    """(format, size, EXIF) of a stored file, closing it."""
    with Image.open(path) as image:
        return image.format, image.size, dict(image.getexif())


def test_good_pictures_are_reencoded_with_thumbnails(app, client, session, shop, owner):
    response = upload(
        client, shop, shop.product.id, ("front.jpg", picture()), ("side.png", picture("PNG"))
    )
    assert response.status_code == 302
    stored = pictures(session, shop.product.id)
    assert len(stored) == 2
    media = Path(app.config["MEDIA_ROOT"])
    for row in stored:
        (full_format, full_size, _), (thumb_format, thumb_size, _) = (
            stored_image(media / row.path),
            stored_image(media / row.thumb_path),
        )
        assert full_format == thumb_format == "JPEG"
        assert max(thumb_size) <= 480 and max(full_size) <= 1600
    assert session.get(Product, shop.product.id).image == stored[0].thumb_path
    page = text(client.get(f"/products/{shop.product.id}"))
    assert stored[0].path in page and stored[1].thumb_path in page


def test_metadata_is_stripped_and_the_picture_turned_upright(app, client, session, shop, owner):
    # orientation 6: the camera was turned; the picture must come out 600 wide, 900 high
    upload(
        client, shop, shop.product.id, ("phone.jpg", picture(size=(900, 600), exif_orientation=6))
    )
    row = pictures(session, shop.product.id)[0]
    _format, size, exif = stored_image(Path(app.config["MEDIA_ROOT"]) / row.path)
    assert size == (600, 900)
    assert exif == {}
    assert b"SecretCam" not in (Path(app.config["MEDIA_ROOT"]) / row.path).read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "is not a JPEG",
        ),
        ("page.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "is not a JPEG"),
        ("bomb.png", png_bomb(), "too many pixels"),
        ("tiny.png", picture("PNG", size=(40, 40)), "too small"),
        ("cut.jpg", picture()[:300], "damaged"),
        ("empty.jpg", b"", "empty"),
        ("scan.tiff", picture("TIFF", size=(300, 300)), "is not a JPEG"),
    ],
)
def test_hostile_or_unusable_files_are_refused_with_a_message(
    app,
    client,
    session,
    shop,
    owner,
    name,
    content,
    message,
):
    response = upload(client, shop, shop.product.id, ("ok.jpg", picture()), (name, content))
    assert response.status_code == 400
    assert name in text(response) and message in text(response)
    assert pictures(session, shop.product.id) == []  # one bad file stores nothing
    assert not list(Path(app.config["MEDIA_ROOT"]).glob("products/*/*"))


def test_a_file_over_the_size_limit_is_refused(client, session, shop, owner, monkeypatch):
    from storefront.services import images

    monkeypatch.setattr(images, "MAX_BYTES", 1000)
    response = upload(client, shop, shop.product.id, ("big.jpg", picture()))
    assert response.status_code == 400 and "larger than 8 MB" in text(response)


def test_no_more_than_ten_pictures(client, session, shop, owner):
    files = [(f"p{i}.jpg", picture(colour=(i * 20, 10, 10))) for i in range(11)]
    response = upload(client, shop, shop.product.id, *files)
    assert response.status_code == 400 and "at most 10 pictures" in text(response)
    assert pictures(session, shop.product.id) == []


def test_reorder_and_delete(app, client, session, shop, owner):
    upload(
        client,
        shop,
        shop.product.id,
        ("a.jpg", picture(colour=(255, 0, 0))),
        ("b.jpg", picture(colour=(0, 0, 255))),
    )
    first, second = pictures(session, shop.product.id)
    url = f"{base(shop)}/products/{shop.product.id}/images"
    client.post(f"{url}/{second.id}/move", data={"to": "earlier"})
    assert [p.id for p in pictures(session, shop.product.id)] == [second.id, first.id]
    assert session.get(Product, shop.product.id).image == second.thumb_path
    media = Path(app.config["MEDIA_ROOT"])
    second_files = (media / second.path, media / second.thumb_path)
    client.post(f"{url}/{second.id}/delete")
    assert [p.id for p in pictures(session, shop.product.id)] == [first.id]
    assert not any(path.exists() for path in second_files)
    assert session.get(Product, shop.product.id).image == first.thumb_path


def test_a_picture_of_another_product_is_not_found(client, session, shop, owner):
    upload(client, shop, shop.cheap.id, ("a.jpg", picture()))
    other = pictures(session, shop.cheap.id)[0]
    url = f"{base(shop)}/products/{shop.product.id}/images/{other.id}"
    assert client.post(f"{url}/delete").status_code == 404
    assert client.post(f"{url}/move", data={"to": "later"}).status_code == 404
    assert len(pictures(session, shop.cheap.id)) == 1


def jpeg_with_broken_exif():
    """A JPEG whose EXIF directory is scrambled."""
    out = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = bytearray(exif.tobytes())
    Image.new("RGB", (400, 400), (10, 120, 40)).save(out, "JPEG", exif=bytes(raw))
    data = bytearray(out.getvalue())
    marker = data.find(b"Exif\x00\x00")
    for i in range(marker + 20, marker + 40):  # scramble the EXIF directory
        data[i] = 0xFF
    return bytes(data)


def test_a_picture_with_broken_exif_is_refused_not_a_500(client, session, shop, owner):
    response = upload(client, shop, shop.product.id, ("broken-exif.jpg", jpeg_with_broken_exif()))
    assert response.status_code in (302, 400)


def test_transparent_pictures_get_a_white_background(app, client, session, shop, owner):
    out = BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(out, "PNG")
    upload(client, shop, shop.product.id, ("clear.png", out.getvalue()))
    row = session.scalars(select(ProductImage)).one()
    with Image.open(Path(app.config["MEDIA_ROOT"]) / row.path) as stored:
        assert stored.convert("RGB").getpixel((200, 200)) > (240, 240, 240)
