from tokensite.cli import app

app(prog_name="tokensite")
