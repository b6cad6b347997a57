"""The project store: schema, engines, migrations, transactions and audit log."""

from workbench.store.store import Store, Writer, now, row_of

__all__ = ["Store", "Writer", "now", "row_of"]
