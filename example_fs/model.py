"""An in-memory file system: the second example model of apifuzz, with seeded bugs.

Directories form a tree under the root; a file is an inode that one or more
directory entries name (hard links).  A directory may have a quota: the bytes
of every distinct file linked anywhere below it.  Files are written, appended,
truncated, copied, linked, renamed and unlinked; a whole tree is moved or
removed; open handles read and write at a position and keep a file alive
after its last name is gone (as POSIX does); snapshots capture the tree and
restore it later.  File contents live in a reference-counted block store
(:mod:`example_fs.store`) shared by files, copies and snapshots.

The public methods that a client may call are decorated with ``@api``, each
kind of object has an ``@ids`` provider and :meth:`FileSystem.check` is the
``@invariant``.  A request that cannot be honoured (a taken name, a full
quota, a number out of range) raises :class:`FsError`.

With ``APIFUZZ_FS_BUGS`` set (see :mod:`example_fs.bugs`) some requests
behave like known regressions; every such place is marked with
``self._bug("<name>")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated

from apifuzz import Ref, api, ids, invariant
from example_fs.bugs import ALL_BUGS, enabled_bugs
from example_fs.store import BlobStore

MAX_SIZE = 1 << 16
"""The largest file, in bytes."""

MAX_QUOTA = 1 << 30
"""The largest quota a directory may be given, in bytes."""

MAX_NAME_LENGTH = 255
"""The longest name of a directory entry."""

MAX_HANDLES = 32
"""The most handles open at once."""

MAX_SNAPSHOTS = 8
"""The most snapshots kept at once."""

ROOT = 1
"""The id of the root directory of a new file system."""


class FsError(Exception):
    """A refused request: expected behaviour, not a bug."""


DirId = Annotated[int, Ref("dir")]
"""The id of a directory."""
FileId = Annotated[int, Ref("file")]
"""The id of a file that has a name (an inode with at least one link)."""
HandleId = Annotated[int, Ref("handle")]
"""The id of an open handle."""
SnapshotId = Annotated[int, Ref("snapshot")]
"""The id of a snapshot."""

Link = tuple[int, str]
"""A directory entry naming a file: (directory, name)."""


@dataclass
class Directory:
    """A directory: where it hangs, its entries (name -> directory or file) and its quota."""

    parent: int | None
    name: str
    entries: dict[str, int] = field(default_factory=dict)
    quota: int | None = None

    def copy(self) -> Directory:
        """A copy that shares nothing mutable with this one."""
        return Directory(self.parent, self.name, dict(self.entries), self.quota)


@dataclass
class Inode:
    """A file: its content (a blob of the store), its size and the entries naming it."""

    blob: int
    size: int
    links: set[Link] = field(default_factory=set)

    def copy(self) -> Inode:
        """A copy with its own set of links (the blob is shared: retain it)."""
        return Inode(self.blob, self.size, set(self.links))


@dataclass
class Handle:
    """An open file and the position the next read or write starts at."""

    file: int
    position: int = 0


@dataclass
class Snapshot:
    """The tree and the named files as they were; holds a reference to each file's blob."""

    dirs: dict[int, Directory]
    files: dict[int, Inode]


def _check_range(value: int, low: int, high: int, what: str) -> None:
    """Refuse a number outside ``[low, high]`` (a fuzzer may pass any int)."""
    if not low <= value <= high:
        raise FsError(f"{what} must be between {low} and {high}, got {value}")


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise FsError(f"{name!r} is not a valid name")
    if len(name) > MAX_NAME_LENGTH:
        raise FsError(f"a name is at most {MAX_NAME_LENGTH} characters")


class FileSystem:
    """An in-memory file system with quotas, hard links, open handles and snapshots."""

    def __init__(self) -> None:
        self._bugs = enabled_bugs()
        # One counter for every object, whatever its kind: an id names one object.
        self._next_id = 1
        self._dirs: dict[int, Directory] = {self._new_id(): Directory(None, "")}
        self._files: dict[int, Inode] = {}  # named files and open nameless ones
        self._handles: dict[int, Handle] = {}
        self._snapshots: dict[int, Snapshot] = {}
        self._store = BlobStore()

    # ------------------------------------------------------------------
    # live ids

    @ids("dir")
    def dir_ids(self) -> list[int]:
        """Every directory, the root included."""
        return sorted(self._dirs)

    @ids("file")
    def file_ids(self) -> list[int]:
        """Every file that has a name (open files whose names are gone are not listed)."""
        return sorted(f for f, node in self._files.items() if node.links)

    @ids("handle")
    def handle_ids(self) -> list[int]:
        """The open handles."""
        return sorted(self._handles)

    @ids("snapshot")
    def snapshot_ids(self) -> list[int]:
        """The snapshots kept."""
        return sorted(self._snapshots)

    # ------------------------------------------------------------------
    # directories

    @api
    def mkdir(self, parent: DirId, name: str) -> int:
        """Make a directory ``name`` in ``parent``; returns its id."""
        self._free_name(parent, name)
        new = self._new_id()
        self._dirs[new] = Directory(parent, name)
        self._dirs[parent].entries[name] = new
        return new

    @api
    def move_dir(self, directory: DirId, parent: DirId, name: str) -> None:
        """Move a directory with everything below it to ``parent``, as ``name``.

        Refused for the root, into the directory itself or below it, onto a
        taken name, or when a directory above the new place would go over its
        quota.
        """
        moved = self._dir(directory)
        self._free_name(parent, name)
        if directory == ROOT:
            raise FsError("the root cannot move")
        # A directory cannot go into itself or below itself; the seeded bug only
        # refuses the first.
        below = not self._bug("move_into_own_subtree") and directory in self._ancestors(parent)
        if parent == directory or below:
            raise FsError(f"directory {directory} cannot move below itself")
        old_parent, old_name = moved.parent, moved.name
        assert old_parent is not None
        self._place_dir(directory, parent, name)
        if self._over_quota():
            self._place_dir(directory, old_parent, old_name)
            raise FsError("a directory would go over its quota")

    @api
    def remove(self, directory: DirId) -> None:
        """Remove a directory and everything below it; open files live on, nameless."""
        if directory == ROOT:
            raise FsError("the root cannot be removed")
        doomed = self._subtree(directory)
        for d in doomed:
            for name, node in sorted(self._dirs[d].entries.items()):
                if node in self._files:
                    self._drop_link(node, (d, name))
        victim = self._dirs[directory]
        assert victim.parent is not None
        del self._dirs[victim.parent].entries[victim.name]
        for d in doomed:
            del self._dirs[d]

    @api
    def listdir(self, directory: DirId) -> list[str]:
        """The names in a directory, sorted."""
        return sorted(self._dir(directory).entries)

    @api
    def set_quota(self, directory: DirId, quota: int | None) -> None:
        """Limit the bytes of the files below a directory (None: no limit).

        Refused below what the directory already uses.
        """
        self._dir(directory)
        if quota is not None:
            _check_range(quota, 0, MAX_QUOTA, "quota")
            used = self._usage()[directory]
            if used > quota:
                raise FsError(f"directory {directory} already uses {used} bytes")
        self._dirs[directory].quota = quota

    @api
    def usage(self, directory: DirId) -> int:
        """The bytes of the distinct files linked anywhere below a directory."""
        self._dir(directory)
        return self._usage()[directory]

    # ------------------------------------------------------------------
    # files

    @api
    def create(self, directory: DirId, name: str) -> int:
        """Create an empty file ``name`` in a directory; returns its id."""
        self._free_name(directory, name)
        file = self._new_id()
        self._files[file] = Inode(self._store.intern(b""), 0)
        self._add_link(file, (directory, name))
        return file

    @api
    def write(self, file: FileId, offset: int, data: bytes) -> int:
        """Write ``data`` at ``offset`` (a gap past the end reads as zeros); returns the size."""
        node = self._file(file)
        _check_range(offset, 0, MAX_SIZE, "offset")
        end = offset + len(data)
        if end > MAX_SIZE:
            raise FsError(f"a file holds at most {MAX_SIZE} bytes")
        # Every directory that counts the file must have room for its growth; the
        # seeded bug checks only the directories holding its names, not those above.
        if self._bug("write_checks_parent_only"):
            charged: Iterable[int] = {d for d, _ in node.links}
        else:
            charged = self._charged(node)
        self._check_room(charged, end - node.size)
        return self._write(file, offset, data)

    @api
    def append(self, file: FileId, data: bytes) -> int:
        """Add ``data`` at the end of a file; returns the size."""
        size = self._file(file).size
        self._check_growth(file, size + len(data))
        return self._write(file, size, data)

    @api
    def truncate(self, file: FileId, size: int) -> None:
        """Cut a file to ``size`` bytes, or extend it with zeros."""
        node = self._file(file)
        _check_range(size, 0, MAX_SIZE, "size")
        self._check_growth(file, size)
        content = self._content(file)[:size]
        self._set_content(node, content + bytes(size - len(content)))

    @api
    def read(self, file: FileId, offset: int, size: int) -> bytes:
        """At most ``size`` bytes of a file from ``offset``."""
        self._file(file)
        _check_range(offset, 0, MAX_SIZE, "offset")
        _check_range(size, 0, MAX_SIZE, "size")
        return self._content(file)[offset : offset + size]

    @api
    def stat(self, file: FileId) -> int:
        """The size of a file."""
        return self._file(file).size

    @api
    def copy(self, file: FileId, directory: DirId, name: str) -> int:
        """Copy a file to ``directory/name``; returns the copy's id.

        The copy shares its source's blob until either is written.
        """
        source = self._file(file)
        self._free_name(directory, name)
        self._check_room(self._ancestors(directory), source.size)
        duplicate = self._new_id()
        self._files[duplicate] = Inode(source.blob, source.size)
        # The copy is one more holder of the blob; the seeded bug forgets to count
        # it, so the blob is freed while the other file still names it.
        if not self._bug("copy_skips_blob_ref"):
            self._store.retain(source.blob)
        self._add_link(duplicate, (directory, name))
        return duplicate

    @api
    def link(self, file: FileId, directory: DirId, name: str) -> None:
        """Give a file one more name, ``directory/name`` (a hard link)."""
        node = self._file(file)
        self._dir(directory)
        _check_name(name)
        # The seeded bug forgets that the name may be taken and overwrites its entry.
        if not self._bug("link_overwrites_entry"):
            self._free_name(directory, name)
        self._check_room(set(self._ancestors(directory)) - self._charged(node), node.size)
        self._add_link(file, (directory, name))

    @api
    def unlink(self, file: FileId, which: int) -> None:
        """Remove one name of a file (``which`` picks it among the sorted names).

        A file whose last name goes is deleted, unless a handle holds it open:
        then it lives on, nameless, until its last handle closes.
        """
        node = self._file(file)
        link = sorted(node.links)[which % len(node.links)]
        if self._bug("unlink_frees_open_file") and len(node.links) == 1:
            # The seeded bug frees the file with its last name, open or not.
            self._remove_link(file, link)
            self._free(file)
            return
        self._drop_link(file, link)

    @api
    def rename(self, file: FileId, which: int, directory: DirId, name: str) -> None:
        """Move one name of a file (``which`` picks it) to ``directory/name``.

        A file already named so loses that name (POSIX rename replaces it);
        when the name already belongs to this file nothing happens.
        """
        node = self._file(file)
        source = sorted(node.links)[which % len(node.links)]
        self._dir(directory)
        _check_name(name)
        existing = self._dirs[directory].entries.get(name)
        if existing in self._dirs:
            raise FsError(f"{name!r} is a directory")
        # Two names of one file: nothing to do.  The seeded bug goes on, drops the
        # target name and then moves a name that no longer exists.
        if existing == file and not self._bug("rename_onto_itself"):
            return
        after = (node.links - {source}) | {(directory, name)}
        self._check_room(self._dirs_above(after) - self._charged(node), node.size)
        if existing is not None:
            self._drop_link(existing, (directory, name))
        self._move_link(file, source, (directory, name))

    @api
    def links(self, file: FileId) -> list[tuple[int, str]]:
        """The names of a file, as (directory, name), sorted."""
        return sorted(self._file(file).links)

    # ------------------------------------------------------------------
    # open handles

    @api
    def open(self, file: FileId) -> int:
        """Open a file at position 0; returns the handle."""
        self._file(file)
        if len(self._handles) >= MAX_HANDLES:
            raise FsError(f"at most {MAX_HANDLES} handles may be open")
        handle = self._new_id()
        self._handles[handle] = Handle(file)
        return handle

    @api
    def read_at(self, handle: HandleId, size: int) -> bytes:
        """At most ``size`` bytes from the handle's position, which moves past them."""
        _check_range(size, 0, MAX_SIZE, "size")
        open_file = self._handles[handle]
        start = open_file.position
        data = self._content(open_file.file)[start : start + size]
        open_file.position += len(data)
        return data

    @api
    def write_at(self, handle: HandleId, data: bytes) -> int:
        """Write ``data`` at the handle's position, which moves past it; returns the size."""
        open_file = self._handles[handle]
        self._check_growth(open_file.file, open_file.position + len(data))
        size = self._write(open_file.file, open_file.position, data)
        open_file.position += len(data)
        return size

    @api
    def seek(self, handle: HandleId, position: int) -> None:
        """Move the handle's position (past the end is allowed: a write there fills zeros)."""
        _check_range(position, 0, MAX_SIZE, "position")
        self._handles[handle].position = position

    @api
    def fstat(self, handle: HandleId) -> int:
        """The size of the handle's file."""
        return self._files[self._handles[handle].file].size

    @api
    def close(self, handle: HandleId) -> None:
        """Close a handle; a nameless file goes with its last handle."""
        file = self._handles.pop(handle).file
        if self._is_nameless(file) and not self._is_open(file):
            self._free(file)

    # ------------------------------------------------------------------
    # snapshots

    @api
    def snapshot(self) -> int:
        """Capture the tree, the quotas and the named files; returns the snapshot's id."""
        if len(self._snapshots) >= MAX_SNAPSHOTS:
            raise FsError(f"at most {MAX_SNAPSHOTS} snapshots are kept")
        files = {f: node.copy() for f, node in self._files.items() if node.links}
        for node in files.values():
            self._store.retain(node.blob)
        snap = self._new_id()
        self._snapshots[snap] = Snapshot({d: v.copy() for d, v in self._dirs.items()}, files)
        return snap

    @api
    def restore(self, snapshot: SnapshotId) -> None:
        """Put the tree, the quotas and the named files back as the snapshot has them.

        The snapshot is kept.  A file open now that the snapshot does not name
        lives on, nameless, until its last handle closes.
        """
        snap = self._snapshots[snapshot]
        if self._bug("restore_shares_snapshot"):
            # The seeded bug installs the snapshot's own directories, so later
            # changes to the tree change the snapshot too.
            dirs = dict(snap.dirs)
        else:
            dirs = {d: v.copy() for d, v in snap.dirs.items()}
        if self._bug("restore_keeps_quota"):
            # The seeded bug keeps today's quota of every directory that exists in both.
            for d, directory in dirs.items():
                if d in self._dirs:
                    directory.quota = self._dirs[d].quota
        self._files = self._restored_files(snap)
        self._dirs = dirs

    @api
    def drop_snapshot(self, snapshot: SnapshotId) -> None:
        """Forget a snapshot and free what only it held."""
        for node in self._snapshots.pop(snapshot).files.values():
            self._store.release(node.blob)

    # ------------------------------------------------------------------
    # the invariant

    @invariant
    def check(self) -> None:
        """Assert that the tree, the names and the quotas agree; AssertionError names what not.

        The handles and the block store are bookkeeping behind the tree:
        reading every blob after every call would cost more than the calls.
        """
        # In this order: when several things are broken, the first check names the bug.
        self._check_tree()
        self._check_files()
        self._check_quotas()
        assert len(self._snapshots) <= MAX_SNAPSHOTS, "too many snapshots"

    def _check_tree(self) -> None:
        """Every directory hangs under the root exactly once; every entry names something.

        An entry naming a file is one of the file's links.
        """
        root = self._dirs.get(ROOT)
        assert root is not None and root.parent is None, "the root is gone"
        seen, todo = {ROOT}, [ROOT]
        while todo:
            here = todo.pop()
            for name, node in self._dirs[here].entries.items():
                assert name and "/" not in name, f"directory {here} holds a bad name {name!r}"
                if node in self._dirs:
                    child = self._dirs[node]
                    where = (child.parent, child.name)
                    assert where == (here, name), f"{here}/{name} is directory {node} at {where}"
                    assert node not in seen, f"directory {node} is listed twice"
                    seen.add(node)
                    todo.append(node)
                else:
                    assert node in self._files, f"{here}/{name} names nothing ({node})"
                    listed = (here, name) in self._files[node].links
                    assert listed, f"{here}/{name} names file {node}, which does not list it"
        lost = sorted(self._dirs.keys() - seen)
        assert not lost, f"directories {lost} are not reachable from the root"

    def _check_files(self) -> None:
        """Every link of a file is an entry naming it; a nameless file is open."""
        for file, node in self._files.items():
            assert 0 <= node.size <= MAX_SIZE, f"file {file} has size {node.size}"
            for d, name in node.links:
                named = self._dirs[d].entries.get(name) if d in self._dirs else None
                assert named == file, f"file {file} lists {d}/{name}, which names {named}"
            assert node.links or self._is_open(file), f"file {file} has no name and no handle"

    def _check_quotas(self) -> None:
        """No directory uses more than its quota."""
        used = self._usage()
        for d, directory in self._dirs.items():
            quota = directory.quota
            assert quota is None or used[d] <= quota, f"directory {d} uses {used[d]} of {quota}"

    # ------------------------------------------------------------------
    # helpers

    def _bug(self, name: str) -> bool:
        assert name in ALL_BUGS, f"unknown seeded bug {name!r}"
        return name in self._bugs

    def _new_id(self) -> int:
        new_id = self._next_id
        self._next_id += 1
        return new_id

    def _dir(self, directory: int) -> Directory:
        assert directory in self._dirs, f"{directory} is not a directory"
        return self._dirs[directory]

    def _file(self, file: int) -> Inode:
        node = self._files.get(file)
        assert node is not None and node.links, f"{file} is not a named file"
        return node

    def _free_name(self, directory: int, name: str) -> None:
        """Refuse a bad name, or one that ``directory`` already holds."""
        _check_name(name)
        if name in self._dir(directory).entries:
            raise FsError(f"directory {directory} already holds {name!r}")

    def _ancestors(self, directory: int) -> list[int]:
        """``directory`` and every directory above it, up to the root."""
        chain = [directory]
        while (parent := self._dirs[chain[-1]].parent) is not None:
            chain.append(parent)
            assert len(chain) <= len(self._dirs), f"directory {directory} is inside a cycle"
        return chain

    def _subtree(self, directory: int) -> list[int]:
        """``directory`` and every directory below it, parents first."""
        found, index = [directory], 0
        while index < len(found):
            entries = sorted(self._dirs[found[index]].entries.items())
            found += [node for _, node in entries if node in self._dirs]
            index += 1
        return found

    def _dirs_above(self, links: Iterable[Link]) -> set[int]:
        """The directories above (and holding) the given entries."""
        return {a for d, _ in links for a in self._ancestors(d)}

    def _charged(self, node: Inode) -> set[int]:
        """The directories whose usage counts this file."""
        return self._dirs_above(node.links)

    def _usage(self) -> dict[int, int]:
        """The bytes used below each directory (a file linked twice counts once)."""
        used = dict.fromkeys(self._dirs, 0)
        for node in self._files.values():
            for d in self._charged(node):
                used[d] += node.size
        return used

    def _check_room(self, dirs: Iterable[int], growth: int) -> None:
        """Refuse ``growth`` more bytes in ``dirs`` when one of them would go over its quota."""
        if growth <= 0:
            return
        used = self._usage()
        for d in sorted(dirs):
            quota = self._dirs[d].quota
            if quota is not None and used[d] + growth > quota:
                raise FsError(f"directory {d} would go over its quota of {quota} bytes")

    def _check_growth(self, file: int, end: int) -> None:
        """Refuse to grow a file to ``end`` bytes past the size limit or a quota."""
        if end > MAX_SIZE:
            raise FsError(f"a file holds at most {MAX_SIZE} bytes")
        node = self._files[file]
        self._check_room(self._charged(node), end - node.size)

    def _over_quota(self) -> bool:
        used = self._usage()
        return any(d.quota is not None and used[i] > d.quota for i, d in self._dirs.items())

    def _place_dir(self, directory: int, parent: int, name: str) -> None:
        moved = self._dirs[directory]
        assert moved.parent is not None
        del self._dirs[moved.parent].entries[moved.name]
        self._dirs[parent].entries[name] = directory
        moved.parent, moved.name = parent, name

    def _content(self, file: int) -> bytes:
        return self._store.data(self._files[file].blob)

    def _set_content(self, node: Inode, content: bytes) -> None:
        blob = self._store.intern(content)
        self._store.release(node.blob)
        node.blob, node.size = blob, len(content)

    def _write(self, file: int, offset: int, data: bytes) -> int:
        node = self._files[file]
        content = self._content(file)
        content += bytes(max(0, offset - len(content)))
        self._set_content(node, content[:offset] + data + content[offset + len(data) :])
        return node.size

    def _add_link(self, file: int, link: Link) -> None:
        directory, name = link
        self._dirs[directory].entries[name] = file
        self._files[file].links.add(link)

    def _remove_link(self, file: int, link: Link) -> None:
        directory, name = link
        del self._dirs[directory].entries[name]
        self._files[file].links.remove(link)

    def _move_link(self, file: int, source: Link, target: Link) -> None:
        self._remove_link(file, source)
        self._add_link(file, target)

    def _drop_link(self, file: int, link: Link) -> None:
        """Remove one name of a file; a file left nameless and closed is freed."""
        self._remove_link(file, link)
        if self._is_nameless(file) and not self._is_open(file):
            self._free(file)

    def _is_nameless(self, file: int) -> bool:
        return not self._files[file].links

    def _is_open(self, file: int) -> bool:
        return any(h.file == file for h in self._handles.values())

    def _free(self, file: int) -> None:
        self._store.release(self._files.pop(file).blob)

    def _restored_files(self, snap: Snapshot) -> dict[int, Inode]:
        """The files after restoring ``snap``: its named files, and today's open ones."""
        files = {f: node.copy() for f, node in snap.files.items()}
        for node in files.values():
            self._store.retain(node.blob)
        for f, node in self._files.items():
            if f not in files and self._is_open(f):
                node.links.clear()  # open, and not named by the snapshot: nameless now
                files[f] = node
            else:
                self._store.release(node.blob)
        return files
