"""A throwaway Milvus standalone server (2.3, from the `milvus` dev package) for the suite and the benches.

The package ships the server binary and its libraries compressed; each start unpacks them into the data
folder, writes a config, and waits for the health endpoint. Two servers on one machine (a test run beside a
bench, or two worktrees' suites) must not meet:
- every port is a free one the kernel picks (the package would scan upwards from Milvus's defaults, and two
  servers starting at once would pick the same ones);
- the embedded etcd gets its own config file: left to its defaults it listens on 2379/2380 whatever the
  Milvus config says, so a second server would fail to bind, or worse talk to the first one's etcd;
- every component advertises 127.0.0.1 (unset, Milvus announces the first non-loopback address).
The caller removes the folder.
"""

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_milvus_server(data_dir: Path, timeout: float = 120.0) -> RunningMilvus:
    """Starts a Milvus server with its data, logs and binaries in data_dir. Raises when it cannot."""
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
