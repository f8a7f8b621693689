"""The PostgreSQL backend of the store: its SQL, its connection and its set-up.

Imported only when a ``postgresql://`` database is configured (``Store.open`` given a
URL, ``trustdesk store init``), so SQLite users never load psycopg.
"""
