"""The command-line sub-commands, each in its own module, imported only when run."""
