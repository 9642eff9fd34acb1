"""Runs moto's server (DynamoDB, DynamoDB Streams, SQS ...) for Baton's tests.

moto_server's own CLI always serves threaded; in that mode a failed
TransactWriteItems restores a copy of the whole table taken before it, wiping
writes that other threads made meanwhile. Baton's tests need DynamoDB's
semantics, so this launcher serves one request at a time.

With BATON_MOTO_IAM=1 it also makes moto's IAM enforcement (off until a
test turns it on) judge policies as AWS does: see iam.py.

Usage: python3 serve.py  -> binds 127.0.0.1 on a free port, prints
"listening <port>" on stdout, and exits when stdin closes (so a test binary
that dies never leaves a server behind).
"""
import os
import sys
import threading

from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


def main():
    app = DomainDispatcherApplication(create_backend_app)
    if os.environ.get("BATON_MOTO_IAM") == "1":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import iam

        app = iam.install(app)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    os.environ["MOTO_PORT"] = str(server.port)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("listening %d" % server.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
