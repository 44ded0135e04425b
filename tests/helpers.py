"""Drive the shop like a shopper, a seller or an operator; read its pages; sign webhook
events like Stripe; run work in threads released together."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import BytesIO
from typing import Any

import stripe
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject
from sqlalchemy import func, select

from storefront.domain.errors import OutOfStock
from storefront.extensions import db
from storefront.models import utcnow
from storefront.services import checkout
from storefront.services.cart import Cart, CartItem

WEBHOOK_SECRET = "whsec_test_suite_secret"

SHOPPER = {
    "email": "buyer@example.com",
    "name": "김민지",
    "phone": "010-1234-5678",
    "postcode": "04524",
    "address": "서울특별시 중구 세종대로 110",
    "address_detail": "101동 202호",
    "cause": "",
}


APPLICATION = {
    "name": "두손공방",
    "registration_number": "105-82-01237",
    "mission": "seniors",
    "region": "전북 전주시",
    "story": "어르신 12명이 한지 공예품을 만듭니다.",
    "contact_email": "hello@dusonn.example",
    "contact_phone": "063-123-4567",
}


def text(response: Any) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def amounts(html: str) -> list[str]:
    """Every won amount on a page, in order, with its sign."""
    return re.findall(r"-?₩-?[\d,]+", html)


def row(html: str, testid: str) -> str:
    """The inside of the table row marked ``data-testid=testid``."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"no {testid}"
    return found.group(1)


def cell(html: str, testid: str) -> str:
    """The text of the element marked ``data-testid=testid``."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert found, f"no {testid}"
    return found.group(1).strip()


def pdf_fonts(data: bytes) -> dict[str, set[str]]:
    """Every font object in a PDF file (used by a page or not): its name, with the keys of its
    font descriptor (``/FontFile2`` when a TrueType font is embedded), as ``pdffonts`` shows."""
    reader = PdfReader(BytesIO(data))
    numbers = [(n, g) for g, objects in reader.xref.items() for n in objects]
    numbers += [(n, 0) for n in reader.xref_objStm]
    fonts: dict[str, set[str]] = {}
    for number, generation in numbers:
        found = IndirectObject(number, generation, reader).get_object()
        if not isinstance(found, DictionaryObject) or found.get("/Type") != "/Font":
            continue
        font = found
        if "/DescendantFonts" in font:  # a Type 0 (CID) font keeps its glyphs in its descendant
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        fonts[str(found["/BaseFont"]).removeprefix("/")] = (
            set(descriptor.get_object()) if descriptor else set()
        )
    return fonts


def embedded_font_subsets(data: bytes) -> set[str]:
    """The fonts of a PDF by name without their subset tag, after checking that each one is
    embedded (``/FontFile2``) and is a subset (its name starts with a tag like ``ABCDEF+``)."""
    names = set()
    for name, descriptor in pdf_fonts(data).items():
        assert re.fullmatch(r"[A-Z]{6}\+\S+", name), f"{name} is not a subset"
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        names.add(name.split("+", 1)[1])
    return names


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, without white space (so lines wrapped where the PDF
    wrapped them compare equal to the text that was rendered)."""
    pages = PdfReader(BytesIO(data)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def count(session: Any, model: Any) -> int:
    """How many rows ``model``'s table holds."""
    return session.scalar(select(func.count()).select_from(model))  # type: ignore[no-any-return]


def base(shop: Any) -> str:
    """Where the seller pages of the shop's own venture start."""
    return f"/seller/ventures/{shop.venture.id}"


def picture(fmt="JPEG", size=(900, 600), colour=(200, 120, 40), exif_orientation=None):
    """The bytes of a plain picture, with an EXIF orientation and camera make if asked."""
    out = BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation  # Orientation
        exif[0x010F] = "SecretCam"  # Make: metadata that must not survive
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def add_to_cart(client: FlaskClient, product_id: int, quantity: int = 1) -> Any:
    return client.post("/cart/add", data={"product_id": product_id, "quantity": quantity})


def place_order(client: FlaskClient, **fields: Any) -> Any:
    """Submit the checkout form; returns the response (303 to the payment page on success)."""
    return client.post("/checkout", data={**SHOPPER, **fields})


def pay(client: FlaskClient, payment_url: str, card: str = "4242 4242 4242 4242") -> Any:
    return client.post(payment_url, data={"card_number": card, "expiry": "12/30", "cvc": "123"})


def buy(
    client: FlaskClient, product_id: int, quantity: int = 1, card: str = "4242424242424242"
) -> Any:
    """Add, check out and pay; returns the response of the payment page's POST."""
    add_to_cart(client, product_id, quantity)
    placed = place_order(client)
    assert placed.status_code == 303, placed.get_data(as_text=True)
    return pay(client, placed.headers["Location"], card)


def lose_the_hold_to_a_rival(app: Any, session: Any, order: Any, product_id: int) -> Any:
    """Let ``order``'s hold on its stock expire, then have another shopper check out the same
    product; returns the rival's checkout response."""
    order.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    app.test_cli_runner().invoke(args=["orders", "expire-holds"])
    rival = app.test_client()
    add_to_cart(rival, product_id)
    return place_order(rival)


def session_object(order: Any, **overrides: Any) -> dict[str, Any]:
    """A Checkout Session as Stripe would describe it for ``order``."""
    return {
        "id": order.payment_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": order.total,
        "currency": order.currency.lower(),
        "client_reference_id": str(order.id),
        "metadata": {"order_id": str(order.id)},
        "payment_intent": "pi_" + secrets.token_hex(8),
        **overrides,
    }


def signed(
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    timestamp: int | None = None,
    secret: str = WEBHOOK_SECRET,
) -> tuple[str, str]:
    payload = json.dumps(
        {
            "id": event_id or "evt_" + secrets.token_hex(8),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    )
    return payload, stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def send_event(client: FlaskClient, event_type: str, obj: dict[str, Any], **kwargs: Any) -> Any:
    payload, header = signed(event_type, obj, **kwargs)
    return client.post(
        "/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def english(client: FlaskClient) -> FlaskClient:
    """Make every later request from this client ask for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


PASSWORD = "our bakery bakes daily"


def sign_up(client, email="owner@example.com", password=PASSWORD, name="김대표"):
    return client.post(
        "/account/sign-up",
        data={"name": name, "email": email, "password": password, "confirm": password},
    )


def sign_in(client, email="owner@example.com", password=PASSWORD):
    return client.post("/account/sign-in", data={"email": email, "password": password})


def mark_test_session_paid(session: Any, order: Any, intent: str) -> None:
    """What the test provider records when its card succeeds (needed for refunds)."""
    from storefront.models import TestPaymentSession

    row = session.scalars(select(TestPaymentSession).filter_by(order_id=order.id)).one()
    row.status, row.payment_status, row.payment_intent = "complete", "paid", intent
    session.commit()


RACE_SHOPPER = checkout.ShopperDetails(
    "race@example.com", "경쟁자", "010-0000-0000", "04524", "서울", "", None
)


def run_together(app, count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment, each in its own context."""
    barrier = threading.Barrier(count)

    def task(i):
        with app.app_context():
            barrier.wait()
            try:
                return work(i)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(task, range(count)))
    db.session.expire_all()  # the test's own session reads what the threads committed
    return results


def buyer(app, items):
    """Work for ``run_together``: place an order for ``items`` (product id, quantity, unit
    price and an optional option id); the order's id, or None when the stock ran out."""

    def work(i):
        cart = Cart(
            {
                (item[0], item[3] if len(item) > 3 else None): CartItem(item[1], item[2])
                for item in items
            }
        )
        try:
            order = checkout.place_order(
                db.session(),
                cart,
                RACE_SHOPPER,
                checkout.ShopRules.from_config(app.config),
                "test",
                utcnow(),
            )
            db.session.commit()
            return order.id
        except OutOfStock:
            db.session.rollback()
            return None

    return work


def run_third_party_script(tmp_path, body):
    """Run docs/verify_ledger.py, as a reader of the public ledger would, on an export."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "verify_ledger.py"
    export = tmp_path / "ledger.json"
    export.write_bytes(body)
    return subprocess.run(  # noqa: S603 - our own script on our own file
        [sys.executable, str(script), str(export)], capture_output=True, text=True, check=False
    )


def upload(client, shop, product_id, *files):
    """Upload ``(name, bytes)`` pictures to a product from the seller page."""
    data = {"images": [(BytesIO(content), name) for name, content in files]}
    return client.post(
        f"{base(shop)}/products/{product_id}/images", data=data, content_type="multipart/form-data"
    )


def pictures(session, product_id):
    """A product's picture rows, in their order."""
    from storefront.models import ProductImage

    return session.scalars(
        select(ProductImage)
        .where(ProductImage.product_id == product_id)
        .order_by(ProductImage.position)
    ).all()
