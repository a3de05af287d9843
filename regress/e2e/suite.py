"""Starting and stopping the real suite for end-to-end tests.

Each Suite runs scripts/run.sh (the same start as `make run`) with its own
state directory and a free port, in its own process group, logging to a
file that is scanned for sanitizer reports when it stops.
"""
import glob
import http.client
import json
import os
import re
import signal
import socket
import shutil
import ssl
import subprocess
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINDIR = os.environ.get("MOAT_TEST_BINDIR",
                        os.path.join(TOP, "build", "test", "bin"))
LEAKCHECK = os.environ.get("MOAT_TEST_NOSANDBOX") == "1"
CHILDREN = ("frontd", "authd", "stored", "taskd", "gatewayd")
RUNTIMES = ("/usr/bin/crun", "/usr/sbin/runc")
CLAIMS = "/run/moat-claims"
VAR_BASE = "/tmp/moat-e2e"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "WARNING: AddressSanitizer")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def state_directory(name):
    """A suite's state directory, outside pytest's: a host's root, an id
    of its own user namespace, walks down through it to its image, and
    pytest keeps its directories 0700 (another pytest starting resets
    them), where /var/lib/moat is 0755."""
    os.makedirs(VAR_BASE, exist_ok=True)
    os.chmod(VAR_BASE, 0o711)
    var = tempfile.mkdtemp(prefix=name + "-", dir=VAR_BASE)
    os.chmod(var, 0o755)
    return var


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Headers(dict):
    """An answer's headers, by any case of their names; repeated ones
    joined with ", " as http.client's callers here expect."""

    def __setitem__(self, k, v):
        super().__setitem__(k.lower(), v)

    def __getitem__(self, k):
        return super().__getitem__(k.lower())

    def __contains__(self, k):
        return super().__contains__(k.lower())

    def get(self, k, default=None):
        return super().get(k.lower(), default)


class Client:
    """One keep-alive HTTPS connection, made again when frontd closes it
    (as it does after a malformed request)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=60, context=tls_context())

    def send(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self._connect()
            try:
                self.conn.putrequest(
                    method, path, skip_accept_encoding=True,
                    skip_host=any(k.lower() == "host" for k in
                                  (headers or {})))
                for k, v in (headers or {}).items():
                    self.conn.putheader(k, v)
                if body is not None:
                    self.conn.putheader("Content-Length", str(len(body)))
                self.conn.endheaders(body)
                resp = self.conn.getresponse()
                data = resp.read()
                hdrs = Headers()
                for k, v in resp.getheaders():
                    hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
                if resp.will_close:
                    self.conn.close()
                    self.conn = None
                return resp.status, hdrs, data
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError, ssl.SSLError,
                    http.client.CannotSendRequest,
                    http.client.ResponseNotReady):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def raw(self, data):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        tls = tls_context().wrap_socket(sock)
        out = b""
        try:
            try:
                tls.sendall(data)
            except (ssl.SSLError, BrokenPipeError, ConnectionResetError):
                pass
            while True:
                head, sep, rest = out.partition(b"\r\n\r\n")
                n = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                if sep and len(rest) >= (int(n.group(1)) if n else 0):
                    break
                try:
                    chunk = tls.recv(65536)
                except (ssl.SSLError, ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            tls.close()
        m = re.match(rb"HTTP/1\.1 (\d{3}) ", out)
        if not m:
            return 0, b""
        n = re.search(rb"(?i)\r\ncontent-length: *(\d+)", out)
        body = out.partition(b"\r\n\r\n")[2]
        return int(m.group(1)), body[:int(n.group(1))] if n else body


class Suite:
    def __init__(self, tmp, conf="", name="suite"):
        self.var = state_directory(name)
        self.port = free_port()
        # run.sh listens for SSH on 2222 unless told: suites keep apart
        self.ssh_port = free_port()
        self.conf_path = os.path.join(str(tmp), name + "-extra.conf")
        self.log_path = os.path.join(str(tmp), name + ".log")
        self.write_conf(conf)
        self.proc = None
        self.exit_code = None

    def write_conf(self, text):
        with open(self.conf_path, "w") as f:
            f.write(text)

    # -- life cycle -------------------------------------------------------

    def env(self):
        env = dict(os.environ)
        env.update({
            "MOAT_VAR": self.var,
            "MOAT_PORT": str(self.port),
            "MOAT_SSH_PORT": str(self.ssh_port),
            "MOAT_CONF": self.conf_path,
            "ASAN_OPTIONS": "detect_leaks=%d:halt_on_error=1:"
                            "abort_on_error=0:symbolize=0"
                            % (1 if LEAKCHECK else 0),
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        })
        return env

    def start(self, wait=True):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(TOP, "scripts", "run.sh"), BINDIR],
            cwd=TOP, env=self.env(), stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.exit_code = None
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("suite exited with %s:\n%s" %
                                     (self.proc.returncode, self.log_text()))
            if "moatd: ready:" in self.log_text():
                try:
                    status, _, _ = self.request("GET", "/healthz")
                    if status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError("suite not ready:\n" + self.log_text())

    def signal(self, sig):
        os.killpg(self.proc.pid, sig)

    def wait_exit(self, timeout):
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_code

    def stop(self):
        """Stops the suite as an operator would; returns the exit code."""
        if self.proc is None:
            return None
        self.close_kept()
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            if self.wait_exit(5) is None:
                self.signal(signal.SIGKILL)
                self.proc.wait()
                raise AssertionError("suite did not stop in 5 s")
        self.exit_code = self.proc.returncode
        self.log.close()
        return self.exit_code

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, text, count=1, timeout=10):
        """Waits until the log holds text count times: a line a child
        writes may reach the file after the answer reaches the client."""
        deadline = time.time() + timeout
        while self.log_text().count(text) < count:
            assert time.time() < deadline, self.log_text()[-4000:]
            time.sleep(0.05)

    def sanitizer_reports(self):
        text = self.log_text()
        return [m for m in SANITIZER_MARKS if m in text]

    def symbolized_log(self):
        """The log with the sanitizers' addresses turned into names: the
        sandboxed processes cannot run llvm-symbolizer themselves."""
        try:
            return subprocess.run(
                ["asan_symbolize", "-s", "/"], input=self.log_text(),
                capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            return self.log_text()

    # -- looking at the processes -----------------------------------------

    def status(self):
        """moatctl status as a dict: name -> (pid, user, uid)."""
        out = subprocess.run(
            [os.path.join(BINDIR, "moatctl"), "-s",
             os.path.join(self.var, "moatd.sock"), "status"],
            check=True, capture_output=True, text=True).stdout
        procs = {}
        for line in out.splitlines()[1:]:
            name, pid, user, uid = line.split()[:4]
            procs[name] = (int(pid), user, int(uid))
        return procs

    def pid(self, name):
        return self.status()[name][0]

    def all_pids(self):
        return [pid for pid, _, _ in self.status().values()]

    # -- the names this suite gives the system ------------------------------

    def suite_id(self):
        """The suite's id (taskd's runner writes it as it starts)."""
        try:
            with open(os.path.join(self.var, "task", "suite")) as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def container(self, short_id):
        return "moat-%s-%s" % (self.suite_id(), short_id)

    def cgroup(self, controller, short_id=None):
        top = "/sys/fs/cgroup/%s/moat-%s" % (controller, self.suite_id())
        return top if short_id is None else top + "/" + short_id

    def interface(self, short_id):
        return "mw%s%s" % (self.suite_id(), short_id)

    def containers(self, runtime=RUNTIMES[0]):
        out = subprocess.run([runtime, "list", "-q"], capture_output=True,
                             text=True).stdout.split()
        return [c for c in out if c.startswith(self.container(""))]

    def remove_system_objects(self):
        """What this suite's hosts left on the machine, and nothing of
        another suite's: containers, tunnels, cgroups and claims."""
        state = os.path.realpath(os.path.join(self.var, "task"))
        for link in glob.glob(CLAIMS + "/*/*"):
            try:
                if os.readlink(link).startswith(state):
                    os.unlink(link)
            except OSError:
                pass
        if self.suite_id() is None:
            return      # killed before it had its id: nothing named yet
        for runtime in RUNTIMES:
            if os.path.exists(runtime):
                for c in self.containers(runtime):
                    subprocess.run([runtime, "delete", "-f", c],
                                   capture_output=True)
        for path in glob.glob("/proc/[0-9]*/cmdline"):
            try:
                with open(path, "rb") as f:
                    argv = f.read().split(b"\0")
                if argv[0].endswith(b"wireguard-go") and \
                        argv[1].startswith(self.interface("").encode()):
                    os.kill(int(path.split("/")[2]), signal.SIGKILL)
            except (OSError, IndexError):
                pass
        for top in glob.glob(self.cgroup("*")):
            for d in glob.glob(top + "/*/"):
                remove_cgroup(d)
            remove_cgroup(top)

    def remove_state(self):
        """The state directory, once nothing runs from it (its log and
        configuration stay in pytest's directory)."""
        if self.var.startswith(VAR_BASE + "/"):
            shutil.rmtree(self.var, ignore_errors=True)

    # -- talking HTTPS --------------------------------------------------------

    def connection(self, timeout=10, source=None):
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=timeout, context=tls_context(),
            source_address=(source, 0) if source else None)

    def close_kept(self):
        """Closes the connection request() keeps: a test that counts
        connections counts only its own."""
        if getattr(self, "kept", None) is not None and \
                self.kept.conn is not None:
            self.kept.conn.close()
            self.kept.conn = None

    def request(self, method, path, body=None, headers=None, source=None):
        """One request; on a connection kept open between requests unless
        it must come from another address (each new TLS connection costs
        a handshake signed by authd, most of a test's time)."""
        if source is None:
            if getattr(self, "kept", None) is None or \
                    self.kept.port != self.port:
                self.kept = Client(self.port)
            status, hdrs, data = self.kept.send(method, path, body,
                                                headers or {})
            return status, hdrs, data
        conn = self.connection(source=source)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            headers = {}
            for k, v in resp.getheaders():
                headers[k] = headers[k] + ", " + v if k in headers else v
            return resp.status, headers, data
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        status, hdrs, data = self.request(method, path, body, headers)
        return status, json.loads(data) if data else None

    def raw(self, data, timeout=5, answers=None):
        """Sends raw bytes over TLS; returns what came back until the
        server closed, or until `answers` complete answers arrived."""
        sock = socket.create_connection(("127.0.0.1", self.port),
                                        timeout=timeout)
        tls = tls_context().wrap_socket(sock)
        try:
            try:
                tls.sendall(data)
            except (ssl.SSLError, BrokenPipeError, ConnectionResetError):
                pass    # it answered and closed before reading all of it
            out = b""
            while True:
                try:
                    chunk = tls.recv(65536)
                except (ssl.SSLError, ConnectionResetError):
                    break
                if not chunk:
                    break
                out += chunk
                if answers is not None and complete(out) >= answers:
                    break
            return out
        finally:
            tls.close()


def finish(s):
    """Stops a suite a test started, removes what it made (its system
    objects and its state), then fails on any sanitizer report in its
    log: the end of every fixture that starts one."""
    try:
        s.stop()
    finally:
        s.remove_system_objects()
        s.remove_state()
    reports = s.sanitizer_reports()
    assert not reports, "sanitizer report in %s:\n%s" % (
        s.log_path, s.symbolized_log()[-8000:])


def module_suite(tmp_path_factory, name, conf=""):
    """The body of a module-scoped fixture: one suite for the module's
    tests, with conf, under a directory called name."""
    s = Suite(tmp_path_factory.mktemp(name), conf)
    s.start()
    yield s
    finish(s)


def complete(data):
    """How many complete answers data holds."""
    try:
        return len(parse_responses(data))
    except (AssertionError, ValueError, IndexError):
        n = 0
        while True:
            head, sep, rest = data.partition(b"\r\n\r\n")
            if not sep:
                return n
            m = re.search(rb"(?i)content-length: *(\d+)", head)
            size = int(m.group(1)) if m else 0
            if len(rest) < size:
                return n
            n += 1
            data = rest[size:]


def parse_responses(data):
    """Splits raw HTTP/1.1 responses: [(status, headers, body)]."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            raise AssertionError("truncated response: %r" % data[:200])
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        if status in (100,):
            n = 0
        if len(rest) < n:
            raise AssertionError("truncated body: %r" % data[:200])
        out.append((status, headers, rest[:n]))
        data = rest[n:]
    return out


def proc_status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


def remove_cgroup(path, timeout=2):
    """rmdir, while the last process of a container killed just now is
    on its way out (EBUSY)."""
    deadline = time.time() + timeout
    while True:
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.time() > deadline:
                return
            time.sleep(0.02)


def wait_gone(pids, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = [p for p in pids if os.path.exists("/proc/%d" % p)
                 and "Z" not in proc_status(p).get("State", "Z")]
        if not alive:
            return []
        time.sleep(0.02)
    return alive
