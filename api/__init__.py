"""Faces of stdkb: the command line (cli.py) and, later, the HTTP API. They parse input, call the core, format output."""
