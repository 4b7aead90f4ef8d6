"""``python -m callcoach.cli``: the same command line as the ``callcoach`` script."""

from callcoach.cli import app

app(prog_name="callcoach")
