"""The faces of stdkb for programs and people at a terminal: the command line (`cli/`) and the
HTTP service (`http/`). `settings.py` reads every setting once; `errors.py` is the one table that
turns an error into an HTTP status, a page heading and an exit code for both."""
