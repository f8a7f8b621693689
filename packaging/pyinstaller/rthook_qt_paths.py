"""Run-time hook: where the frozen app's Qt plugins are, without loading Qt.

It takes the place of PyInstaller's pyi_rth_pyside6, which imports PySide6.QtCore at
every start to register a qt.conf that the PyPI wheel's PySide6/__init__.py registers
itself; that put Qt into every command-line run and slowed the desktop app's start
(docs/decisions/0012-desktop-start-up.md). Qt is loaded when the app first imports it.
"""

import os
import sys

# The wheel's layout: PySide6/plugins on Windows, PySide6/Qt/plugins elsewhere.
_QT = ("PySide6",) if sys.platform.startswith("win") else ("PySide6", "Qt")
_BASE: str = sys._MEIPASS  # type: ignore[attr-defined]  # set by PyInstaller's bootloader
os.environ["QT_PLUGIN_PATH"] = os.path.join(_BASE, *_QT, "plugins")

del _BASE, _QT
