"""Questions shoppers ask about a product (상품문의) and the venture's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.accounts import User
from storefront.models.base import Base, utcnow
from storefront.models.catalog import Product


class Question(Base):
    """A signed-in user's question about a product, and the venture's one answer to it.

    ``private`` questions are read only by the asker, the venture's staff and the operators
    (domain/questions.py); ``hidden`` and ``answer_hidden`` are an operator's, for abuse.
    """

    __tablename__ = "product_question"
    __table_args__ = (
        # the product page's newest questions, the venture's unanswered first, the asker's own
        Index("ix_product_question_product", "product_id", "hidden", "id"),
        Index("ix_product_question_venture", "venture_id", "hidden", "answered", "id"),
        Index("ix_product_question_asker", "asker_id", "hidden", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"))
    asker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(10), default="ko")  # of the answer's email
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answer_edited_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hidden: Mapped[bool] = mapped_column(default=False)
    answer_hidden: Mapped[bool] = mapped_column(default=False)

    product: Mapped[Product] = relationship(lazy="raise")
    asker: Mapped[User] = relationship(foreign_keys=[asker_id], lazy="raise")
