"""The service layer the GUI and the command line both call: permissions, accounts,
decisions, holds and records, enforced here rather than by hiding buttons.

Importing the package costs nothing; ``services.bundle.open_services`` assembles it.
"""
