"""Alembic's environment: migrations run on the connection data_access.migrate hands over (never a URL of its own)."""

from alembic import context

from data_access.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
