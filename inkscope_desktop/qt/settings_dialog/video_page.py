"""The settings dialog's Video tab: how videos are sampled and split, and the screen recording's privacy choice."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from inkscope_desktop.settings import VideoSettings

#: Pixels of one visual token (28x28); frame sizes are set in these steps.
TOKEN_PIXELS = 28 * 28

PRIVACY_NOTE = ("Screen recordings stay in memory only: frames are never written to disk, and are forgotten when "
                "the next recording replaces them or Inkscope quits.")


class VideoSettingsPage(QWidget):
    """Edits a ``VideoSettings``: every control has an accessible name and a label with an Alt+letter."""

    def __init__(self, settings: VideoSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.fps = _double("Video frames the model sees per second", 0.1, 8.0, 0.1)
        self.max_frames = _spin("Most video frames per part", 2, 768, 2)
        self.frame_pixels = _spin("Largest video frame in pixels", 4 * TOKEN_PIXELS, 1280 * TOKEN_PIXELS,
                                  10 * TOKEN_PIXELS)
        self.segment_s = _spin("Describe long videos in parts of seconds", 5, 3600, 5)
        self.recent_seconds = _spin("Seconds of the screen to describe", 2, 120, 1)
        self.recent_fps = _double("Screen recording frames per second", 0.5, 10.0, 0.5)
        self.keep_recent = QCheckBox("&Keep recording the last seconds of the screen, so the action describes "
                                     "what just happened (off: it records the next seconds)")
        self.keep_recent.setAccessibleName("Keep recording the last seconds of the screen")
        _row(form, "&Frames per second of video", self.fps)
        _row(form, "Most frames per p&art", self.max_frames)
        _row(form, "Largest frame si&ze (pixels)", self.frame_pixels)
        _row(form, "Long videos in parts of (secon&ds)", self.segment_s)
        _row(form, "Screen: describe the &last (seconds)", self.recent_seconds)
        _row(form, "Screen recordin&g frames per second", self.recent_fps)
        form.addRow(self.keep_recent)
        note = QLabel(PRIVACY_NOTE, wordWrap=True)
        note.setAccessibleName("Screen recording privacy")
        form.addRow(note)
        self.show_settings(settings)

    def show_settings(self, settings: VideoSettings) -> None:
        """Put ``settings`` in the controls (at start, and for Restore Defaults)."""
        self.fps.setValue(settings.fps)
        self.max_frames.setValue(settings.max_frames)
        self.frame_pixels.setValue(settings.frame_max_pixels)
        self.segment_s.setValue(settings.segment_s)
        self.recent_seconds.setValue(settings.recent_seconds)
        self.recent_fps.setValue(settings.recent_fps)
        self.keep_recent.setChecked(settings.keep_recent)

    def settings(self) -> VideoSettings:
        """The settings the controls show; SettingsError (one line) when they cannot be used together."""
        return VideoSettings(fps=self.fps.value(), max_frames=self.max_frames.value(),
                             frame_max_pixels=self.frame_pixels.value(), segment_s=self.segment_s.value(),
                             recent_seconds=self.recent_seconds.value(), recent_fps=self.recent_fps.value(),
                             keep_recent=self.keep_recent.isChecked())


def _row(form: QFormLayout, label: str, widget: QWidget) -> None:
    text = QLabel(label)
    text.setBuddy(widget)  # Alt+letter goes there, and screen readers read the label with it
    form.addRow(text, widget)


def _spin(name: str, low: int, high: int, step: int) -> QSpinBox:
    spin = QSpinBox(minimum=low, maximum=high, singleStep=step)
    spin.setAccessibleName(name)
    return spin


def _double(name: str, low: float, high: float, step: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(minimum=low, maximum=high, singleStep=step, decimals=1)
    spin.setAccessibleName(name)
    return spin
