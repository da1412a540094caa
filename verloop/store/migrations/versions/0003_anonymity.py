"""anonymity against the data holders: ballot box, keys outside the database, generalised exits

Revision ID: 0003
Revises: 0002

- ``ballots``: sealed submissions waiting to be opened in groups of at least k;
- ``waves.key_id``: fingerprint of the key file a wave's codes are hashed with (NULL: a wave
  from before, hashed with its salt alone — its codes keep working, no new codes are issued);
- ``tokens.sealed_link``: confidential mode only, the person's pseudonym sealed with that key;
- ``responses.team_id`` may be NULL and ``responses.site_id`` is new: exit and follow-up
  answers are stored by site (or organisation) and quarter, not by team and day.

On SQLite, dropping the NOT NULL of ``responses.team_id`` cannot go through a table copy:
``answers`` and ``comments`` cascade from ``responses``, and the copy's DROP TABLE would delete
them. SQLite documents editing the stored CREATE statement for exactly this change (removing a
NOT NULL constraint does not change the file format), which is what happens here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=60), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["waves.id"], name=op.f("fk_ballots_wave_id_waves")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_ballots_wave_id"), "ballots", ["wave_id"], unique=False)
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE waves ADD COLUMN key_id VARCHAR(16)")
        op.execute("ALTER TABLE tokens ADD COLUMN sealed_link BLOB")
        op.execute(
            "ALTER TABLE responses ADD COLUMN site_id INTEGER "
            "CONSTRAINT fk_responses_site_id_sites REFERENCES sites (id)"
        )
        old = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'responses'").scalar()
        new = old.replace("team_id INTEGER NOT NULL", "team_id INTEGER", 1)
        if new == old:
            raise RuntimeError("unexpected definition of table responses; cannot relax team_id")
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'responses'", (new,))
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        op.add_column("waves", sa.Column("key_id", sa.String(length=16), nullable=True))
        op.add_column("tokens", sa.Column("sealed_link", sa.LargeBinary(), nullable=True))
        op.add_column("responses", sa.Column("site_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_responses_site_id_sites"), "responses", "sites", ["site_id"], ["id"])
        op.alter_column("responses", "team_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(op.f("ix_responses_site_id"), "responses", ["site_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_responses_site_id"), table_name="responses")
    op.drop_table("ballots")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_responses_site_id_sites"), "responses", type_="foreignkey")
        op.drop_column("responses", "site_id")
        op.drop_column("tokens", "sealed_link")
        op.drop_column("waves", "key_id")
