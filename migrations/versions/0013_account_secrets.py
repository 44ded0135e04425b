"""Give every account a fresh random session token and a reset nonce

Migration 0007 gave the accounts that existed then the session token 'm' followed by their
id, which anyone who knew (or guessed) the secret key could sign a session for. Each account
now gets 32 random hex characters instead.

This signs everyone out once: every session and remember-me cookie issued before this
migration stops working, and staff and operators sign in again.

Password-reset links carried the last 16 characters of the password hash; they now carry
``reset_nonce``, random and replaced on every password change. Reset links issued before this
migration stop working (they lasted an hour anyway).

Revision ID: 0013_account_secrets
Revises: 0012_payouts
Create Date: 2026-12-02 09:00:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_account_secrets"
down_revision = "0012_payouts"
branch_labels = None
depends_on = None

users = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("session_token", sa.String(32)),
    sa.column("reset_nonce", sa.String(32)),
)


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reset_nonce", sa.String(length=32), nullable=False, server_default="")
        )
    connection = op.get_bind()
    ids = connection.execute(sa.select(users.c.id)).scalars().all()
    for user_id in ids:  # one random value per row: SQL has no portable random token
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_hex(16), reset_nonce=secrets.token_hex(16))
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("reset_nonce", server_default=None)


def downgrade():
    # The old session tokens are not brought back (they were the hole); the fresh ones stay.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("reset_nonce")
