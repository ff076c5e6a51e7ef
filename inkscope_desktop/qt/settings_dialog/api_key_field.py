"""The settings dialog's API key field: typed hidden, saved to the system keyring on OK, forgotten on request."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.engines.remote.api_keys import ApiKeyStore, keyring_user


class ApiKeyField(QWidget):
    """A password-mode line edit ("API key") and a "Forget the saved key" button, plus ``status``, a line that
    says where the key is (or that there is no keyring and which environment variable to use instead).

    The key goes only to ``keys`` (the system keyring), for the server address ``url()`` gives; the settings
    keep just ``is_saved``. ``env_var()`` names the environment variable in messages; ``tell(text, is_error)``
    shows and announces a result.
    """

    def __init__(self, keys: ApiKeyStore, *, is_saved: bool, url: Callable[[], str], env_var: Callable[[], str],
                 tell: Callable[[str, bool], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = keys
        self._url = url
        self._env_var = env_var
        self._tell = tell
        self.is_saved = is_saved
        self._saved_for = keyring_user(url()) if is_saved and url() else ""
        self.edit = QLineEdit(placeholderText="Type or paste the key; it is saved in the system keyring on OK")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName("API key")
        self.forget_button = QPushButton("&Forget the saved key")
        self.forget_button.setAccessibleDescription("Removes this server's API key from the system keyring now.")
        self.forget_button.clicked.connect(self.forget)
        self.status = QLabel(wordWrap=True)
        self.status.setAccessibleName("API key status")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.forget_button)
        self.show_status()

    def is_saved_for(self, url: str) -> bool:
        """Whether a key was saved for ``url`` (a key saved for another address does not count)."""
        return self.is_saved and bool(url) and keyring_user(url) == self._saved_for

    def show_status(self) -> None:
        self._keys.env_var = self._env_var() or None
        if not self._keys.is_available():
            text = self._keys.no_keyring_error().user_text
        elif self.is_saved:
            text = "A key for this server is saved in the system keyring; type a new one to replace it."
        else:
            text = "No key is saved. The environment variable, when it is set, is used before the keyring."
        self.status.setText(text)
        self.edit.setAccessibleDescription(text)

    def save_typed(self) -> bool:
        """On OK: save a typed key for the current address (InkscopeError, one line, if it cannot be saved)."""
        key = self.edit.text()
        if not key.strip():
            return False
        self._keys.env_var = self._env_var() or None
        url = self._url()
        self._keys.save(url, key)
        self.edit.clear()
        self.is_saved, self._saved_for = True, keyring_user(url)
        self.show_status()
        return True

    def forget(self) -> None:
        url = self._url()
        self._keys.env_var = self._env_var() or None
        self.edit.clear()
        try:
            was_saved = self._keys.forget(url) if url else False
        except InkscopeError as error:
            self._tell(error.user_text, True)
            return
        self.is_saved, self._saved_for = False, ""
        self.show_status()
        self._tell(f"The API key for {url} was removed from the system keyring." if was_saved
                   else "No API key was saved for this server.", False)
