"""Learning a base in a child process, so that the bot never carries what learning leaves.

Learning (``intents.matcher.Matcher``) imports scikit-learn, about 80 MB of resident memory
that no reply needs, and allocates and frees more than it keeps. With a store of model
files (``bot/stores/models.py``), the bot hands a base it has not learned to a child
(``python -m bot.stores.learning MODELS_DIR``, the validated base pickled on its stdin);
the child learns it and writes the model file, and the bot restores from that file. The
base is sent, not read again, so the child learns exactly what the bot serves.

A child that fails or runs out of time is logged, and the bot learns the base itself:
a base is never lost to this. The first start and each reload of a changed base cost
one Python start more (about a second and a half here) than learning in the bot.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from pathlib import Path

from bot.stores.isolated_load import pickled, python_child
from knowledge import KnowledgeBase

log = logging.getLogger(__name__)

# The 10,000-entry bench base learns in about 12 s here, the shipped base in about 4 s; a
# child still busy after this long is stopped and the bot learns the base itself.
LEARNING_TIMEOUT_SECONDS = 300.0


def learn_in_child(
    kb: KnowledgeBase, models: Path, *, timeout: float = LEARNING_TIMEOUT_SECONDS
) -> bool:
    """Have a child learn ``kb`` into the model files in ``models``; False when it did not."""
    command, env, project = python_child("bot.stores.learning", str(models))
    try:
        done = subprocess.run(
            command,
            input=pickled(kb),
            capture_output=True,
            timeout=timeout,
            env=env,
            cwd=project,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("learning the base in a child took more than %.0f s", timeout)
        return False
    except OSError as error:
        log.warning("could not start a child to learn the base: %s", error)
        return False
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()
        log.warning("learning the base in a child failed: %s",
                    last[-1] if last else f"exit status {done.returncode}")  # fmt: skip
        return False
    return True


def _child(models: str) -> int:
    from bot.stores.models import ModelFiles
    from intents.matcher import matcher_for

    kb = pickle.loads(sys.stdin.buffer.read())  # our own parent's base
    assert isinstance(kb, KnowledgeBase)
    matcher_for(kb, ModelFiles(models))  # learns it, and writes the file
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
