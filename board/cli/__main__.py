"""`python -m board.cli` runs the command line (the soak benchmark starts the server this way)."""

from board.cli import main

main()
