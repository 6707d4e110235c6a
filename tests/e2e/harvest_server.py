#!/usr/bin/env python3
# harvest_server.py - a web server that misbehaves on purpose, for
# e2e/harvest.sh: it serves the release folders of ROOT under
# /good/ (ROOT/good) and /tamper/ (ROOT/tamper), and under other prefixes
# the faults a harvest must bound:
#   /redirect/P   302 to http://localhost:PORT/good/P (another host)
#   /samehost/P   302 to http://127.0.0.1:PORT/good/P (followed)
#   /endless/P    manifest.json as /good/ has it; any other file: bytes
#                 without end and without Content-Length
#   /hang/P       accepts and never answers
# Usage: harvest_server.py ROOT PORTFILE (writes the port it listens on).
import http.server
import os
import sys
import time

ROOT, PORTFILE = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_file(self, rel):
        path = os.path.join(ROOT, rel)
        if ".." in rel.split("/") or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        _, prefix, rest = self.path.split("/", 2)
        if prefix in ("good", "tamper"):
            self.send_file(prefix + "/" + rest)
        elif prefix in ("redirect", "samehost"):
            host = "localhost" if prefix == "redirect" else "127.0.0.1"
            self.send_response(302)
            self.send_header("Location", "http://%s:%d/good/%s" % (host, port, rest))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif prefix == "endless":
            if rest.endswith("manifest.json"):
                self.send_file("good/" + rest)
                return
            self.send_response(200)
            self.end_headers()
            chunk = b"x" * 65536
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif prefix == "hang":
            time.sleep(120)
        else:
            self.send_error(404)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
