"""The status line during the first-run download: percentages while bytes come, then that the model loads
(it used to stay at "Downloading the model: 100 %" for the whole load), said once."""

from __future__ import annotations

from inkscope_desktop.core.service import Loading
from inkscope_desktop.qt.flows.status_presenter import StatusPresenter
from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


def test_a_finished_download_says_the_model_is_loading(qtbot):
    window = CaptionWindow()
    qtbot.addWidget(window)
    announced = []
    window.announcer.announced.connect(lambda text, _assertive: announced.append(text))
    presenter = StatusPresenter(window, None)
    presenter.loading(Loading(done=10, total=100))
    assert window.status_text() == "Downloading the model: 10 %"
    presenter.loading(Loading(done=100, total=100))
    presenter.loading(Loading(done=100, total=100))
    assert window.status_text() == "The model is downloaded; loading it…"
    assert announced == ["The model is downloaded; loading it…"]  # progress is not announced, the end once
