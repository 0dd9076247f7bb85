"""``python -m hedui.cli``: the ``hedui`` command line."""

from hedui.cli import app

app()
