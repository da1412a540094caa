"""HR-side accounts (role and scope), their one-time sign-in links, and the access log

Revision ID: 0004
Revises: 0003

- ``accounts``: name, role (hr / site / lead / research), the site of a site account, created,
  last sign-in, disabled; the personal key and the one-time link only as argon2 hashes;
- ``account_teams``: the teams of a lead account;
- ``access_log``: who opened which page or export when (never what they typed);
- ``access_settings``: one row — days the access log is kept, hours a sign-in and a link last.

None of these feed a published figure, so none bumps the data revision (a page view must not
empty the dashboards' cache).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sign_in", sa.DateTime(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("key_hash", sa.String(length=200), nullable=True),
        sa.Column("link_hash", sa.String(length=200), nullable=True),
        sa.Column("link_expires", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role in ('hr', 'site', 'lead', 'research')", name=op.f("ck_accounts_role")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_accounts_site_id_sites"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "account_teams",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_teams_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_account_teams_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", "team_id", name=op.f("pk_account_teams")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index(op.f("ix_access_log_at"), "access_log", ["at"], unique=False)
    op.create_table(
        "access_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_days", sa.Integer(), nullable=False),
        sa.Column("session_hours", sa.Integer(), nullable=False),
        sa.Column("link_hours", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_access_settings_single_row")),
        sa.CheckConstraint("log_days >= 1", name=op.f("ck_access_settings_log_days_positive")),
        sa.CheckConstraint("session_hours >= 1", name=op.f("ck_access_settings_session_hours_positive")),
        sa.CheckConstraint("link_hours >= 1", name=op.f("ck_access_settings_link_hours_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_settings")),
    )


def downgrade() -> None:
    op.drop_table("access_settings")
    op.drop_index(op.f("ix_access_log_at"), table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("account_teams")
    op.drop_table("accounts")
