"""qrules' version, in a module of its own: the cache and the decision log
record it, and they are imported by the package (``qrules/__init__.py``)."""

__version__ = "0.1.0.dev0"
