"""The database: where it lives, its schema and migrations, the one write
path (every change a transaction and an audited batch), history and as-of
times (db.py), and backups (backup.py). Everything else reads and writes
through here."""
