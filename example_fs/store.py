"""The block store: file contents, stored once per distinct content, with reference counts.

Files and snapshots hold blob ids, not bytes: two files with the same
content, a copy of a file and every snapshot of it share one blob.  Each
holder takes a reference (:meth:`BlobStore.intern`, :meth:`BlobStore.retain`)
and gives it back (:meth:`BlobStore.release`); a blob whose last reference
goes is freed.  The store trusts its callers: a blob id that was freed is a
``KeyError``, a release past zero an ``AssertionError``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Blob:
    """One distinct content and the number of references to it."""

    data: bytes
    refs: int


class BlobStore:
    """Content-addressed blobs with reference counts."""

    def __init__(self) -> None:
        self._blobs: dict[int, Blob] = {}
        self._by_content: dict[bytes, int] = {}
        self._next_id = 1

    def intern(self, data: bytes) -> int:
        """The blob holding ``data`` (a new one if none does), with one more reference."""
        blob = self._by_content.get(data)
        if blob is None:
            blob = self._next_id
            self._next_id += 1
            self._blobs[blob] = Blob(data, 0)
            self._by_content[data] = blob
        self._blobs[blob].refs += 1
        return blob

    def retain(self, blob: int) -> None:
        """One more reference to a live blob."""
        self._blobs[blob].refs += 1

    def release(self, blob: int) -> None:
        """One reference less; the blob is freed with its last reference."""
        held = self._blobs[blob]
        assert held.refs > 0, f"blob {blob} released more often than retained"
        held.refs -= 1
        if held.refs == 0:
            del self._blobs[blob]
            del self._by_content[held.data]

    def data(self, blob: int) -> bytes:
        """The content of a live blob."""
        return self._blobs[blob].data

    def refs(self, blob: int) -> int:
        """How many references a blob has (0 once it is freed)."""
        held = self._blobs.get(blob)
        return held.refs if held is not None else 0

    def __len__(self) -> int:
        return len(self._blobs)
