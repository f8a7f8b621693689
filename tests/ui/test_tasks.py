"""The background-task runner: results on the GUI thread, real cancellation, no freezing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication

from trustdesk.services.errors import InvalidRequest
from trustdesk.ui.tasks import BackgroundTask, TaskControl, TaskPanel


def left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def on_gui_thread() -> bool:
    app = QApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: Any) -> None:
    seen: dict[str, Any] = {"progress": [], "threads": []}

    def work(control: TaskControl) -> int:
        seen["worker_on_gui"] = on_gui_thread()
        for step in range(1, 4):
            control.progress(step, 3)
        return 42

    task = BackgroundTask(work)

    def progressed(done: int, total: int) -> None:
        seen["progress"].append((done, total))
        seen["threads"].append(on_gui_thread())

    task.progressed.connect(progressed)
    task.succeeded.connect(lambda value: seen.update(result=value, result_on_gui=on_gui_thread()))
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert seen["worker_on_gui"] is False
    assert seen["result"] == 42 and seen["result_on_gui"] is True
    assert (3, 3) in seen["progress"] and all(seen["threads"])
    assert not task.is_running()


def test_errors_come_back_as_the_failed_signal(qtbot: Any) -> None:
    task = BackgroundTask(lambda control: (_ for _ in ()).throw(InvalidRequest("no such file")))
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.start()
    assert isinstance(blocker.args[0], InvalidRequest)


def test_cancel_stops_the_work_between_steps(qtbot: Any) -> None:
    started = threading.Event()
    steps: list[int] = []

    def work(control: TaskControl) -> None:
        started.set()
        for step in range(10_000):
            if control.cancelled():
                raise InvalidRequest("stopped")
            steps.append(step)
            threading.Event().wait(0.001)

    task = BackgroundTask(work)
    outcomes: list[str] = []
    task.cancelled.connect(lambda: outcomes.append("cancelled"))
    task.succeeded.connect(lambda _v: outcomes.append("succeeded"))
    task.start()
    assert started.wait(5)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert outcomes == ["cancelled"]
    assert len(steps) < 10_000


def test_the_window_keeps_working_while_a_task_runs(qtbot: Any) -> None:
    release = threading.Event()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    task = BackgroundTask(lambda control: release.wait(5))
    task.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=3000)  # the event loop turns meanwhile
    assert task.is_running()
    with qtbot.waitSignal(task.finished, timeout=5000):
        release.set()
    timer.stop()


def test_panel_shows_progress_and_cancel(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    panel = TaskPanel("panel")
    qtbot.addWidget(panel)
    panel.show()
    gate = threading.Event()

    def work(control: TaskControl) -> str:
        control.progress(5, 10)
        while not control.cancelled():
            gate.wait(0.01)
        raise InvalidRequest("stopped")

    panel.run("Counting", work, lambda result: f"done {result}")
    assert panel.busy and panel.bar.isVisible() and panel.cancel_button.isVisible()
    assert panel.cancel_button.accessibleName()
    qtbot.waitUntil(lambda: panel.bar.maximum() == 10 and panel.bar.value() == 5, timeout=3000)
    assert panel.run("Again", work, str) is None  # one task at a time
    with qtbot.waitSignal(panel.finished, timeout=5000) as blocker:
        qtbot.mouseClick(panel.cancel_button, left())
    assert blocker.args == ["cancelled"]
    assert not panel.busy and not panel.bar.isVisible()
    assert (
        "cancelled" in panel.status.text() and "Nothing half-done was kept" in panel.status.text()
    )


def test_panel_reports_a_failure_in_plain_words(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.ui.dialogs import Ask

    errors: list[str] = []

    def error(cls: Any, parent: Any, title: str, text: str) -> None:
        errors.append(text)

    monkeypatch.setattr(Ask, "error", classmethod(error))
    panel = TaskPanel("panel")
    qtbot.addWidget(panel)

    def work(control: TaskControl) -> None:
        raise InvalidRequest("the folder is read-only")

    with qtbot.waitSignal(panel.finished, timeout=5000) as blocker:
        panel.run("Writing", work, str)
    assert blocker.args == ["failed"]
    assert errors == ["The folder is read-only."]

    def crash(control: TaskControl) -> None:
        raise ZeroDivisionError("division by zero")

    with qtbot.waitSignal(panel.finished, timeout=5000):
        panel.run("Writing", crash, str)
    assert "unexpected problem" in errors[-1] and "division" not in errors[-1]
