"""A throwaway Milvus standalone server (2.3, from the `milvus` dev package) for the suite and the benches.

The package ships the server binary and its libraries compressed; each start unpacks them into the data
folder, writes a config, and waits for the health endpoint. Two servers on one machine (a test run beside a
bench, or two worktrees' suites) must not meet:
- every port is a free one picked at random below the kernel's ephemeral range (the package would scan upwards
  from Milvus's defaults, and two servers starting at once would pick the same ones; a port the kernel hands out
  was, seconds later while the server unpacked, taken by one of the suite's outgoing connections: "set
  index_node_port=60791, but bind failed"), and a start that still loses a port is tried again with new ones;
- the embedded etcd gets its own config file: left to its defaults it listens on 2379/2380 whatever the
  Milvus config says, so a second server would fail to bind, or worse talk to the first one's etcd;
- every component advertises 127.0.0.1 (unset, Milvus announces the first non-loopback address).
The caller removes the folder.
"""

import random
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_COMPONENTS = ("rootCoord", "proxy", "queryCoord", "queryNode", "indexCoord", "indexNode", "dataCoord", "dataNode")
_ETCD_CONFIG = """name: weir-test
listen-client-urls: http://127.0.0.1:{client}
advertise-client-urls: http://127.0.0.1:{client}
listen-peer-urls: http://127.0.0.1:{peer}
initial-advertise-peer-urls: http://127.0.0.1:{peer}
initial-cluster: weir-test=http://127.0.0.1:{peer}
"""


@dataclass
class RunningMilvus:
    uri: str
    started_in: float  # seconds from start() to healthy
    server: Any

    def stop(self) -> None:
        self.server.stop()


_PORTS = (20000, 32000)  # below Linux's default ephemeral range (32768-60999): no outgoing connection takes them
_ATTEMPTS = 3
_taken: set[int] = set()


def _free_port() -> int:
    while True:
        port = random.randint(*_PORTS)
        if port in _taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port


def start_milvus_server(data_dir: Path, timeout: float = 120.0) -> RunningMilvus:
    """Starts a Milvus server with its data, logs and binaries in data_dir. Raises when it cannot."""
    for _ in range(_ATTEMPTS - 1):
        try:
            return _start(data_dir, timeout)
        except RuntimeError as error:
            if "bind failed" not in str(error):
                raise
            shutil.rmtree(data_dir, ignore_errors=True)  # a clean start: no etcd member of the lost ports
    return _start(data_dir, timeout)


def _start(data_dir: Path, timeout: float) -> RunningMilvus:
    from milvus import MilvusServer, MilvusServerConfig  # dev dependency (linux x86_64 wheels only)

    data_dir.mkdir(parents=True, exist_ok=True)
    config = MilvusServerConfig(data_dir=str(data_dir))
    # The package's template has no key for etcd's own config file: add one, then parse it again.
    config.template_text = config.template_text.replace(
        "etcd:\n  endpoints: localhost:",
        "etcd:\n  config:\n    path: {{ etcd_config_path }}\n  endpoints: 127.0.0.1:",
        1,
    )
    config.parse_template()
    ports = {key: _free_port() for key in config.configurable_items if key.endswith("_port")}
    config.update(**ports)
    etcd_config = data_dir / "etcd.yaml"
    etcd_config.write_text(_ETCD_CONFIG.format(client=ports["etcd_port"], peer=_free_port()))
    config.set("etcd_config_path", str(etcd_config))
    for component in _COMPONENTS:
        config.set(f"{component}.ip", "127.0.0.1")
    server = MilvusServer(config, wait_for_started=False)
    server.webservice_port = _free_port()  # health and metrics
    started = time.monotonic()
    try:
        server.start()
        server.wait_started(timeout=int(timeout * 1000))
    except BaseException:
        server.stop()
        raise
    return RunningMilvus(f"http://127.0.0.1:{server.listen_port}", time.monotonic() - started, server)


def server_log_tail(data_dir: Path, lines: int = 20) -> str:
    """The end of the server's log, for an error message when it does not start."""
    log = data_dir / "logs" / "milvus-stderr.log"
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
