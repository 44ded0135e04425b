"""The development server's access log (werkzeug) does not write tokens."""

import logging
import threading
import urllib.request

from werkzeug.serving import make_server


def test_the_access_log_redacts_tokens(make_app, caplog):
    app = make_app(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    port = server.server_port
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/account/reset/SECRET-RESET-TOKEN?token=SECRET2"
            ) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.close()
        thread.join(timeout=10)
    server.server_close()
    logged = caplog.text
    assert "/account/reset/[redacted]?token=[redacted]" in logged
    assert "SECRET" not in logged
