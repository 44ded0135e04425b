"""The seller page: a venture's staff run their shop here, one child blueprint per area.

Every route is under ``/seller`` and its endpoint is ``seller.<area>.<view>`` (for example
``seller.listings.products``), so the access matrix in tests/functional/test_access_matrix.py
finds them all. Each module holds its area's views; their forms are in ``forms.py`` and the
pages several areas render (a product's edit page) in ``product_pages.py``.
"""

from __future__ import annotations

from flask import Blueprint

from storefront.web.seller import (
    impact,
    listings,
    market,
    numbers,
    options,
    orders,
    pictures,
    questions,
    returns,
    reviews,
    staff,
    venture,
)

bp = Blueprint("seller", __name__, url_prefix="/seller")
for area in (
    venture,
    listings,
    options,
    pictures,
    orders,
    returns,
    numbers,
    staff,
    impact,
    questions,
    reviews,
    market,
):
    bp.register_blueprint(area.bp)
