"""The built site on 127.0.0.1, as the browser tests serve it: a threaded static server.

It counts the body bytes it sends per path, so a test can tell what a visit downloaded
(and, on a second visit, what the browser's cache kept). It serves the site as deployed at
its own origin: the theme's instant navigation follows only links that sitemap.xml lists,
and matches them by scheme, host and port, so sitemap.xml names this server, as a site built
with `SITE_URL` set to where it is served would.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Served:
    """The site's origin, and the body bytes it has sent per path."""

    origin: str
    sent: dict[str, int] = field(default_factory=dict)

    def total(self) -> int:
        return sum(self.sent.values())


@contextlib.contextmanager
def serve(site: Path) -> Iterator[Served]:
    """Serve `site` on a port the system picks, until the block ends."""
    served = Served("")

    sitemap = (site / "sitemap.xml").read_text()
    home = re.search(r"<loc>(.*?)</loc>", sitemap)
    assert home, "sitemap.xml lists no page"
    deployed_at = home[1]  # the site_url it was built with: its first page is the home page

    class Counting(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Keep the test output clean."""

        def do_GET(self) -> None:
            if urlsplit(self.path).path != "/sitemap.xml":
                super().do_GET()
                return
            body = sitemap.replace(f"<loc>{deployed_at}", f"<loc>{served.origin}/").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def copyfile(self, source: Any, outputfile: Any) -> None:
            shutil.copyfileobj(source, outputfile)
            path = urlsplit(self.path).path
            served.sent[path] = served.sent.get(path, 0) + source.tell()

    handler = functools.partial(Counting, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        served.origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield served
        finally:
            server.shutdown()
            thread.join()
