"""A CalDAV server as deployments publish it (for test_caldav's discovery test): the site's root
is a web page that answers PROPFIND with 404, /.well-known/caldav redirects (301) to the DAV
context under a path prefix, and requests under the prefix go to a real Radicale, told the prefix
with X-Script-Name as a reverse proxy tells it. Nextcloud and servers behind nginx look so."""
import http.client
import http.server
import threading

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class PrefixProxy:
    """Serves on a free localhost port (`url`: its bare root) in a thread until stop(). With
    `well_known` false the site has no /.well-known/caldav (404), as servers that skip RFC 6764;
    with `prefix` "" the DAV context is the root."""

    def __init__(self, backend_port, prefix="/dav", well_known=True):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status, headers=(), body=b""):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.command, self.path))
                if self.path.startswith("/.well-known/caldav"):
                    if not well_known:
                        return self.answer(404, [("Content-Type", "text/html")], b"<p>none</p>")
                    return self.answer(301, [("Location", prefix + "/")])
                if prefix and not (self.path == prefix or self.path.startswith(prefix + "/")):
                    return self.answer(404, [("Content-Type", "text/html")], b"<p>our web site</p>")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                if prefix:
                    headers["X-Script-Name"] = prefix
                c = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=60)
                c.request(self.command, self.path[len(prefix):] or "/", body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                c.close()
                self.answer(r.status, [(k, v) for k, v in r.getheaders()
                                       if k.lower() not in HOP_BY_HOP], data)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = forward
            do_MKCALENDAR = do_MKCOL = do_OPTIONS = do_HEAD = do_PROPPATCH = forward

        self.requests = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
