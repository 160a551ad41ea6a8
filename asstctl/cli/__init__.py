"""The command line's commands, by area (click lives in this package and in ``asstctl.main``)."""
