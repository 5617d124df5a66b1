"""What serving the FileStorage through the embedded ZEO server costs the app process.

`pserve` on a file:// URI uses its FileStorage as a client of its own embedded ZEO
server (so that `beffroi` commands can work meanwhile). This prints, for a direct
FileStorage and for the ZEO-served one: pages per second of a space's page listing
(webtest, in process, warm caches), a listing with a cold object cache, and small
write transactions per second. Run: .venv/bin/python bench/embedded_zeo.py
"""
import tempfile
import time

import transaction
import webtest
from ZODB import DB
from zodburi import resolve_uri

from beffroi.app import make_config
from beffroi.ops.database import open_database
from beffroi.devkit.testing import Platform


def measure(db, label, n=300, writes=200):
    platform = Platform(make_config({"beffroi.db": db, "beffroi.secret": "s" * 40}).make_wsgi_app(), db)
    platform.add_org("Commune", "test.localhost")
    platform.add_space("test.localhost", "place", modules=["pages"])
    with platform.tx() as app:
        from beffroi_pages.content import add_page
        pages = app.organisation_for_host("test.localhost").spaces["place"]["pages"]
        for i in range(20):
            add_page(pages, f"Page {i}", f"<p>Texte {i}</p>")
    browser = webtest.TestApp(platform.app, extra_environ={"HTTP_HOST": "test.localhost"})
    for _ in range(20):
        browser.get("/place/pages/")
    started = time.perf_counter()
    for _ in range(n):
        browser.get("/place/pages/")
    warm = n / (time.perf_counter() - started)
    cold = []
    for _ in range(20):
        db.cacheMinimize()
        started = time.perf_counter()
        browser.get("/place/pages/")
        cold.append((time.perf_counter() - started) * 1000)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    started = time.perf_counter()
    for i in range(writes):
        with tm:
            conn.root()["bench"] = i
    tps = writes / (time.perf_counter() - started)
    conn.close()
    print(f"{label:<28} listing {warm:7.0f} pages/s warm · {sorted(cold)[10]:6.1f} ms cold "
          f"(median) · {tps:6.0f} write transactions/s")


def main():
    with tempfile.TemporaryDirectory() as d:
        factory, kw = resolve_uri(f"file://{d}/Data.fs?blobstorage_dir={d}/blobs")
        db = DB(factory(), **kw)
        measure(db, "FileStorage, direct")
        db.close()
    with tempfile.TemporaryDirectory() as d:
        db, server = open_database(f"file://{d}/Data.fs?blobstorage_dir={d}/blobs", serve=True)
        measure(db, "FileStorage via embedded ZEO")
        db.close()
        server.close()


if __name__ == "__main__":
    main()
