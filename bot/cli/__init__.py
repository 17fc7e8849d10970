"""The command-line faces: run, ask, check, eval, calibrate, console."""
