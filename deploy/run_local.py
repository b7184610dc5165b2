"""Run N replicas of the dashboard behind nginx on 127.0.0.1: deploy/nginx.conf.template, rehearsed locally.

    .venv/bin/python deploy/run_local.py [--replicas 2] [--port 8080] [--db data/digital_divide.duckdb] [--prefix DIR]
    .venv/bin/python deploy/run_local.py rollout --prefix DIR --db data/digital_divide.duckdb

`up` (the default) makes a prefix directory (a temp one unless --prefix), gives each replica its own read-only copy of
the published database under <prefix>/replica-<i>/ (a versioned file and the `digital_divide.duckdb` symlink to it,
as `etl/publish.py` lays them out; the replica's DDI_DB is that symlink), starts one gunicorn per replica on a free
loopback port, fills the template (ports, paths) into <prefix>/nginx.conf and starts nginx as the current user with
its pid, logs, temp files and cache inside the prefix. Ctrl-C stops everything.

`rollout` copies a newly published database into every replica's directory and switches each symlink atomically:
each replica reads the new version from its next request on (dashboard/data.py resolves the link per request).
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from etl import publish  # noqa: E402  (run as a script from anywhere)

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
LINK_NAME = "digital_divide.duckdb"


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, which a non-root PATH may lack), or DDI_NGINX."""
    return os.environ.get("DDI_NGINX") or shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install(source: Path, replica_dir: Path) -> Path:
    """Give a replica its own read-only copy of the version `source` stands for; switch its link to it atomically.

    The copy is written under a hidden name, flushed, made read-only and renamed to the version's own name; then a
    new symlink is renamed over `digital_divide.duckdb` (one rename: a request sees the old or the new file, never
    a half-copied one). The version just replaced is kept (requests in flight may still read it); older ones go.
    Returns the replica's link (its DDI_DB)."""
    real = publish.resolve(Path(source))
    if not real.is_file():
        raise FileNotFoundError(f"{source}: no database there (build it: python -m etl build)")
    replica_dir.mkdir(parents=True, exist_ok=True)
    link = replica_dir / LINK_NAME
    name = real.name if publish.VERSION_MARK.search(real.stem) else publish.version_path(link, "00000000").name
    copy = replica_dir / name
    if not copy.exists():
        partial = replica_dir / f".{name}.copy-{os.getpid()}"
        shutil.copyfile(real, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.chmod(0o444)
        os.replace(partial, copy)
    previous = publish.resolve(link) if os.path.lexists(link) else None
    staged_link = replica_dir / f".{LINK_NAME}.link-{os.getpid()}"
    staged_link.unlink(missing_ok=True)
    os.symlink(name, staged_link)
    os.replace(staged_link, link)
    publish.fsync_dir(replica_dir)
    keep = {name, previous.name if previous else None}
    for old in publish.versions(link):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    return link


def render(template: str, prefix: Path, listen: int, backends: list[int], max_fails: int = 1,
           fail_timeout: int = 10) -> str:
    """The template with its fields (@@USER_DIRECTIVE@@, @@PREFIX@@, @@LISTEN@@, @@SERVERS@@) filled."""
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else "# (not root: nginx runs as the current user)"
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails={max_fails} fail_timeout={fail_timeout}s;"
                        for port in backends)
    filled = (template.replace("@@USER_DIRECTIVE@@", user).replace("@@PREFIX@@", str(prefix))
              .replace("@@LISTEN@@", f"127.0.0.1:{listen}").replace("@@SERVERS@@", servers))
    if "@@" in filled:
        raise ValueError(f"unfilled field in {TEMPLATE}: {filled[filled.index('@@'):][:40]}")
    return filled


@dataclass
class Replica:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db(self) -> Path:
        return self.folder / LINK_NAME


@dataclass
class Deployment:
    """N gunicorn replicas and nginx in front, all on 127.0.0.1, everything under `prefix`."""

    db: Path
    prefix: Path
    replicas: int = 2
    port: int = 0  # nginx's; 0 = a free one
    workers: int | None = None  # None: gunicorn.conf.py's (the one place production's counts are set)
    threads: int | None = None
    max_fails: int = 1
    fail_timeout: int = 10
    nodes: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within: float = 180) -> Deployment:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
        for sub in ("logs", "temp", "cache"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        for index in range(self.replicas):
            replica = Replica(free_port(), self.prefix / f"replica-{index}")
            install(self.db, replica.folder)
            replica.process = self._gunicorn(replica)
            self.nodes.append(replica)
        config = self.prefix / "nginx.conf"
        config.write_text(render(TEMPLATE.read_text(), self.prefix, self.port, [r.port for r in self.nodes],
                                 self.max_fails, self.fail_timeout))
        command = [binary, "-p", f"{self.prefix}/", "-c", str(config), "-e", str(self.prefix / "logs" / "error.log")]
        check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t rejected {config}: {check.stderr.strip()}")
        self.nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + ready_within
        for replica in self.nodes:
            self._wait(replica.url, replica.process, deadline)
        self._wait(self.url, self.nginx, deadline)
        return self

    def _gunicorn(self, replica: Replica) -> subprocess.Popen:
        log = (replica.folder / "gunicorn.log").open("w")
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{replica.port}",
                   *(["--workers", str(self.workers)] if self.workers else []),
                   *(["--threads", str(self.threads)] if self.threads else []),
                   "--graceful-timeout", "10", "--config", "gunicorn.conf.py", "app:server"]
        return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DDI_DB": str(replica.db)},
                                stdout=log, stderr=subprocess.STDOUT)

    @staticmethod
    def _wait(url: str, process: subprocess.Popen, deadline: float) -> None:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} for {url} exited with {process.returncode}")
            try:
                if requests.get(url + "/", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still importing the app
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{url} did not answer in time")

    def stop_replica(self, index: int, timeout: float = 30) -> None:
        """Stop one replica as an operator would (SIGTERM to gunicorn: it stops listening, finishes what it has)."""
        process = self.nodes[index].process
        if process and process.poll() is None:
            process.terminate()
            process.wait(timeout=timeout)

    def rollout(self, new_db: Path) -> list[Path]:
        return [install(new_db, replica.folder) for replica in self.nodes]

    def close(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful shutdown
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for index, replica in enumerate(self.nodes):
            try:
                self.stop_replica(index)
            except subprocess.TimeoutExpired:
                replica.process.kill()
                replica.process.wait()

    def __enter__(self) -> Deployment:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("up", "rollout"), default="up")
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("DDI_DB", ROOT / "data" / LINK_NAME)))
    parser.add_argument("--prefix", type=Path, help="directory for replicas' files, nginx.conf, logs (default: temp)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers per replica (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    args = parser.parse_args(argv)
    if args.command == "rollout":
        if args.prefix is None:
            parser.error("rollout needs --prefix (the directory `up` printed)")
        for folder in sorted(args.prefix.glob("replica-*")):
            print(f"{install(args.db, folder)} -> {os.readlink(folder / LINK_NAME)}")
        return 0
    prefix = (args.prefix or Path(tempfile.mkdtemp(prefix="ddi-deploy-"))).resolve()
    deployment = Deployment(args.db, prefix, args.replicas, args.port, args.workers, args.threads)
    try:
        deployment.start()
        print(f"prefix {prefix}")
        for replica in deployment.nodes:
            print(f"replica {replica.url}  DDI_DB={replica.db}  pid {replica.process.pid}")
        print(f"nginx   {deployment.url}  (logs in {prefix}/logs; Ctrl-C stops everything)")
        while deployment.nginx.poll() is None:
            time.sleep(1)
        print(f"nginx exited with {deployment.nginx.returncode}; see {prefix}/logs/error.log", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        deployment.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
