"""A local Spark Thrift server from the pyspark package (tests, one-machine runs, bench).

``spark-submit --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2`` with its own
warehouse and Derby metastore under a work directory, bound to 127.0.0.1 on a free port, in its
own process group so :meth:`ThriftServer.stop` ends the JVM and anything it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from hedui.warehouse.spark import SparkSettings, local_conf

THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThriftServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def settings(self) -> SparkSettings:
        return SparkSettings(method="thrift", host="127.0.0.1", port=self.port)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server's process group (TERM, then KILL) and wait for it."""
        if self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout)


def start_thrift_server(
    work_dir: Path, *, port: int | None = None, driver_memory: str = "2g", timeout: float = 300
) -> ThriftServer:
    """Start a Thrift server on 127.0.0.1 and wait until it accepts connections."""
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = local_conf(work, driver_memory=driver_memory)
    conf["spark.sql.catalogImplementation"] = "hive"
    conf.pop("spark.master")
    conf.pop("spark.driver.memory")
    conf["spark.driver.bindAddress"] = "127.0.0.1"
    conf["spark.driver.host"] = "127.0.0.1"
    conf["spark.hadoop.hive.server2.thrift.bind.host"] = "127.0.0.1"
    conf["spark.hadoop.hive.server2.thrift.port"] = str(port)
    home = spark_home()
    command = [
        str(home / "bin" / "spark-submit"),
        "--master",
        "local[2]",
        "--driver-memory",
        driver_memory,
        "--class",
        THRIFT_CLASS,
        "--name",
        "hedui-thrift",
    ]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    command += ["--hiveconf", f"hive.server2.thrift.port={port}"]
    command += ["--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1"]
    log = work / "thrift-server.log"
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1"}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ThriftServer(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Spark Thrift server exited; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(1)
    server.stop()
    raise TimeoutError(f"Spark Thrift server not up on 127.0.0.1:{port} in {timeout} s; see {log}")
