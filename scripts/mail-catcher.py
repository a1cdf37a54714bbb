#!/usr/bin/python3
"""A local mail catcher for ./scripts/run.sh: an SMTP server on loopback that
accepts every message (no TLS, no AUTH) and stores each one as an .eml file
under the given folder, printing one line per mail (time, to, subject) so a
newcomer sees what `voc clock advance 25h` caused.

    scripts/mail-catcher.py --port 1025 --dir var/mail

Uses Debian's python3-aiosmtpd (scripts/install-deps.sh installs it).
"""
import argparse
import email
import email.header
import email.policy
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(value or "")))


class StoreEachMail:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = os.path.join(self.folder, "%s-%05d.eml" % (stamp, number))
        with open(path, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        print("%s mail %d to %s: %s  (%s)" % (time.strftime("%H:%M:%S"), number, ", ".join(envelope.rcpt_tos),
                                             decoded(message.get("Subject")), path), flush=True)
        return "250 OK stored"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(StoreEachMail(args.dir), hostname=args.host, port=args.port,
                            server_hostname="voc-mail-catcher")
    controller.start()
    print("mail catcher on %s:%d, storing mails in %s" % (args.host, args.port, os.path.abspath(args.dir)), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
