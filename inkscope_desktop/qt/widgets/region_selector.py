"""The region selector: a full-screen overlay over a frozen desktop where a rectangle is picked by keys or mouse."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, \
    QPen, QShowEvent
from PySide6.QtWidgets import QWidget

from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.qt.widgets.images import pil_to_qimage

INSTRUCTIONS = "Region selector. Arrows move, Shift+arrows resize, Enter describes, Escape cancels."
HINT = "Arrows move · Shift+arrows resize · Ctrl: 1 pixel · Enter describes · Esc cancels · or drag with the mouse"
#: Pixels of the screenshot per arrow press, and with Ctrl held.
STEP, FINE_STEP = 10, 1
#: Smallest width or height, in screenshot pixels.
MIN_SIDE = 4
#: Quiet time after the last change before position and size are announced.
ANNOUNCE_DELAY_MS = 300
#: The overlay's labels, relative to the system font.
LABEL_FONT_SCALE = 1.3

_ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


class RegionSelector(QWidget):
    """Shows ``screenshot`` dimmed, with the chosen rectangle clear, a two-tone border and its size.

    All geometry is kept in screenshot pixels; ``origin`` is where the screenshot's top-left lies on the
    virtual desktop, and ``region_chosen(x, y, width, height)`` reports desktop coordinates (screenshot
    pixels plus origin), so ``screenshot.crop((x - ox, y - oy, x - ox + width, y - oy + height))`` is the
    part the user saw. The screenshot is drawn aspect-fit into the widget, so any window size works.
    """

    region_chosen = Signal(int, int, int, int)
    cancelled = Signal()

    def __init__(self, screenshot: QImage | Image.Image, origin: tuple[int, int] = (0, 0),
                 announcer: Announcer | None = None, parent: QWidget | None = None,
                 *, announce_delay_ms: int = ANNOUNCE_DELAY_MS) -> None:
        # Not a Qt.Tool window: macOS hides those while the app is inactive, as a tray app usually is.
        super().__init__(parent, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self._image = pil_to_qimage(screenshot) if isinstance(screenshot, Image.Image) else QImage(screenshot)
        if self._image.isNull():
            raise ValueError("The screenshot is empty.")
        self._origin = (int(origin[0]), int(origin[1]))
        self._announcer = announcer if announcer is not None else Announcer(self, self)
        width, height = self._image.width(), self._image.height()
        side_w, side_h = max(min(MIN_SIDE, width), width // 3), max(min(MIN_SIDE, height), height // 3)
        self._rect = QRect((width - side_w) // 2, (height - side_h) // 2, side_w, side_h)
        self._drag_anchor: QPointF | None = None
        self._has_announced_start = False
        self._announce_timer = QTimer(self, singleShot=True, interval=announce_delay_ms)
        self._announce_timer.timeout.connect(self._announce_region)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Region selector")
        self.setAccessibleDescription(f"{INSTRUCTIONS} Hold Ctrl for 1-pixel steps, or drag with the mouse.")
        self.setWindowTitle("Inkscope: choose a region")
        font = self.font()  # larger labels, relative to the system font so the user's scaling still applies
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * LABEL_FONT_SCALE)
        else:
            font.setPixelSize(round(font.pixelSize() * LABEL_FONT_SCALE))
        self.setFont(font)

    # --- public ----------------------------------------------------------------------------------
    def region(self) -> tuple[int, int, int, int]:
        """The current rectangle as ``(x, y, width, height)`` on the virtual desktop."""
        rect = self._rect
        return rect.x() + self._origin[0], rect.y() + self._origin[1], rect.width(), rect.height()

    def set_region(self, x: int, y: int, width: int, height: int) -> None:
        """Select the rectangle given in desktop coordinates (clamped to the screenshot)."""
        self._set_rect(QRect(x - self._origin[0], y - self._origin[1], width, height))

    def show_over_desktop(self) -> None:
        """Cover every monitor (the whole virtual desktop), come to the front and take the keyboard."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.virtualGeometry())
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def confirm(self) -> None:
        self._announce_timer.stop()
        self.region_chosen.emit(*self.region())

    def cancel(self) -> None:
        self._announce_timer.stop()
        self.cancelled.emit()

    # --- events ----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # keys work however it was shown
        if not self._has_announced_start:
            self._has_announced_start = True
            self._announcer.announce(INSTRUCTIONS)
            self._announce_timer.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, modifiers = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        elif key == Qt.Key.Key_Escape:
            self.cancel()
        elif key in _ARROWS:
            dx, dy = _ARROWS[Qt.Key(key)]
            step = FINE_STEP if modifiers & Qt.KeyboardModifier.ControlModifier else STEP
            rect = QRect(self._rect)
            if modifiers & Qt.KeyboardModifier.ShiftModifier:  # grow or shrink; the top-left stays
                right_room, bottom_room = self._image.width() - rect.x(), self._image.height() - rect.y()
                rect.setWidth(min(right_room, max(MIN_SIDE, rect.width() + dx * step)))
                rect.setHeight(min(bottom_room, max(MIN_SIDE, rect.height() + dy * step)))
            else:
                rect.translate(dx * step, dy * step)
            self._set_rect(rect)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.RightButton:
            self.cancel()
        elif event.button() == Qt.MouseButton.LeftButton:
            self._drag_anchor = self._to_image(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag_anchor is not None:
            spanned = _spanned(self._drag_anchor, self._to_image(event.position()))
            if spanned.width() >= MIN_SIDE and spanned.height() >= MIN_SIDE:  # a shaky click changes nothing
                self._set_rect(spanned)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._drag_anchor is None:
            return
        spanned = _spanned(self._drag_anchor, self._to_image(event.position()))
        self._drag_anchor = None
        if spanned.width() >= MIN_SIDE and spanned.height() >= MIN_SIDE:
            self._set_rect(spanned)
            self.confirm()  # a drag picks the region, as in screenshot tools; a plain click does nothing

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        target, _ = self._placement()
        painter.drawImage(target, self._image)
        painter.fillRect(target, QColor(0, 0, 0, 150))  # dim everything, then redraw the selection clear
        selected = self._to_widget(self._rect)
        painter.drawImage(selected, self._image, QRectF(self._rect))
        # Two bands outside the selection: white against the dimmed surroundings, black against the
        # (undimmed, often light) selected content, so the edge shows on any screen.
        band = 3.0 if _prefers_high_contrast() else 2.0
        for color, middle in ((QColor(255, 255, 255), band * 1.5), (QColor(0, 0, 0), band / 2)):
            painter.setPen(QPen(color, band))
            painter.drawRect(selected.adjusted(-middle, -middle, middle, middle))
        self._draw_label(painter, f"{self._rect.width()} × {self._rect.height()}", selected)
        self._draw_label(painter, HINT, None, avoid=selected)
        painter.end()

    # --- private ---------------------------------------------------------------------------------
    def _set_rect(self, rect: QRect) -> None:
        rect = self._kept_inside(rect.normalized())
        if rect != self._rect:
            self._rect = rect
            self.update()
        self._announce_timer.start()  # restarted on every press: announce once the keys are quiet

    def _kept_inside(self, rect: QRect) -> QRect:
        """``rect`` at least MIN_SIDE wide and high, shrunk to fit the screenshot, then moved inside it."""
        width, height = self._image.width(), self._image.height()
        rect_w = min(max(rect.width(), MIN_SIDE), width)
        rect_h = min(max(rect.height(), MIN_SIDE), height)
        rect = QRect(rect.x(), rect.y(), rect_w, rect_h)
        x = min(max(rect.x(), 0), width - rect.width())
        y = min(max(rect.y(), 0), height - rect.height())
        return QRect(x, y, rect.width(), rect.height())

    def _announce_region(self) -> None:
        x, y, width, height = self.region()
        edges = self._touched_edges()
        text = f"{width} by {height} pixels at {x}, {y}"
        self._announcer.announce(text + (f", at the {' and '.join(edges)} edge" if edges else ""))

    def _touched_edges(self) -> list[str]:
        rect, image = self._rect, self._image
        sides = (("left", rect.left() <= 0), ("top", rect.top() <= 0),
                 ("right", rect.x() + rect.width() >= image.width()),
                 ("bottom", rect.y() + rect.height() >= image.height()))
        return [name for name, is_touching in sides if is_touching]

    def _placement(self) -> tuple[QRectF, float]:
        """Where the screenshot is drawn (aspect-fit, centred) and its scale, widget pixels per image pixel."""
        scale = min(self.width() / self._image.width(), self.height() / self._image.height())
        width, height = self._image.width() * scale, self._image.height() * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height), scale

    def _to_image(self, point: QPointF) -> QPointF:
        """A widget point in screenshot pixels, held to the screenshot's edges (drags past them clip)."""
        target, scale = self._placement()
        x = min(max((point.x() - target.x()) / scale, 0.0), float(self._image.width()))
        y = min(max((point.y() - target.y()) / scale, 0.0), float(self._image.height()))
        return QPointF(x, y)

    def _to_widget(self, rect: QRect) -> QRectF:
        target, scale = self._placement()
        return QRectF(target.x() + rect.x() * scale, target.y() + rect.y() * scale,
                      rect.width() * scale, rect.height() * scale)

    def _draw_label(self, painter: QPainter, text: str, near: QRectF | None, avoid: QRectF | None = None) -> None:
        """Text in a box of the palette's tooltip colours: below ``near`` (or above it); with no ``near``,
        centred at the top, or at the bottom when the top would cover ``avoid``."""
        metrics = painter.fontMetrics()
        pad = metrics.height() // 3
        size = metrics.size(0, text)
        box = QRectF(0, 0, size.width() + 2 * pad, size.height() + 2 * pad)
        if near is None:
            box.moveTopLeft(QPointF((self.width() - box.width()) / 2, pad * 2))
            if avoid is not None and box.intersects(avoid):
                box.moveBottom(self.height() - pad * 2)
        else:
            below = near.bottom() + pad * 2
            top = below if below + box.height() <= self.height() else near.top() - box.height() - pad * 2
            left = min(max(near.left(), 0.0), self.width() - box.width())
            box.moveTopLeft(QPointF(left, max(top, 0.0)))
        palette = self.palette()
        painter.fillRect(box, palette.color(QPalette.ColorRole.ToolTipBase))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.ToolTipText), 1))
        painter.drawRect(box)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _spanned(a: QPointF, b: QPointF) -> QRect:
    """The whole-pixel rectangle between two points of a drag."""
    left, right = sorted((round(a.x()), round(b.x())))
    top, bottom = sorted((round(a.y()), round(b.y())))
    return QRect(left, top, right - left, bottom - top)


def _prefers_high_contrast() -> bool:
    hints = QGuiApplication.styleHints()
    preference = hints.accessibility().contrastPreference()
    return preference == Qt.ContrastPreference.HighContrast
