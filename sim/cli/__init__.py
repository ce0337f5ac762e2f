"""The command line, ``anchang``: one module per command group.

Parses options into a ``RunSettings``, calls one ``sim.plan`` use case, prints people's tables in
the language of ``--lang`` and writes files. Bad input is one message and exit 2. May import
``sim.present``, ``sim.plan``, ``sim.store``, ``sim.io``, ``sim.model`` and ``sim.core``; never
``sim.engine``, ``sim.runner`` or ``sim.analysis`` (an import-linter contract).
"""
