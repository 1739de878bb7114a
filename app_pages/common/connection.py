"""The database connection: one per process (DuckDB lets one process write a
file), a cursor per rerun, and the data version the caches are keyed on."""

from __future__ import annotations

import streamlit as st

from metrics import store


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    """One connection per process (DuckDB allows one writing process per file);
    each rerun works on its own cursor."""
    from metrics.outputs.publish import keep_public_snapshot

    con = store.connect(path)
    keep_public_snapshot(con, path)  # so `python -m metrics publish` works while the app holds the file
    return con



def con():
    return _connection(str(store.resolve_db_path())).cursor()



def data_version() -> int:
    return store.data_version(con())
