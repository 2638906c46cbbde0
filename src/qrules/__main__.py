import gc
import sys

# What the start-up allocates (modules, classes, the message catalog) lives as
# long as the process: looking through it for garbage while importing is wasted
# work. Imported with the collector off, then frozen out of its sight (as `main`
# does when run as the console script): a quicker start and exit.
gc.disable()
from .cli import main  # noqa: E402 (imported with the collector off)

gc.freeze()
gc.enable()
sys.exit(main())
