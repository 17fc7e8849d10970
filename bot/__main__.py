"""``python -m bot``: see ``bot.cli.parser``."""

import os
import sys

from bot.cli.parser import main

try:
    sys.exit(main())
except BrokenPipeError:
    # The reader went away (`python -m bot check | head -1`): not an error of ours. Point
    # stdout at devnull so the interpreter's final flush does not raise a second time.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
