"""One sandbox per submission: its own PID, network, IPC and mount namespaces, the disk read-only.

`command()` wraps a pytest command line so that it runs inside `unshare` (user namespaces when
the grader is not root; a separate unprivileged user when it is, as on Gradescope), and
`python -m mini_vllm.grading.sandbox` is the set-up that runs inside before pytest: every
mount made read-only, a private tmpfs for the temporary directory and home, classmates' files
and the lab's answers hidden, limits on memory, processes, file size and CPU time, then every
capability dropped. When the sandbox's first process ends, the kernel ends every process the
submission started. Where no namespace can be made, grading runs unisolated and says so.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

THROWAWAY_UIDS = range(61_000, 62_000)  # a root grader runs each submission as one of these
MEMORY_BYTES = 6 << 30  # address space: CPU torch needs a few GiB
GPU_DEVICE = "/dev/nvidiactl"  # where it exists, no address-space limit: CUDA reserves far more than it uses
FILE_BYTES = 256 << 20  # Inductor's precompiled header for a CPU kernel is over 64 MiB
PROCESSES = 256  # beyond what the grading user already runs
TMPFS = "size=512m,mode=1777"
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq")
UNISOLATED = ("NO ISOLATION: this machine cannot make a sandbox (no unshare or user namespaces); "
              "the submission ran as the grading user, able to write anything that user can")
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = (
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18)


@dataclass(frozen=True)
class Box:
    """What the set-up inside needs: the file to copy in, where, and what to hide."""

    submission: str  # the original file, read before anything is hidden
    copy_to: str  # a private path (under the tmpfs) the tests load instead
    private: str  # the empty directory the tmpfs is mounted on (TMPDIR and HOME point there)
    hide: tuple[str, ...]  # classmates' files, the lab's answers: made unreadable
    stubs: tuple[tuple[str, str], ...]  # (empty module, package __init__ it replaces)
    cover: tuple[str, ...]  # folders replaced by an empty tmpfs (the grading user's home)...
    keep: tuple[str, ...]  # ...but for these paths inside them (the Python installation, the course)
    cpu_seconds: int
    uid: int | None  # the grader is root: the unprivileged uid the submission runs as
    shared: str = ""  # a folder the submission may write and the judge reads: the tests' tmp_path (judge mode)


@cache
def isolation() -> str:
    """Which isolation this machine gives, strongest first: 'namespaces+throwaway-uid' (root),
    'user-namespaces' (not root), 'unprivileged-user' (root where namespaces are refused, as in
    many containers: a throwaway uid, no namespaces), or 'none'."""
    if os.name != "posix" or not shutil.which("setpriv"):
        return "none"
    if shutil.which("unshare") and subprocess.run([*_unshare(), "true"], capture_output=True, timeout=30).returncode == 0:
        return "namespaces+throwaway-uid" if os.geteuid() == 0 else "user-namespaces"
    return "unprivileged-user" if os.geteuid() == 0 else "none"


def _unshare() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return ["unshare", *user, "--pid", "--fork", "--kill-child=SIGKILL", "--mount", "--mount-proc", "--net", "--ipc"]


def covered(home: str, needed: list[str], uid: int | None) -> tuple[str, ...]:
    """The folders the box covers with an empty tmpfs: the grading user's home (its keys and dotfiles)
    and, for a throwaway `uid`, the first folder above a `needed` path that no other user may enter (a
    virtualenv under `mktemp -d`, mode 700), so that the Python installation stays reachable."""
    found = {os.path.realpath(home)} if home else set()
    closed = (_closed_above(path) for path in needed) if uid is not None else ()
    return _outermost(found | {folder for folder in closed if folder})


def kept_under(covers: tuple[str, ...], needed: list[str]) -> tuple[str, ...]:
    """The outermost `needed` paths inside a covered folder (bound back once it is covered)."""
    return _outermost({os.path.realpath(p) for p in needed
                       if any(os.path.realpath(p).startswith(c.rstrip("/") + "/") for c in covers)})


def unreachable(needed: list[str]) -> list[str]:
    """The `needed` paths another user cannot reach, where no mount can cover what bars it (no namespaces)."""
    return [p for p in needed if os.path.exists(p) and _closed_above(p)]


def _closed_above(path: str) -> str | None:
    """The first folder above `path`, from / down, that other users may not enter."""
    for folder in reversed(Path(os.path.realpath(path)).parents):
        if folder.is_dir() and not folder.stat().st_mode & 0o001:
            return str(folder)
    return None


def _outermost(paths: set[str]) -> tuple[str, ...]:
    inside = sorted(paths)
    return tuple(p for p in inside if not any(p.startswith(q.rstrip("/") + "/") for q in inside if q != p))


def command(argv: list[str], box: Box) -> list[str]:
    """`argv` run inside a fresh sandbox (or as it is, where there is none)."""
    mode = isolation()
    if mode == "none":
        return argv
    inside = [sys.executable, "-m", "mini_vllm.grading.sandbox", mode, json.dumps(box.__dict__), "--", *argv]
    return inside if mode == "unprivileged-user" else [*_unshare(), *inside]


def judge_command(argv: list[str], writable: tuple[str, ...]) -> list[str]:
    """`argv` (the judge's pytest) in mount and PID namespaces of its own, where it can write nowhere
    but `writable` (its temporary folders) and sees no other process: a path the submission plants in
    a shared folder (a symlink, even to /proc/<pid>/fd/<n> of a file the grader or a classmate's judge
    holds open) then leads the judge's writes nowhere that matters. As it is where no namespace can be made."""
    if isolation() in ("none", "unprivileged-user"):
        return argv
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return ["unshare", *user, "--mount", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc",
            sys.executable, "-m", "mini_vllm.grading.sandbox", "judge", json.dumps(list(writable)), "--", *argv]


def write_blank(private: str) -> Path:
    """The file a hidden path is covered with, beside the private folder (made before the judge's box
    turns that folder read-only)."""
    blank = Path(private).parent / "hidden.py"  # a regular file, so no import looks past it
    if not blank.exists():
        blank.write_text('raise ImportError("hidden from graded code in the grading sandbox")\n')
        blank.chmod(0o644)
    return blank


def end_processes_of(uid: int) -> None:
    """Kill every process running as `uid` (a throwaway uid: only one submission's processes)."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                os.kill(int(entry.name), 9)
        except (OSError, ProcessLookupError):
            continue


def _mount(libc: ctypes.CDLL, source: str, target: str, fstype: str | None, flags: int, data: str | None) -> int:
    return libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                      data.encode() if data else None)


def _enter(box: Box, mode: str) -> dict[str, str]:
    """Before the submission runs: make the box; the environment to run in."""
    text = Path(box.submission).read_bytes()
    if mode != "unprivileged-user":
        _mounts(box)
    home = Path(box.private) / "home"
    home.mkdir(mode=0o777, exist_ok=True)  # a restarted worker reuses the folder
    Path(box.copy_to).parent.mkdir(parents=True, exist_ok=True)
    Path(box.copy_to).write_bytes(text)
    for path in (Path(box.private), home, Path(box.copy_to).parent, Path(box.copy_to)):
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    busy = sum(1 for p in Path("/proc").iterdir() if p.name.isdigit())
    memory = resource.RLIM_INFINITY if os.path.exists(GPU_DEVICE) else MEMORY_BYTES
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, FILE_BYTES),
                         (resource.RLIMIT_CPU, box.cpu_seconds), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, busy + PROCESSES if box.uid is None else PROCESSES)):
        resource.setrlimit(limit, (value, value))
    # A throwaway uid has no passwd entry: getpass.getuser() (torch's cache folders) reads these first.
    return {"TMPDIR": box.private, "HOME": str(home), "USER": "student", "LOGNAME": "student"}


def _mounts(box: Box) -> None:
    """In the new mount namespace: answers and classmates hidden, home covered, the disk read-only."""
    libc = ctypes.CDLL(None, use_errno=True)
    if _mount(libc, "none", "/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "cannot make the mounts private")
    blank = write_blank(box.private)
    for hidden in box.hide:  # before the read-only pass: a bind over a file or a tmpfs over a folder
        if os.path.isdir(hidden):
            _mount(libc, "tmpfs", hidden, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4k,mode=555")
        elif os.path.exists(hidden):
            _mount(libc, str(blank), hidden, None, _MS_BIND, None)
    for stub, init in box.stubs:
        _mount(libc, stub, init, None, _MS_BIND, None)
    held = []
    for i, path in enumerate(box.keep):  # hold them under the private folder while home is covered
        hold = Path(box.private) / f"keep{i}"
        hold.mkdir(exist_ok=True)  # a restarted worker sets up the same private folder again
        _mount(libc, path, str(hold), None, _MS_BIND | _MS_REC, None)
        held.append((hold, path))
    for folder in box.cover:
        if _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=755") != 0:
            raise OSError(ctypes.get_errno(), f"cannot cover {folder}")
    for hold, path in held:
        Path(path).mkdir(parents=True, exist_ok=True)
        _mount(libc, str(hold), path, None, _MS_BIND | _MS_REC, None)
    if box.shared and _mount(libc, box.shared, box.shared, None, _MS_BIND, None) != 0:
        raise OSError(ctypes.get_errno(), f"cannot bind {box.shared}")
    _read_only(libc, keep={box.shared})
    if _mount(libc, "tmpfs", box.private, "tmpfs", _MS_NOSUID | _MS_NODEV, TMPFS) != 0:
        raise OSError(ctypes.get_errno(), f"cannot mount a private tmpfs on {box.private}")
    _mount(libc, "tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, TMPFS)


def _read_only(libc: ctypes.CDLL, keep: set[str]) -> None:
    """Every mount read-only but those in `keep` (bound onto themselves first: a mount turned
    read-only in a user namespace can never be made writable again) and /proc, where CUDA's
    init names its threads (/proc/<pid>/task/<tid>/comm; read-only, it fails with error 304):
    there the kernel's settings are made read-only instead, the paths a container runtime protects."""
    for target in sorted(_mountpoints(), key=len):
        if target not in keep and target != "/proc":  # some (/proc/* of a new namespace) may refuse: fine
            _mount(libc, "none", target, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _locked_flags(target), None)
    for path in PROC_READ_ONLY:
        if os.path.exists(path) and _mount(libc, path, path, None, _MS_BIND | _MS_REC, None) == 0:
            _mount(libc, "none", path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _locked_flags(path), None)


def _judge_box(writable: list[str]) -> None:
    """In the judge's new mount namespace: every mount read-only, but its own temporary folders (a
    fresh tmpfs each: the worker's namespace, a copy of this one, shares them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if _mount(libc, "none", "/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "cannot make the mounts private")
    for path in writable:  # a tmpfs of bounded size: what the worker writes there fills no disk
        if _mount(libc, "tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, TMPFS) != 0:
            raise OSError(ctypes.get_errno(), f"cannot mount a tmpfs on {path}")
    _read_only(libc, keep=set(writable))


def _mountpoints() -> list[str]:
    return [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]


def _locked_flags(target: str) -> int:
    """nosuid/nodev/noexec a mount already has: a user namespace may not drop them on remount."""
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[4] == target:
            options = set(fields[5].split(","))
            return ((_MS_NOSUID if "nosuid" in options else 0) | (_MS_NODEV if "nodev" in options else 0)
                    | (_MS_NOEXEC if "noexec" in options else 0))
    return 0


def main(argv: list[str]) -> None:
    if argv[0] == "judge":
        _judge_box(json.loads(argv[1]))
        os.execvp(argv[3], argv[3:])
    mode, config, _, command_line = argv[0], argv[1], argv[2], argv[3:]
    raw = json.loads(config)
    box = Box(**{**raw, "hide": tuple(raw["hide"]), "stubs": tuple(map(tuple, raw["stubs"]))})
    env = {**os.environ, **_enter(box, mode)}
    drop = ["setpriv", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]
    if box.uid is not None:
        drop += [f"--reuid={box.uid}", f"--regid={box.uid}", "--clear-groups"]
    os.execvpe(drop[0], [*drop, "--", *command_line], env)


if __name__ == "__main__":
    main(sys.argv[1:])
