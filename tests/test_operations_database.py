"""Where the embedded ZEO server listens, and what a command says when it cannot open
the database."""
import os
import tempfile

import pytest

from beffroi.ops.database import (
    DatabaseUnavailable, file_storage_location, open_database, socket_path,
)


def test_the_socket_lies_beside_the_file_or_in_the_temporary_directory_when_too_long():
    assert socket_path("/srv/beffroi/var/Data.fs") == "/srv/beffroi/var/Data.fs.zeo"
    deep = "/srv/" + "x" * 120 + "/Data.fs"
    long_one = socket_path(deep)
    assert long_one.startswith(tempfile.gettempdir()) and len(long_one) <= 100
    assert socket_path(deep) == long_one != socket_path(deep + "2")


def test_file_uris_give_their_paths_and_other_uris_none():
    loc = file_storage_location("file:///srv/b/var/Data.fs?blobstorage_dir=/srv/b/var/blobs&x=1")
    assert (loc.path, loc.blob_dir) == ("/srv/b/var/Data.fs", "/srv/b/var/blobs")
    assert file_storage_location("postgres://u@h:5432/db") is None


def test_a_command_opens_a_free_file_directly_and_a_held_one_only_through_its_server(tmp_path):
    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    db, server = open_database(uri)
    assert server is None and type(db.storage).__name__ == "BlobStorage"
    try:
        with pytest.raises(DatabaseUnavailable, match="in use by another process"):
            open_database(uri)
    finally:
        db.close()
    served, server = open_database(uri, serve=True)
    try:
        client, none = open_database(uri)
        assert none is None and type(client.storage).__name__ == "ClientStorage"
        client.close()
    finally:
        served.close()
        server.close()
    assert not os.path.exists(f"{tmp_path}/Data.fs.zeo")
    with pytest.raises(DatabaseUnavailable, match="not a usable database URI"):
        open_database("nosuch://x")


def test_the_database_is_served_even_from_a_thread_running_an_event_loop(tmp_path):
    import asyncio

    async def serve():
        db, server = open_database(f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/b",
                                   serve=True)
        conn = db.open()
        keys = list(conn.root().keys())
        conn.close()
        db.close()
        server.close()
        return keys

    import threading
    result = []
    # a thread of its own: the main thread may hold a loop already (browser tests)
    runner = threading.Thread(target=lambda: result.append(asyncio.run(serve())))
    runner.start()
    runner.join(60)
    assert result == [[]]
