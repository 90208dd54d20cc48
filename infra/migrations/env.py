"""Alembic environment shared by every service: ``services.migrations`` picks the
service (``config.attributes["service"]``) and hands over an open connection."""

from alembic import context

from services.migrations import metadata_of, render_item

config = context.config
service = config.attributes.get("service")
connection = config.attributes.get("connection")
if not service or connection is None or context.is_offline_mode():
    raise SystemExit("run migrations through `python -m services.migrations`")

context.configure(
    connection=connection,
    target_metadata=metadata_of(service),
    render_as_batch=True,  # SQLite alters tables by copying them; one script fits both
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
