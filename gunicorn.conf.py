"""gunicorn settings read from the project directory (gunicorn loads
``./gunicorn.conf.py`` by default). Command-line options still win.

No ``Server`` banner (issue 19): gunicorn writes ``Server: gunicorn`` into
every response and offers no setting to drop it, so the response's default
headers are filtered here, in the master before the workers fork.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
