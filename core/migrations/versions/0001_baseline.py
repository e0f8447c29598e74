"""Baseline: the schema as it was when migrations began (every table of core.db.MODEL_MODULES then).

A new database gets all of it. A database made by a release before migrations (``create_all``, no
``alembic_version`` table) gets only what it lacks: missing tables and their indexes, and columns added to
a model since its table was made, each with the model's default as its SQL default (as those releases'
``core.db.add_missing_columns`` did), so the owner's rows stay and read the default.

The tables are written out here, frozen, not read from the models: later revisions change the models,
never this file.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import books.models
import core.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

META = sa.MetaData()


def _table(name: str, *elements, **kw) -> None:
    sa.Table(name, META, *elements, **kw)


def _index(name: str, table: str, columns: list[str], unique: bool = False) -> None:
    sa.Index(name, *(META.tables[table].c[c] for c in columns), unique=unique)


_table('artifacts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('mime', sa.String(length=64), server_default='image/jpeg', nullable=False),
    sa.Column('step', sa.String(length=32), nullable=True),
    sa.Column('thumb_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_artifacts_run_id', 'artifacts', ['run_id'], unique=False)
_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
_table('book_report_cache',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'month')
)
_index('ix_book_report_cache_workspace_id', 'book_report_cache', ['workspace_id'], unique=False)
_table('idempotency_keys',
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('expires_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', 'scope', 'key')
)
_index('ix_idempotency_keys_expires_at', 'idempotency_keys', ['expires_at'], unique=False)
_table('invoice_corrections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('upload_id', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('original', sa.Text(), nullable=True),
    sa.Column('corrected', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_invoice_corrections_upload_id', 'invoice_corrections', ['upload_id'], unique=False)
_index('ix_invoice_corrections_workspace_id', 'invoice_corrections', ['workspace_id'], unique=False)
_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_login_failures_key', 'login_failures', ['key'], unique=False)
_table('notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('sent_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'key')
)
_table('workspaces',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), server_default='Asia/Shanghai', nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
_table('accounts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('site', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=32), server_default='needs_login', nullable=False),
    sa.Column('login_qr', sa.Text(), nullable=True),
    sa.Column('login_qr_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('logged_in_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_table('employees',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=16), server_default='semi_auto', nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_table('expense_records',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('amount', books.models.ExactDecimal(precision=14, scale=2), nullable=False),
    sa.Column('tax', books.models.ExactDecimal(precision=14, scale=2), nullable=True),
    sa.Column('rate', books.models.ExactDecimal(precision=5, scale=4), nullable=True),
    sa.Column('category', sa.String(length=16), server_default='other', nullable=False),
    sa.Column('counterparty', sa.String(length=100), server_default='', nullable=False),
    sa.Column('invoice_no', sa.String(length=32), server_default='', nullable=False),
    sa.Column('invoice', sa.String(length=16), server_default='none', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('source', sa.String(length=200), server_default='manual', nullable=False),
    sa.Column('upload_id', sa.String(length=32), nullable=True),
    sa.Column('file_digest', sa.String(length=64), server_default='', nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_expense_records_day', 'expense_records', ['day'], unique=False)
_index('ix_expense_records_invoice_no', 'expense_records', ['invoice_no'], unique=False)
_index('ix_expense_records_workspace_id', 'expense_records', ['workspace_id'], unique=False)
_table('income_records',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('amount', books.models.ExactDecimal(precision=14, scale=2), nullable=False),
    sa.Column('tax_included', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('invoice', sa.String(length=16), server_default='none', nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('rate', books.models.ExactDecimal(precision=5, scale=4), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('counterparty', sa.String(length=100), server_default='', nullable=False),
    sa.Column('invoice_no', sa.String(length=32), server_default='', nullable=False),
    sa.Column('source', sa.String(length=200), server_default='manual', nullable=False),
    sa.Column('file_digest', sa.String(length=64), server_default='', nullable=False),
    sa.Column('tax', books.models.ExactDecimal(precision=14, scale=2), nullable=True),
    sa.Column('upload_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_income_records_day', 'income_records', ['day'], unique=False)
_index('ix_income_records_workspace_id', 'income_records', ['workspace_id'], unique=False)
_table('invoice_uploads',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=64), server_default='application/octet-stream', nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('digest', sa.String(length=64), server_default='', nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('reading', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('record_kind', sa.String(length=8), nullable=True),
    sa.Column('record_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_invoice_uploads_workspace_id', 'invoice_uploads', ['workspace_id'], unique=False)
_table('kb_docs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'sha256', name='uq_kb_doc_workspace_sha')
)
_index('ix_kb_docs_workspace_id', 'kb_docs', ['workspace_id'], unique=False)
_table('pit_quarter_figures',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('costs', books.models.ExactDecimal(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('loss_offset', books.models.ExactDecimal(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('special_deductions', books.models.ExactDecimal(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('updated_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'period')
)
_index('ix_pit_quarter_figures_workspace_id', 'pit_quarter_figures', ['workspace_id'], unique=False)
_table('users',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
)
_table('conversations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('site', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target_id', sa.String(length=200), nullable=True),
    sa.Column('target_title', sa.String(length=300), nullable=True),
    sa.Column('thread', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('at', core.models.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=24), server_default='new', nullable=False),
    sa.Column('category', sa.String(length=24), nullable=True),
    sa.Column('draft', sa.Text(), nullable=True),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), server_default=sa.text('(0.0)'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reply_run_id', sa.String(length=32), nullable=True),
    sa.Column('replied_text', sa.Text(), nullable=True),
    sa.Column('replied_by', sa.String(length=16), nullable=True),
    sa.Column('replied_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site', 'account_id', 'item_id', name='uq_conversation_item')
)
_index('ix_conversations_workspace_id', 'conversations', ['workspace_id'], unique=False)
_table('inbox_accounts',
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('next_sweep_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('last_sweep_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('paused_until', core.models.UTCDateTime(), nullable=True),
    sa.Column('pause_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('account_id')
)
_table('kb_chunks',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('doc_id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('ord', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tokens', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['kb_docs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_kb_chunks_doc_id', 'kb_chunks', ['doc_id'], unique=False)
_index('ix_kb_chunks_workspace_id', 'kb_chunks', ['workspace_id'], unique=False)
_table('login_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash')
)
_index('ix_login_sessions_user_id', 'login_sessions', ['user_id'], unique=False)
_table('schedules',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('employee_id', sa.String(length=32), nullable=False),
    sa.Column('graph', sa.String(length=32), server_default='publish', nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('cron', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), server_default='Asia/Shanghai', nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('next_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_table('task_plans',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('employee_id', sa.String(length=32), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('passages', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('run_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', core.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_task_plans_workspace_id', 'task_plans', ['workspace_id'], unique=False)
_table('conversation_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=32), server_default='system', nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('screenshot_id', sa.String(length=32), nullable=True),
    sa.Column('at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_conversation_events_conversation_id', 'conversation_events', ['conversation_id'], unique=False)
_table('runs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('employee_id', sa.String(length=32), nullable=False),
    sa.Column('graph', sa.String(length=32), server_default='publish', nullable=False),
    sa.Column('site', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), server_default='scheduled', nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('not_before', core.models.UTCDateTime(), nullable=False),
    sa.Column('schedule_id', sa.String(length=32), nullable=True),
    sa.Column('slot_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('lease_until', core.models.UTCDateTime(), nullable=True),
    sa.Column('lease_token', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], ),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_id', 'slot_at', name='uq_run_schedule_slot')
)
_table('approvals',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('screenshot_id', sa.String(length=32), nullable=True),
    sa.Column('edits', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('decided_at', core.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.ForeignKeyConstraint(['screenshot_id'], ['artifacts.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_approvals_run_id', 'approvals', ['run_id'], unique=False)
_table('human_steps',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=True),
    sa.Column('account_id', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=16), server_default='code', nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('screenshot_id', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', core.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
)
_index('ix_human_steps_account_id', 'human_steps', ['account_id'], unique=False)
_index('ix_human_steps_run_id', 'human_steps', ['run_id'], unique=False)
_table('ledger',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=False),
    sa.Column('site', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='intent', nullable=False),
    sa.Column('intent_at', core.models.UTCDateTime(), nullable=False),
    sa.Column('done_at', core.models.UTCDateTime(), nullable=True),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('key')
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = sa.inspect(bind)
    had = set(existing.get_table_names())
    META.create_all(bind)  # the tables a database lacks, with their indexes (all of them on a new one)
    for table in META.sorted_tables:
        if table.name not in had:
            continue
        have = {c["name"] for c in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                added = column._copy()
                # NOT NULL needs a value for the rows already there: without a SQL default it cannot be kept.
                added.nullable = column.nullable or column.server_default is None
                op.add_column(table.name, added)
        indexes = {i["name"] for i in existing.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(bind)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore the backup taken before the upgrade")
