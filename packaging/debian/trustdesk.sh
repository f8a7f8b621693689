#!/bin/sh
# /usr/bin/trustdesk from the trustdesk Debian package: runs the frozen app in /opt.
# The record in /var/lib/trustdesk belongs to the "trustdesk" group; umask 0007 keeps
# every file the program makes there (database, -wal, -shm, lock, imported packs)
# writable by the group and closed to everyone else.
umask 0007
exec /opt/trustdesk/trustdesk "$@"
