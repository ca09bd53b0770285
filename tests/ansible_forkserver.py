"""Run ``ansible`` and ``ansible-playbook`` commands fast: forked from one process that has already imported
ansible-core and read its configuration.

Each command still runs the real command-line program in a process of its own (``ansible.cli.adhoc.main`` or
``ansible.cli.playbook.main``, which start the module's own Python process as usual); only the interpreter start,
the imports and the parsing of ansible-core's configuration and routing tables are done once instead of per
command: that is most of the CPU a short ad-hoc command costs. A command whose environment changes ansible-core's
configuration (an ``ANSIBLE_*`` variable other than the ones this server was started with) cannot be forked from
here: :func:`forkable` says so, and the caller starts it as a plain subprocess instead.

Protocol, one command per connection on a Unix socket: the client sends one JSON line
``{"argv", "env", "cwd", "stdout", "stderr"}`` (the two output paths are files the command writes), the server
answers ``{"pid"}`` at once and ``{"rc"}`` when the command ends.
"""

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import warnings

ENTRY_POINTS = {"ansible": "ansible.cli.adhoc", "ansible-playbook": "ansible.cli.playbook"}


def forkable(server_env, env):
    """Whether a command with ``env`` behaves the same forked from a server started with ``server_env``: the
    configuration ansible-core read at start comes from the ANSIBLE_* variables, so those must be equal."""
    def ansible_settings(variables):
        return dict((k, v) for k, v in variables.items() if k.startswith("ANSIBLE_"))
    return ansible_settings(server_env) == ansible_settings(env)


def _warm_up():
    """Import and parse what every command needs, once."""
    import importlib

    for name in list(ENTRY_POINTS.values()) + [
            "ansible.executor.task_queue_manager", "ansible.executor.process.worker", "ansible.executor.module_common",
            "ansible.plugins.strategy.linear", "ansible.plugins.callback.default", "ansible.plugins.callback.minimal",
            "ansible.plugins.connection.local", "ansible.plugins.action.normal", "ansible.plugins.inventory.host_list",
            "ansible.plugins.inventory.ini", "ansible.plugins.inventory.yaml", "ansible.plugins.inventory.auto",
            "ansible.plugins.shell.sh", "ansible.plugins.become.sudo", "ansible.vars.manager", "ansible.template",
            "requests", "yaml"]:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # not in every ansible-core release: the command imports what it needs itself
    from ansible.plugins.loader import init_plugin_loader
    from ansible.utils.collection_loader._collection_finder import _get_collection_metadata

    init_plugin_loader()  # the collection finder, as every command would configure it (no adjacent collections)
    _get_collection_metadata("ansible.builtin")  # ansible-core's routing table, the largest YAML it reads
    # Each command's own CLI.run configures the finder again; that only warns, and the warning is not its output.
    warnings.filterwarnings("ignore", message="AnsibleCollectionFinder has already been configured")
    # This collection's controller side (the action plugins and what they import), as the commands would load it:
    # the code does not change during a test session.
    from ansible.plugins.loader import action_loader
    for name in ("community.dokploy.dokploy_info", "community.dokploy.dokploy_stack"):
        action_loader.get(name, class_only=True)
    # The plugins every command loads, with their configuration definitions (parsed from their YAML docs, most of
    # the CPU a short command spends in its own process): the children find them loaded.
    from ansible import constants as C
    from ansible.plugins import loader

    # all() is a generator: nothing loads until it is iterated. (Not the vars plugins: loaded before the command
    # configures them, they would never read an inventory's group_vars.)
    list(loader.callback_loader.all(class_only=True))
    for name in C.INVENTORY_ENABLED:
        loader.inventory_loader.get(name)
    for plugin_loader, names in ((loader.connection_loader, ("local",)), (loader.shell_loader, ("sh",)),
                                 (loader.become_loader, ("sudo",)), (loader.action_loader, ("ansible.legacy.normal",
                                                                                            "ansible.builtin.command"))):
        for name in names:
            plugin_loader.get(name, class_only=True)


def _run_command(connection, request, pid_sent):
    """In the forked child: become the command, run it, report its exit code (after the server sent the pid)."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    stdin = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for source, target in ((stdin, 0), (out, 1), (err, 2)):
        os.dup2(source, target)
        os.close(source)
    argv = request["argv"]
    sys.argv = list(argv)
    entry_point = __import__(ENTRY_POINTS[os.path.basename(argv[0])], fromlist=["main"])
    finish_child(connection, lambda: entry_point.main(list(argv)), crash_rc=250, before_reply=lambda: os.read(pid_sent, 1))


def finish_child(connection, run, crash_rc, before_reply=None):
    """In a forked child: ``run()`` as a program's main, flush its output, send its exit code, and exit.

    An uncaught exception prints its traceback on stderr and gives ``crash_rc``, as an interpreter would.
    Shared by this server and tests/module_zygote.py.
    """
    rc = 0
    try:
        run()
    except SystemExit as exit_:
        rc = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: B902 - whatever happens, the client gets an exit code
        import traceback
        traceback.print_exc()
        rc = crash_rc
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: B902
                pass
    try:
        if before_reply is not None:
            before_reply()
        connection.sendall(json.dumps({"rc": rc}).encode() + b"\n")
    finally:
        os._exit(0)


def _reap():
    while True:
        try:
            pid, unused_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(socket_path):
    _warm_up()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    print("ready", flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    parent = os.getppid()
    while os.getppid() == parent:  # ends with the test session that started it
        _reap()
        if not selector.select(timeout=1):
            continue
        connection, unused_address = listener.accept()
        with connection:
            request = json.loads(connection.makefile("rb").readline())
            pid_sent, pid_sent_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                listener.close()
                os.close(pid_sent_w)
                _run_command(connection, request, pid_sent)
            os.close(pid_sent)
            connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            os.write(pid_sent_w, b"x")
            os.close(pid_sent_w)


class ForkServer:
    """The client side: starts the server with ``env`` (its ANSIBLE_* settings are fixed from then on)."""

    def __init__(self, python, socket_path, env):
        self.socket_path = socket_path
        self.env = dict(env)
        self.process = subprocess.Popen([python, os.path.abspath(__file__), socket_path], env=self.env,
                                        stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the ansible fork server did not start")

    def run(self, argv, env, cwd, stdout, stderr, timeout):
        """Run one command; returns its exit code (-9 when it was killed at ``timeout``)."""
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(self.socket_path)
        with client:
            client.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd, "stdout": stdout,
                                       "stderr": stderr}).encode() + b"\n")
            answers = client.makefile("rb")
            pid = json.loads(answers.readline())["pid"]
            client.settimeout(timeout)
            try:
                line = answers.readline()
            except socket.timeout:
                line = b""
            if not line:
                try:
                    os.killpg(pid, signal.SIGKILL)  # the command and its workers: it started a session of its own
                except ProcessLookupError:
                    pass
                return -9
            return json.loads(line)["rc"]

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)  # os.fork() in a process Python thinks may have threads
    serve(sys.argv[1])
