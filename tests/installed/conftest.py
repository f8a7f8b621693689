"""The feature test of the INSTALLED Debian package (scripts/test-installed.sh runs it).

It installs, upgrades, removes and purges the package on this machine, as root, so the
ordinary ``pytest`` run never collects it: only with ``TRUSTDESK_INSTALLED_TEST=1`` and
the two packages to test named in ``TRUSTDESK_DEB`` and ``TRUSTDESK_DEB_UPGRADE``.
"""

from __future__ import annotations

import os

if os.environ.get("TRUSTDESK_INSTALLED_TEST") != "1":
    collect_ignore_glob = ["test_*.py"]
