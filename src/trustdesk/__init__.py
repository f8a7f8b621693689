"""TrustDesk: decision support for Connecticut TRUST Act immigration detainers."""

__all__ = ["__version__"]

try:  # A frozen build states its own version (packaging/pyinstaller/trustdesk.spec).
    from _trustdesk_build import VERSION as __version__  # type: ignore[import-not-found]
except ImportError:
    __version__ = "0.1.0"
