"""The outbox claims a message before sending it (notifications.claimed_at), so a delivery whose confirmation was
lost with the database is known to be possibly delivered: sent again only marked as a redelivery."""

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox_claim"
down_revision = "0002_read_model"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("notifications")}
    if "claimed_at" not in columns:
        with op.batch_alter_table("notifications") as batch:
            batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value="8"))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("claimed_at")
