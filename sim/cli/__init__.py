"""The command line, ``anchang``."""
