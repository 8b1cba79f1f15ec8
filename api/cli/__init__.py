"""The `stdkb` command line: `main.py` parses the options and hands each command its settings and
knowledge base; the commands live beside it by job (search and documents in `main.py`, `gap.py`,
`system.py`); `api/remote.py` asks a running server instead (STDKB_URL); `progress.py` draws the bars."""
