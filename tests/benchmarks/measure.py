"""Measuring one child process: wall time, CPU seconds, peak and sampled RSS; and the statistics."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Pages of /proc/PID/status are in kB.
KIB = 1024


@dataclass(frozen=True)
class ProcessRun:
    """What one finished child process cost."""

    command: tuple[str, ...]
    returncode: int
    wall_seconds: float
    user_seconds: float
    sys_seconds: float
    peak_rss_bytes: int
    #: ``(seconds since start, VmRSS bytes)`` sampled every ``interval`` seconds.
    rss_samples: tuple[tuple[float, int], ...] = ()
    stdout: str = ""
    stderr: str = ""

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.sys_seconds


@dataclass
class _Sampler:
    pid: int
    samples: list[tuple[float, int]] = field(default_factory=list)
    #: The highest ``VmHWM`` read: the process's own peak RSS so far.
    high_water: int = 0

    def sample(self, elapsed: float) -> None:
        rss, hwm = read_memory(self.pid)
        if rss is not None:
            self.samples.append((round(elapsed, 3), rss))
        if hwm is not None:
            self.high_water = max(self.high_water, hwm)


def read_memory(pid: int) -> tuple[int | None, int | None]:
    """``(VmRSS, VmHWM)`` of a live process in bytes: its RSS now and its peak RSS so far.

    >>> rss, hwm = read_memory(os.getpid())
    >>> 1_000_000 < rss <= hwm
    True
    >>> read_memory(-1)
    (None, None)
    """
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None, None
    rss = hwm = None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * KIB
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * KIB
    return rss, hwm


def pinned(command: Sequence[str], cpu: int | None) -> list[str]:
    """``command`` run on one CPU through ``taskset`` (which execs it: the PID is the same).

    >>> pinned(["python", "-V"], 1)
    ['taskset', '-c', '1', 'python', '-V']
    >>> pinned(["python", "-V"], None)
    ['python', '-V']
    """
    return ["taskset", "-c", str(cpu), *command] if cpu is not None else list(command)


def run_measured(
    command: Sequence[str],
    *,
    cpu: int | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 1.0,
    timeout: float = 7200.0,
    log: Path | None = None,
) -> ProcessRun:
    """Run ``command`` to its end and measure it.

    CPU time comes from the kernel's own accounting of that one child (``wait4``), wall
    time from a monotonic clock around it. VmRSS and VmHWM are read from ``/proc`` every
    ``interval`` seconds; the peak RSS is the highest VmHWM read. (Not ``wait4``'s
    ``ru_maxrss``: Linux carries the forking parent's peak through fork and exec, so a
    child of a large benchmark process would report the parent's size.) A peak reached in
    the last ``interval`` before the process ends can be missed. Output goes to ``log`` (or
    is kept, when small enough to read).
    """
    argv = pinned(command, cpu)
    out = log.open("w") if log is not None else subprocess.PIPE
    started = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdout=out,
        stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        text=True,
    )
    sampler = _Sampler(process.pid)
    deadline = started + timeout
    next_sample = started
    stdout = stderr = ""
    try:
        # Without a log, threads drain the pipes while the child runs (small outputs only).
        drained = _drain(process) if log is None else None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            now = time.perf_counter()
            if pid == process.pid:
                break
            if now >= next_sample:
                sampler.sample(now - started)
                next_sample += interval
            if now > deadline:
                process.send_signal(signal.SIGKILL)
            time.sleep(min(0.05, interval))
        if drained is not None:
            stdout, stderr = drained(timeout)
    finally:
        if log is not None and not isinstance(out, int):
            out.close()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(
        command=tuple(argv),
        returncode=process.returncode,
        wall_seconds=wall,
        user_seconds=usage.ru_utime,
        sys_seconds=usage.ru_stime,
        peak_rss_bytes=sampler.high_water,
        rss_samples=tuple(sampler.samples),
        stdout=stdout,
        stderr=stderr,
    )


def _drain(process: subprocess.Popen[str]) -> Callable[[float], tuple[str, str]]:
    """Start reading both pipes without reaping the child (``wait4`` still gets its usage);
    the function returned waits for the readers and gives (stdout, stderr)."""
    import threading

    chunks: dict[str, list[str]] = {"out": [], "err": []}

    def drain(name: str, stream: object) -> None:
        assert stream is not None
        chunks[name].append(stream.read())  # type: ignore[attr-defined]

    threads = [
        threading.Thread(target=drain, args=("out", process.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", process.stderr), daemon=True),
    ]
    for thread in threads:
        thread.start()

    def result(timeout: float) -> tuple[str, str]:
        for thread in threads:
            thread.join(timeout)
        return "".join(chunks["out"]), "".join(chunks["err"])

    return result


def median(values: Sequence[float]) -> float:
    """The median; 0.0 for no values.

    >>> median([3.0, 1.0, 2.0]), median([1.0, 2.0]), median([])
    (2.0, 1.5, 0.0)
    """
    return float(statistics.median(values)) if values else 0.0


def slope_per_minute(samples: Sequence[tuple[float, int]]) -> float:
    """Least-squares slope of ``(seconds, bytes)`` samples, in bytes per minute.

    >>> slope_per_minute([(0.0, 100), (30.0, 150), (60.0, 200)])
    100.0
    >>> slope_per_minute([(0.0, 5)])
    0.0
    """
    if len(samples) < 2:
        return 0.0
    xs = [float(t) for t, _ in samples]
    ys = [float(v) for _, v in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return cov / var * 60.0


def second_half(samples: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """The samples taken in the second half of the run's duration.

    >>> second_half([(0, 1), (1, 1), (2, 2), (3, 3), (4, 4)])
    [(2, 2), (3, 3), (4, 4)]
    """
    if not samples:
        return []
    middle = samples[-1][0] / 2
    return [s for s in samples if s[0] >= middle]


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages (how busy the machine was)."""
    return os.getloadavg()
