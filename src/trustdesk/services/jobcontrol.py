"""What a long job is handed and how it ends when stopped: shared by every stoppable service.

A module of its own so that a service that can be stopped (``rulepacks`` imports) needs
nothing from ``services.jobs``, which runs jobs on the bundle of services and so sits
above them all (decision 0022: no import circles).
"""

from __future__ import annotations

from trustdesk.services.errors import ServiceError
from trustdesk.store.stoppable import Control

#: What a job is handed: ``cancelled()`` to look at, ``progress(done, total)`` to report.
JobControl = Control


class JobCancelled(ServiceError):
    """The person stopped the job; nothing was written and nothing recorded."""
