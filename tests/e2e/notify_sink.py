#!/usr/bin/env python3
# notify_sink.py - a webhook receiver and an SMTP sink on the loopback, for
# e2e/case_notify.sh. Usage: notify_sink.py DIR. It writes DIR/ports
# ("HTTP_PORT SMTP_PORT"), then:
#   - each webhook POST it accepts as one line of DIR/hooks.jsonl:
#     {"path": ..., "key": Idempotency-Key header, "body": the JSON sent};
#   - each e-mail it accepts as one line of DIR/mails.jsonl:
#     {"from": ..., "to": [...], "key": X-Observa-Key, "message": text}.
# Faults, set by the test through files of DIR:
#   - DIR/http_fail holding N: the next N POSTs answer 503 (N counts down);
#   - DIR/http_hang: the next POST is read, and then the connection is held
#     without answer for 60 s (the file is removed when it is taken);
#   - DIR/smtp_fail holding N: the next N messages are refused with 451
#     after DATA (N counts down).
# No smtpd module (gone from Python 3.12): the few SMTP commands libcurl
# sends are answered here.
import http.server
import json
import os
import socketserver
import sys
import threading
import time

DIR = sys.argv[1]
LOCK = threading.Lock()


def take(name):
    """Count down DIR/name; True when a fault is due."""
    path = os.path.join(DIR, name)
    with LOCK:
        try:
            with open(path) as f:
                n = int(f.read().strip() or "0")
        except FileNotFoundError:
            return False
        if n <= 0:
            return False
        with open(path, "w") as f:
            f.write(str(n - 1))
        return True


def append(name, obj):
    with LOCK:
        with open(os.path.join(DIR, name), "a") as f:
            f.write(json.dumps(obj, sort_keys=True) + "\n")


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        hang = os.path.join(DIR, "http_hang")
        with LOCK:
            hanging = os.path.exists(hang)
            if hanging:
                os.remove(hang)
        if hanging:
            with open(os.path.join(DIR, "hung"), "w") as f:
                f.write(self.headers.get("Idempotency-Key", "") + "\n")
            time.sleep(60)
            return
        if take("http_fail"):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        append("hooks.jsonl", {"path": self.path, "key": self.headers.get("Idempotency-Key"),
                               "body": json.loads(body)})
        self.send_response(204)
        self.end_headers()


class Smtp(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        mail_from, rcpt = None, []
        self.say("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.say("250 sink")
            elif verb == "MAIL":
                mail_from, rcpt = cmd.split(":", 1)[1].strip(" <>"), []
                self.say("250 ok")
            elif verb == "RCPT":
                rcpt.append(cmd.split(":", 1)[1].strip(" <>"))
                self.say("250 ok")
            elif verb == "DATA":
                self.say("354 end with .")
                lines = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    lines.append(l.decode("utf-8"))
                text = "".join(lines)
                if take("smtp_fail"):
                    self.say("451 try again later")
                    continue
                key = ""
                for l in text.split("\r\n"):
                    if l.startswith("X-Observa-Key: "):
                        key = l[len("X-Observa-Key: "):]
                append("mails.jsonl", {"from": mail_from, "to": rcpt, "key": key,
                                       "message": text})
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("250 ok")


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


http_srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
http_srv.daemon_threads = True
smtp_srv = ThreadingTCP(("127.0.0.1", 0), Smtp)
threading.Thread(target=smtp_srv.serve_forever, daemon=True).start()
with open(os.path.join(DIR, "ports.tmp"), "w") as f:
    f.write("%d %d\n" % (http_srv.server_address[1], smtp_srv.server_address[1]))
os.rename(os.path.join(DIR, "ports.tmp"), os.path.join(DIR, "ports"))
http_srv.serve_forever()
