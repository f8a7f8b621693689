"""The decision store: SQLite records that are never lost or silently altered.

The only package that speaks SQL. Importing it costs nothing: the modules that need
``sqlite3`` import it themselves, so the ``evaluate`` path stays light.
"""
