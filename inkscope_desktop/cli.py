"""The ``inkscope-desktop`` command line: parses arguments and hands each sub-command to its module.

Nothing heavy is imported here, so ``--help`` answers at once; torch and transformers load only when a
command needs the model.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from inkscope_desktop import __version__
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.prompts import DEFAULT_PRESET, PRESETS
from inkscope_desktop.core.types import Detail
from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV, DEFAULT_MODEL_ID, EXIT_ERROR, EXIT_INTERRUPTED
from inkscope_desktop.engines.registry import ENGINES, engine_names



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkscope-desktop",
        description="Describe screens and images aloud with a local vision-language model.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to standard error")
    app = parser.add_argument_group("the tray app (started when no command is given; options override the "
                                    "settings for this run)")
    app.add_argument("--model", help="hub id or local folder")
    app.add_argument("--device", help="auto, cuda, cuda:N, mps or cpu")
    app.add_argument("--fake-engine", action="store_true",
                     help="stream scripted captions without a model, for demos and trying the interface")
    app.add_argument("--preset", choices=tuple(PRESETS), help="what hotkey captions ask for")
    app.add_argument("--detail", choices=[level.value for level in Detail], help="how many pixels the model sees")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_describe(commands)
    _add_model(commands)
    _add_trigger(commands)
    _add_config(commands)
    _add_history(commands)
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--model", default=DEFAULT_MODEL_ID, help="hub id or local folder (default: %(default)s)")
    group.add_argument("--device", default="auto", help="auto, cuda, cuda:N, mps or cpu (default: auto)")
    group.add_argument("--dtype", default="auto", help="auto, bfloat16, float16 or float32 (default: auto)")
    group.add_argument("--offline", action="store_true", help="never touch the network (like HF_HUB_OFFLINE=1)")
    group.add_argument("--engine", choices=engine_names(), default=engine_names()[0],
                       help="; ".join(f"'{entry.name}': {entry.summary}" for entry in ENGINES))
    remote = parser.add_argument_group("remote engine (--engine remote)")
    remote.add_argument("--base-url", metavar="URL", help="the server's API root, e.g. http://127.0.0.1:8000/v1")
    remote.add_argument("--remote-model", metavar="NAME", help="the model's name on the server")
    remote.add_argument("--api-key-env", metavar="VAR",
                        help="environment variable holding the API key, if the server needs one (default: "
                             f"{DEFAULT_API_KEY_ENV} when set, else the key saved with 'config set-api-key')")
    remote.add_argument("--timeout", type=_positive_float, default=60.0, metavar="SECONDS",
                        help="longest wait for the server to connect or send more (default: %(default)s)")
    remote.add_argument("--deadline", type=_positive_float, default=600.0, metavar="SECONDS",
                        help="longest time for one whole answer (default: %(default)s)")
    remote.add_argument("--concurrency", type=_positive_int, metavar="N",
                        help="images described at once from a folder (default: 8; the local engine does one "
                             "at a time)")


def _add_describe(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "describe",
        help="describe image or video files or folders, streaming the text as it is generated",
        description="Describe image and video files, folders of them (recursively) or - for standard input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="image or video file, folder, or - for standard input")
    ask = parser.add_mutually_exclusive_group()
    ask.add_argument("-p", "--preset", choices=tuple(PRESETS),
                     help=f"what to ask for (default: {DEFAULT_PRESET}; for a video: describe it in detail)")
    ask.add_argument("-q", "--question", help="ask this question about each image instead of a preset")
    parser.add_argument("-l", "--language", help="answer in this language, e.g. German")
    parser.add_argument("-d", "--detail", choices=[level.value for level in Detail], default=Detail.NORMAL.value,
                        help="how many pixels the model sees; more is slower (default: %(default)s)")
    parser.add_argument("--max-new-tokens", type=_positive_int, default=512, metavar="N",
                        help="longest answer in tokens (default: %(default)s)")
    parser.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    parser.add_argument("--temperature", type=float, default=None,
                        help="sampling temperature (with --sample; default: the model's own, or 0.7)")
    parser.add_argument("--top-p", type=float, default=None,
                        help="nucleus sampling mass (with --sample; default: the model's own, or 0.9)")
    parser.add_argument("--jsonl", action="store_true",
                        help="write one JSON object per image (path, caption, prompt, timings, error)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
    parser.add_argument("--batch-size", type=_batch_size, default="auto", metavar="N|auto",
                        help="images of a folder described together on a GPU (default: auto, from free GPU "
                             "memory; 1 on the CPU)")
    video = parser.add_argument_group("videos (.mp4 .mkv .webm .mov .avi; local engine only)")
    video.add_argument("--segment-seconds", type=_positive_float, default=60.0, metavar="SECONDS",
                       help="describe a longer video in parts of this length, each headed by its time range "
                            "(default: %(default)g)")
    video.add_argument("--video-fps", type=_positive_float, default=1.0, metavar="FPS",
                       help="frames the model sees per second of video (default: %(default)g)")
    video.add_argument("--max-frames", type=_positive_int, default=64, metavar="N",
                       help="most frames the model sees per part (default: %(default)s)")
    _add_model_options(parser)


def _add_model(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("model", help="download the model, show where it is, or check a remote server")
    actions = parser.add_subparsers(dest="model_command", metavar="ACTION")
    download = actions.add_parser("download", help="fetch the model into the Hugging Face cache (resumes)")
    download.add_argument("model_id", nargs="?", default=DEFAULT_MODEL_ID, metavar="ID",
                          help="the model's hub id (default: %(default)s)")
    info = actions.add_parser("info", help="where the model is, its size and whether it is complete")
    info.add_argument("model_id", nargs="?", default=DEFAULT_MODEL_ID, metavar="ID_OR_FOLDER",
                      help="a hub id or a model folder (default: %(default)s)")
    check = actions.add_parser("check-remote", help="ask a remote server whether it serves the model (GET "
                                                    "/v1/models; exits 1 when it does not)")
    check.add_argument("--base-url", metavar="URL", help="the server's API root (default: the settings')")
    check.add_argument("--remote-model", metavar="NAME", help="the model's name there (default: the settings')")
    check.add_argument("--api-key-env", metavar="VAR",
                       help="environment variable holding the API key (default: INKSCOPE_API_KEY when set, else "
                            "the key saved with 'config set-api-key')")
    check.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                       help="longest wait for the server (default: %(default)s)")


def _add_trigger(commands: argparse._SubParsersAction) -> None:
    width = max(len(action.value) for action in Action)
    parser = commands.add_parser(
        "trigger",
        help="ask the running app to do something (for desktop shortcuts and screen-reader scripts)",
        description="Send an action to the running Inkscope Desktop and return at once. Exits 1 when it is not "
                    "running.",
        epilog="actions:\n" + "\n".join(f"  {action.value:<{width}}  {action.label}" for action in Action),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=[action.value for action in Action], metavar="ACTION",
                        help="one of the actions listed below")


def _add_config(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("config", help="show, locate or reset the settings (for scripts and support)")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION")
    actions.add_parser("path", help="print the settings file's path")
    actions.add_parser("show", help="print the settings in effect as JSON (exits 1 when the file has problems)")
    actions.add_parser("reset", help="keep the current settings file aside and write the defaults")
    setting = actions.add_parser("set", help="change one setting, checked as the app checks it",
                                 description="Change one setting in the settings file, e.g. "
                                             "config set speech.rate 220.")
    setting.add_argument("key", metavar="GROUP.NAME", help="the setting, as 'config show' names it")
    setting.add_argument("value", metavar="VALUE", help="true, false, a number, null, or text")
    for name, text in (("set-api-key", "save the remote server's API key in the system keyring (the key is read "
                                        "from standard input, or asked for; never give it as an argument)"),
                       ("forget-api-key", "remove the remote server's API key from the system keyring")):
        key = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        key.add_argument("--base-url", metavar="URL",
                         help="the server the key is for (default: the server address in the settings)")


def _add_history(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("history", help="export or delete the caption history, or show where it is")
    actions = parser.add_subparsers(dest="history_command", metavar="ACTION")
    actions.add_parser("path", help="print the history database's path")
    export = actions.add_parser("export", help="write the history as Markdown or JSON, newest first")
    export.add_argument("-f", "--format", choices=("md", "json"), default="md",
                        help="md for Markdown, json for JSON (default: %(default)s)")
    export.add_argument("-s", "--search", metavar="TEXT", help="only entries whose text contains TEXT (any case)")
    export.add_argument("-n", "--limit", type=_positive_int, metavar="N", help="at most N entries (default: all)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    clear = actions.add_parser("clear", help="delete every entry (asks for --yes)")
    clear.add_argument("--yes", action="store_true", help="really delete everything")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _batch_size(text: str) -> int | str:
    return "auto" if text.strip().lower() == "auto" else _positive_int(text)


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


#: The commands that need an action, and where argparse keeps it.
_ACTION_DESTS = {"config": "config_command", "history": "history_command", "model": "model_command"}


def _list_actions(parser: argparse.ArgumentParser, command: str) -> int:
    """``command`` was given without an action: list its actions, a line each, on standard error (a usage
    error, exit 2), in words a screen reader reads straight through."""
    sub_parsers = next(action for action in parser._actions if action.dest == "command")
    assert isinstance(sub_parsers.choices, dict)
    command_parser = sub_parsers.choices[command]
    actions = next(action for action in command_parser._actions if action.dest == _ACTION_DESTS[command])
    assert isinstance(actions, argparse._SubParsersAction)
    helps = {choice.dest: choice.help for choice in actions._choices_actions}
    lines = [f"inkscope-desktop {command}: choose one of these actions:"]
    lines += [f"  {name}: {helps.get(name) or ''}".rstrip() for name in actions.choices]
    lines.append(f"For example: inkscope-desktop {command} {next(iter(actions.choices))}")
    print("\n".join(lines), file=sys.stderr)
    return EXIT_ERROR


def ensure_output_streams() -> None:
    """Give the process a stdout and stderr where it has none: under ``pythonw`` (the Windows app entry point,
    which opens no console) both are None, and any print, logging handler or tqdm bar would then fail."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # kept open for the rest of the process


def gui_main() -> int:
    """The ``inkscope-desktop-app`` entry point (a gui-script: on Windows it starts with no console window, so
    there is none to close by mistake): the tray app, with the command line's app options."""
    ensure_output_streams()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    ensure_output_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in _ACTION_DESTS and getattr(args, _ACTION_DESTS[args.command]) is None:
        return _list_actions(parser, args.command)
    from inkscope_desktop.commands.logging_setup import configure_logging

    configure_logging(args.verbose)
    try:
        if args.command is None:
            from inkscope_desktop.qt.app import run_app

            return run_app(args)
        if args.command == "describe":
            from inkscope_desktop.commands.describe import run_describe

            return run_describe(args)
        if args.command == "trigger":
            from inkscope_desktop.commands.trigger import run_trigger

            return run_trigger(args)
        if args.command == "config":
            from inkscope_desktop.commands.config import run_config

            return run_config(args)
        if args.command == "history":
            from inkscope_desktop.commands.history import run_history

            return run_history(args)
        from inkscope_desktop.commands.model import run_model

        return run_model(args)
    except InkscopeError as error:
        from inkscope_desktop.commands.progress import end_progress_line

        end_progress_line()
        print(f"inkscope-desktop: error: {error.user_text}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        from inkscope_desktop.commands.progress import end_progress_line

        end_progress_line()
        resumable = args.command == "model" and getattr(args, "model_command", None) == "download"
        print("inkscope-desktop: stopped." + (" What was downloaded is kept: run the same command again to go on "
                                              "from there." if resumable else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
