"""data revision (the one cache key), bumped by database triggers; the organisation's KPI targets

Revision ID: 0002
Revises: 0001

Every write to a table that feeds a published figure bumps ``data_revision.revision`` in the
same transaction, by a trigger: one place that no write path (CLI, apps, synth, a future one,
plain SQL) can forget. The dashboards' figure cache is keyed by that revision only.

- PostgreSQL: statement-level triggers (one UPDATE per statement, not per row: an import of
  10,000 employees bumps once per statement). Survey submissions are the only concurrent
  writers; an early bump would hold the row lock of ``data_revision`` for the rest of every
  submission's transaction and serialise them. So ``responses`` INSERTs bump through a
  *deferred* constraint trigger that runs at COMMIT, once per transaction (a transaction-local
  flag), keeping the lock for the commit only.
- SQLite has row-level triggers only; its writers are serialised anyway (BEGIN IMMEDIATE).
- ``answers`` and ``comments`` are only ever inserted with their response (whose INSERT bumps),
  so they bump on UPDATE / DELETE (and TRUNCATE) only: millions of answer rows are not each
  an extra write.
- The counter starts at a random 48-bit value (and starts again at one if the row was deleted),
  so a recreated database at the same URL never meets the cache entries of the old one.

Writes that are not rows of these tables (model cards on disk, a ballot box opened in a batch)
call ``verloop.store.bump_revision(session)``. A new table that feeds figures adds its triggers
in its own migration (``tests/store/test_revision.py`` lists the tables).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Tables whose rows feed a published figure (structure, HR, KPIs, surveys, settings, actions).
FIGURE_TABLES = (
    "org_settings",
    "kpi_targets",
    "sites",
    "teams",
    "employees",
    "team_kpis",
    "instruments",
    "instrument_items",
    "waves",
    "invitations",
    "responses",
    "team_actions",
)
# Written together with their response: changes other than inserts bump.
RIDING_TABLES = ("answers", "comments")

_SQLITE_BUMP = (
    "INSERT INTO data_revision (id, revision) VALUES (1, abs(random()) % 281474976710656) "
    "ON CONFLICT (id) DO UPDATE SET revision = data_revision.revision + 1"
)
_PG_BUMP = (
    "INSERT INTO data_revision (id, revision) VALUES (1, floor(random() * 281474976710656)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET revision = data_revision.revision + 1"
)


def _sqlite_triggers() -> None:
    for table in FIGURE_TABLES + RIDING_TABLES:
        events = ("update", "delete") if table in RIDING_TABLES else ("insert", "update", "delete")
        for event in events:
            op.execute(
                f'CREATE TRIGGER verloop_revision_{table}_{event} AFTER {event.upper()} ON "{table}" '
                f"BEGIN {_SQLITE_BUMP}; END"
            )


def _pg_triggers() -> None:
    op.execute(
        "CREATE FUNCTION verloop_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_PG_BUMP}; RETURN NULL; END $$"
    )
    # At COMMIT, once per transaction: concurrent submissions hold the lock only while committing.
    op.execute(
        "CREATE FUNCTION verloop_bump_revision_once() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF coalesce(current_setting('verloop.revision_bumped', true), '') <> txid_current()::text THEN "
        f"{_PG_BUMP}; "
        "PERFORM set_config('verloop.revision_bumped', txid_current()::text, true); "
        "END IF; RETURN NULL; END $$"
    )
    for table in FIGURE_TABLES + RIDING_TABLES:
        immediate = (
            "UPDATE OR DELETE OR TRUNCATE"
            if table in RIDING_TABLES + ("responses",)
            else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
        )
        op.execute(
            f'CREATE TRIGGER verloop_revision AFTER {immediate} ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION verloop_bump_revision()"
        )
    op.execute(
        'CREATE CONSTRAINT TRIGGER verloop_revision_at_commit AFTER INSERT ON "responses" '
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION verloop_bump_revision_once()"
    )


def upgrade() -> None:
    op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_revision_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_revision")),
    )
    op.create_table(
        "kpi_targets",
        sa.Column("kpi", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("direction in ('higher', 'lower')", name=op.f("ck_kpi_targets_direction")),
        sa.PrimaryKeyConstraint("kpi", name=op.f("pk_kpi_targets")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_BUMP)
        _pg_triggers()
    else:
        op.execute(_SQLITE_BUMP)
        _sqlite_triggers()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in FIGURE_TABLES + RIDING_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS verloop_revision ON "{table}"')
        op.execute('DROP TRIGGER IF EXISTS verloop_revision_at_commit ON "responses"')
        op.execute("DROP FUNCTION IF EXISTS verloop_bump_revision_once()")
        op.execute("DROP FUNCTION IF EXISTS verloop_bump_revision()")
    else:
        for table in FIGURE_TABLES + RIDING_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS verloop_revision_{table}_{event}")
    op.drop_table("kpi_targets")
    op.drop_table("data_revision")
