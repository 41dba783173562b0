"""``python -m tokensite``: the ``tokensite`` command, for when the console script is not on PATH."""

from tokensite.cli import app

app(prog_name="tokensite")
