"""``flask`` commands: demo data, scaled catalogues for benchmarks, releasing stale holds."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from storefront.extensions import db
from storefront.models import utcnow
from storefront.services.checkout import ShopRules, expire_holds

demo = AppGroup("demo", help="Demo and benchmark data.")
orders = AppGroup("orders", help="Order housekeeping.")


@demo.command("load")
@click.option(
    "--products",
    type=click.IntRange(min=0),
    default=0,
    help="Grow the catalogue to this many products.",
)
@click.option(
    "--orders",
    "order_count",
    type=click.IntRange(min=0),
    default=60,
    help="Paid demo orders to place.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing if the shop already has ventures.")
def load_demo(products: int, order_count: int, if_empty: bool) -> None:
    """Load the demo ventures, products, causes and order history."""
    from storefront.demo import loader

    session = db.session()
    if loader.is_empty(session):
        counts = loader.load_catalogue(session, Path(current_app.config["MEDIA_ROOT"]))
        placed = (
            loader.load_orders(session, ShopRules.from_config(current_app.config), order_count)
            if order_count
            else 0
        )
        session.commit()
        click.echo(
            f"Loaded {counts['ventures']} ventures, {counts['products']} products, "
            f"{counts['causes']} causes and {placed} paid orders."
        )
    elif if_empty:
        click.echo("The shop already has data; nothing loaded.")
    if products:
        added = loader.load_scaled(session, products)
        session.commit()
        click.echo(f"Added {added} benchmark products.")


@orders.command("expire-holds")
def expire_holds_command() -> None:
    """Release the stock of orders left unpaid past their hold."""
    count = expire_holds(db.session(), utcnow())
    db.session.commit()
    click.echo(f"Released {count} unpaid orders.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(orders)
