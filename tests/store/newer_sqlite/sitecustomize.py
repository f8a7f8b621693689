"""Put pysqlite3 (pysqlite3-binary: a recent SQLite built in) in the place of the
standard library's sqlite3, for a child process whose PYTHONPATH starts here
(test_verify_newer_sqlite.py). TrustDesk imports ``sqlite3`` and gets it."""

import sys

import pysqlite3
import pysqlite3.dbapi2

sys.modules["sqlite3"] = pysqlite3
sys.modules["sqlite3.dbapi2"] = pysqlite3.dbapi2
