"""TrustDesk: decision support for Connecticut TRUST Act immigration detainers."""

__version__ = "0.1.0"
