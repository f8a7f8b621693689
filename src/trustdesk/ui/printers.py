"""Which system printer a print job goes to, and whether the print system took the job.

The printers are the operating system's (CUPS on Linux through Qt's print-support plugin,
the Windows spooler on Windows). IT may name a default printer for TrustDesk; it is
preselected in the Print dialog when it exists, and when it does not the person is told
so plainly and the system's own default printer is preselected instead.

Qt's CUPS engine hands the finished job to ``cupsPrintFile`` and ignores its answer, so a
printer that refuses the job would look printed. ``job_refusal`` asks libcups (already
loaded in this process by Qt's plugin) for the outcome of that last request on this thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import NamedTuple

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

# IPP status codes from 0x0400 up are errors (RFC 8011, section 4.1.6).
IPP_FIRST_ERROR = 0x0400

NO_PRINTER = (
    "No printer is available on this computer: none is installed, or the print service "
    "(CUPS) is not running. Ask IT to add a printer, or use Save memo as PDF."
)


class PrinterChoice(NamedTuple):
    """A printer set up for the Print dialog, and what the person must be told first."""

    printer: QPrinter
    notice: str | None  # e.g. the configured printer is missing; None when all is as set


def available_printers() -> list[str]:
    """The names of the printers the system offers (empty when none or CUPS is down)."""
    return [name for name in QPrinterInfo.availablePrinterNames() if name]


def choose_printer(configured: str | None, what: str) -> PrinterChoice | str:
    """A printer for ``what`` with the default preselected, or why nothing can print.

    ``configured`` is the printer IT named for TrustDesk (``None``: use the system's).
    """
    names = available_printers()
    if not names:
        return NO_PRINTER
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(what)
    system_default = QPrinterInfo.defaultPrinterName()
    notice = None
    wanted = configured.strip() if configured else ""
    if wanted and wanted in names:
        printer.setPrinterName(wanted)
        return PrinterChoice(printer, None)
    if wanted:
        if system_default in names:
            fallback = f"the system's default printer “{system_default}” is selected instead"
        else:
            fallback = "choose a printer in the Print dialog"
        notice = (
            f"The printer “{wanted}” set for TrustDesk is not installed on this computer; "
            f"{fallback}. Ask IT to correct the default printer."
        )
    if system_default in names:
        printer.setPrinterName(system_default)
    else:
        printer.setPrinterName(names[0])
    return PrinterChoice(printer, notice)


def _libcups() -> ctypes.CDLL | None:
    if sys.platform == "win32":
        return None
    name = ctypes.util.find_library("cups")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    library.cupsLastError.restype = ctypes.c_int
    library.cupsLastErrorString.restype = ctypes.c_char_p
    return library


def job_refusal(printer: QPrinter) -> str | None:
    """Why the print system refused the job just sent to ``printer``; None if it took it.

    Only jobs for a system printer are checked (a PDF file written by Qt has no spooler).
    """
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return None
    library = _libcups()
    if library is None:
        return None
    status = int(library.cupsLastError())
    if status < IPP_FIRST_ERROR:
        return None
    raw = library.cupsLastErrorString()
    reason = raw.decode("utf-8", "replace").strip().rstrip(".") if raw else f"IPP error {status}"
    return f"The printer “{printer.printerName()}” did not take the job ({reason})."
