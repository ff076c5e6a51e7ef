"""Lets ``python -m inkscope_desktop`` run the command line."""

from inkscope_desktop.cli import main

raise SystemExit(main())
