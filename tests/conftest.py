"""Shared fixtures: the tiny random Qwen2-VL saved offline, loaded back through the real loading code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random Qwen2-VL checkpoint of ~200 k parameters in a temp folder (safetensors, processor, template)."""
    from inkscope_desktop.testing.random_qwen2vl import save_random_qwen2vl

    return save_random_qwen2vl(tmp_path_factory.mktemp("tiny-qwen2vl"))


@pytest.fixture(scope="session")
def tiny_engine(tiny_model_dir: Path):
    """The Qwen2-VL engine with the tiny checkpoint loaded on the CPU, shared by the session."""
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu")
    engine.load()
    return engine


@pytest.fixture(scope="session")
def noise_image() -> Image.Image:
    """A 400x300 image of seeded noise: never blank, the same in every run."""
    pixels = np.random.default_rng(0).integers(0, 256, size=(300, 400, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


@pytest.fixture(autouse=True, scope="session")
def _private_config_and_data(tmp_path_factory: pytest.TempPathFactory):
    """Settings and history of the test run go to temp folders, never to the user's own."""
    import os

    saved = {name: os.environ.get(name) for name in ("INKSCOPE_CONFIG_DIR", "INKSCOPE_DATA_DIR")}
    os.environ["INKSCOPE_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))
    os.environ["INKSCOPE_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Config and data folders of this test alone (settings and history tests use them automatically)."""
    from inkscope_desktop.settings.paths import CONFIG_DIR_ENV, DATA_DIR_ENV

    folders = {"config": tmp_path / "config", "data": tmp_path / "data"}
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folders["config"]))
    monkeypatch.setenv(DATA_DIR_ENV, str(folders["data"]))
    return folders


@pytest.fixture(autouse=True, scope="session")
def _no_user_keyring():
    """API keys of the test run never reach the user's own keyring: the ``keyring`` package gets its "fail"
    backend (no keyring), here and in child processes, unless a test takes ``system_keyring``."""
    import os

    saved = os.environ.get("PYTHON_KEYRING_BACKEND")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    yield
    if saved is None:
        os.environ.pop("PYTHON_KEYRING_BACKEND", None)
    else:
        os.environ["PYTHON_KEYRING_BACKEND"] = saved


@pytest.fixture(scope="session")
def secret_service_session():
    """A private D-Bus session bus with an unlocked GNOME Keyring, shared by the session (skips without one)."""
    from inkscope_desktop.testing.secret_service import SecretServiceSession

    problem = SecretServiceSession.missing()
    if problem:
        pytest.skip(f"no real keyring to test with: {problem}")
    try:
        session = SecretServiceSession().start()
    except (RuntimeError, OSError) as error:
        pytest.skip(f"no real keyring to test with: {error}")
    yield session
    session.stop()


@pytest.fixture
def system_keyring(secret_service_session, monkeypatch):
    """The real keyring (GNOME Keyring through the Secret Service) for this process and for child processes that
    inherit the environment; its Inkscope entries are removed afterwards. Yields the ``SecretServiceSession``."""
    import keyring
    import secretstorage
    from keyring.backends import SecretService

    for name, value in secret_service_session.env().items():
        monkeypatch.setenv(name, value)
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    yield secret_service_session
    keyring.set_keyring(previous)
    connection = secretstorage.dbus_init()
    try:
        for item in secretstorage.get_default_collection(connection).search_items({"service": "inkscope-desktop"}):
            item.delete()
    finally:
        connection.close()


@pytest.fixture
def no_keyring(monkeypatch):
    """A system without a keyring: the ``keyring`` package's "fail" backend, here and in child processes."""
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
