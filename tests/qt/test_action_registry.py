"""The action registry: one owner per action, unknown names refused in one place, menus and other threads
dispatching through it; and the app's wiring registers every action exactly once."""

from __future__ import annotations

import threading

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
from inkscope_desktop.qt.widgets.menus import build_menu_actions


def test_an_action_runs_its_one_handler_and_unknown_names_are_refused(qapp, caplog):
    registry = ActionRegistry()
    ran = []
    registry.register(Action.REPEAT_LAST, lambda: ran.append("repeat"))
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(Action.REPEAT_LAST, lambda: None)
    assert registry.dispatch("repeat-last") and registry.dispatch(Action.REPEAT_LAST)
    assert ran == ["repeat", "repeat"]
    assert not registry.dispatch("delete-everything")
    assert not registry.dispatch(Action.DESCRIBE_SCREEN.value)  # known to the app, but nobody registered it
    assert "Refused an unknown action: 'delete-everything'" in caplog.text
    assert Action.DESCRIBE_SCREEN in registry.missing() and Action.REPEAT_LAST not in registry.missing()


def test_another_thread_only_posts_and_hears_at_once_whether_the_name_is_known(qtbot):
    registry = ActionRegistry()
    ran = []
    registry.register(Action.STOP_SPEAKING, lambda: ran.append(threading.current_thread().name))
    answers = []
    worker = threading.Thread(target=lambda: answers.extend([registry.accept("stop-speaking"),
                                                             registry.accept("STOP")]), name="listener")
    worker.start()
    worker.join(5)
    assert answers == [True, False] and ran == []  # nothing ran on the listener's thread
    qtbot.waitUntil(lambda: ran == [threading.main_thread().name], timeout=2000)


def test_the_menus_show_registered_items_with_their_chords_and_dispatch_through_the_registry(qapp):
    registry = ActionRegistry()
    ran = []
    registry.register(Action.DESCRIBE_SCREEN, lambda: ran.append("screen"))
    registry.register_command("quit", "&Quit Inkscope", lambda: ran.append("quit"))
    actions = [action for action in build_menu_actions(None, registry, {Action.DESCRIBE_SCREEN: "Ctrl+Alt+Shift+D"})
               if action is not None]
    assert [action.text() for action in actions] == ["Describe screen\tCtrl+Alt+Shift+D", "&Quit Inkscope"]
    for action in actions:
        action.trigger()
    assert ran == ["screen", "quit"]


def test_the_app_wiring_registers_every_action_and_its_menu_commands(make_parts):
    app = make_parts(show=False)
    registry = app.parts.registry
    assert registry.missing() == []
    assert all(registry.command(key) is not None for key in ("open-image", "settings", "quit"))
    texts = [action.text() for action in app.parts.menu_actions if action is not None]
    assert texts[0] == "Describe screen\tCtrl+Alt+Shift+D" and texts[-1] == "&Quit Inkscope"
