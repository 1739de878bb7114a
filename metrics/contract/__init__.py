"""The import contract: what a data steward's files hold (kinds.py, the one
description of every kind and column), how they are read (readers.py,
xlsx.py, within limits.py), checked row by row (models.py,
observations_sql.py, control_chars.py) and written (importer.py), the blank
templates and the export, the demo data set, and the adapters for published
sources (sources/). docs/data-contract.md is generated from kinds.py."""
