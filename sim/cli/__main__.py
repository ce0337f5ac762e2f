"""``python -m sim.cli``: the ``anchang`` command."""

from sim.cli.main import main

main()
