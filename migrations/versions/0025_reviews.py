"""Shoppers' reviews of delivered lines, their photos, reports, and the stored counts

- ``review``: one per order line (unique), stars 1 to 5, text, the reviewer's masked name,
  how many photos, hidden by an operator or not, and the venture's one reply.
- ``review_photo``: a review's photos, re-encoded like product pictures.
- ``review_report``: reports against a review, open until an operator hides or keeps it.
- ``review_stats``: per product and per venture, the count, the sum of stars, the count of
  each number of stars and of reviews with photos, of the visible reviews; kept by
  storefront/services/reviews.py. There are no reviews yet, so nothing to fill.

Revision ID: 0025_reviews
Revises: 0024_wishlist
Create Date: 2026-12-02 06:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_reviews"
down_revision = "0024_wishlist"
branch_labels = None
depends_on = None

REASONS = ("spam", "offensive", "personal_data", "not_about_product", "other")


def upgrade():
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("photo_count", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating >= 1 AND rating <= 5", name=op.f("ck_review_rating")),
        sa.ForeignKeyConstraint(
            ["order_line_id"], ["order_line.id"], name=op.f("fk_review_order_line_id_order_line")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_review_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_review_venture_id_venture")
        ),
        sa.ForeignKeyConstraint(
            ["replied_by"], ["user_account.id"], name=op.f("fk_review_replied_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("order_line_id", name=op.f("uq_review_order_line_id")),
    )
    op.create_index("ix_review_product_page", "review", ["product_id", "hidden", "id"])
    op.create_index("ix_review_venture_page", "review", ["venture_id", "hidden", "id"])
    op.create_table(
        "review_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("thumb_path", sa.String(length=255), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_review_photo_review_id_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_photo")),
    )
    op.create_index(op.f("ix_review_photo_review_id"), "review_photo", ["review_id"])
    op.create_table(
        "review_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reason IN (" + ", ".join(f"'{r}'" for r in REASONS) + ")",
            name=op.f("ck_review_report_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_review_report_review_id_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_report")),
    )
    op.create_index(op.f("ix_review_report_review_id"), "review_report", ["review_id"])
    op.create_index("ix_review_report_open", "review_report", ["resolved_at", "review_id"])
    op.create_table(
        "review_stats",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        *[sa.Column(f"stars_{n}", sa.Integer(), nullable=False) for n in range(1, 6)],
        sa.Column("photo_review_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("scope IN ('product', 'venture')", name=op.f("ck_review_stats_scope")),
        sa.PrimaryKeyConstraint("scope", "subject_id", name=op.f("pk_review_stats")),
    )


def downgrade():
    op.drop_table("review_stats")
    op.drop_index("ix_review_report_open", table_name="review_report")
    op.drop_index(op.f("ix_review_report_review_id"), table_name="review_report")
    op.drop_table("review_report")
    op.drop_index(op.f("ix_review_photo_review_id"), table_name="review_photo")
    op.drop_table("review_photo")
    op.drop_index("ix_review_venture_page", table_name="review")
    op.drop_index("ix_review_product_page", table_name="review")
    op.drop_table("review")
