"""data revision (the one cache key) and the organisation's KPI targets

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_data_revision_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_revision')),
    )
    op.execute("INSERT INTO data_revision (id, revision) VALUES (1, 1)")
    op.create_table(
        'kpi_targets',
        sa.Column('kpi', sa.String(length=40), nullable=False),
        sa.Column('target', sa.Float(), nullable=True),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.CheckConstraint("direction in ('higher', 'lower')", name=op.f('ck_kpi_targets_direction')),
        sa.PrimaryKeyConstraint('kpi', name=op.f('pk_kpi_targets')),
    )


def downgrade() -> None:
    op.drop_table('kpi_targets')
    op.drop_table('data_revision')
