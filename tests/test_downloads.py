"""A file built on click (a download button whose data is a callable) must still be there when the browser
fetches it, however many other sessions finish a run meanwhile; it goes once its own session runs again.
Streamlit's own media store, no stand-in."""
from __future__ import annotations

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

import ui

CSV = "หน่วยงาน,คะแนน\nD01,87.50\n".encode("utf-8-sig")
SESSION = "dontcare"   # Streamlit's session id outside a script run


def built_file(execute) -> tuple[MediaFileManager, str]:
    """A store with one button's file built on click (by `execute`, Streamlit's or ours): the store and its id."""
    store = MediaFileManager(MemoryMediaFileStorage("/media"))
    placeholder = store.add_deferred(lambda: CSV, "text/csv", "1.(2.3).4", "ร่าง_units.csv", element_id="csv_units")
    url = execute(store, placeholder)
    return store, url.rsplit("/", 1)[-1].split(".", 1)[0]


def other_sessions_finish_runs(store: MediaFileManager, n: int) -> None:
    for _ in range(n):
        store.remove_orphaned_files()   # what the end of any session's run does


def test_built_download_outlives_other_sessions_runs():
    ui.keep_built_downloads()
    store, file_id = built_file(MediaFileManager.execute_deferred)
    other_sessions_finish_runs(store, 5)
    assert store.read_file(file_id).content == CSV
    store.clear_session_refs(SESSION)   # its own session runs again: the file is let go as usual
    other_sessions_finish_runs(store, 2)
    assert store.read_file(file_id) is None


def test_keeping_is_installed_once():
    ui.keep_built_downloads()
    ours = MediaFileManager.execute_deferred
    ui.keep_built_downloads()
    assert MediaFileManager.execute_deferred is ours
    assert not getattr(ours.original, "keeps_for_session", False)


# Control: Streamlit's own execute_deferred loses the file after two other runs end (what the load test met).
# If a Streamlit release keeps it by itself, this fails: keep_built_downloads can then go.
def test_streamlit_alone_loses_the_built_file():
    ui.keep_built_downloads()
    store, file_id = built_file(MediaFileManager.execute_deferred.original)
    other_sessions_finish_runs(store, 2)
    assert store.read_file(file_id) is None
