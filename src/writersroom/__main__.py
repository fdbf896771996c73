from writersroom.cli import cli

cli()
