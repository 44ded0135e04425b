"""Typed SQLAlchemy models, one module per area."""

from storefront.models.accounts import Membership, User
from storefront.models.addresses import SavedAddress
from storefront.models.base import Base, utcnow
from storefront.models.catalog import Product, ProductOption
from storefront.models.funds import FundTopUp, MatchingFund
from storefront.models.impact import ImpactReport, SalesBeforeJoining
from storefront.models.jobs import Job
from storefront.models.ledger import LedgerEntry, LedgerSum, Payout
from storefront.models.log import LogCheckpoint, LogCosignature, LogLeaf, LogTile, LogWitness
from storefront.models.media import ProductImage
from storefront.models.orders import Order, OrderLine, Refund
from storefront.models.payments import TestPaymentEvent, TestPaymentSession, WebhookEvent
from storefront.models.questions import Question
from storefront.models.recommend import Recommendation
from storefront.models.returns import ReturnPhoto, ReturnRequest
from storefront.models.reviews import Review, ReviewPhoto, ReviewReport, ReviewStats
from storefront.models.sales import SalesDay, SalesItem, SalesProductDay
from storefront.models.search import SearchTerm
from storefront.models.trends import ProductViewStat, SearchStat
from storefront.models.ventures import Cause, Venture
from storefront.models.wishlist import SavedProduct, VentureFollow

__all__ = [
    "Base",
    "Cause",
    "FundTopUp",
    "ImpactReport",
    "Job",
    "LedgerEntry",
    "LedgerSum",
    "LogCheckpoint",
    "LogCosignature",
    "LogLeaf",
    "LogTile",
    "LogWitness",
    "MatchingFund",
    "Membership",
    "Order",
    "OrderLine",
    "Payout",
    "Product",
    "ProductImage",
    "ProductOption",
    "ProductViewStat",
    "Question",
    "Recommendation",
    "Refund",
    "ReturnPhoto",
    "ReturnRequest",
    "Review",
    "ReviewPhoto",
    "ReviewReport",
    "ReviewStats",
    "SalesBeforeJoining",
    "SalesDay",
    "SalesItem",
    "SalesProductDay",
    "SavedAddress",
    "SavedProduct",
    "SearchStat",
    "SearchTerm",
    "TestPaymentEvent",
    "TestPaymentSession",
    "User",
    "Venture",
    "VentureFollow",
    "WebhookEvent",
    "utcnow",
]
