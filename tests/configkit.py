"""This machine's config file (IT's settings) as a test writes it."""

from __future__ import annotations

from pathlib import Path

import pytest


def machine_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """``text`` as the machine's config file, read afresh from now on; its path."""
    from trustdesk import config

    path = tmp_path / "machine" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    config.forget()
    return path
