"""Let ansible-test bootstrap pip in its virtual environments without the internet.

ansible-test installs pip into each venv it makes by running a get-pip script
it downloads from a host that machines limited to package registries cannot
reach. This puts a stand-in script in ansible-test's cache that installs the
pip wheel it wants from PyPI, through the ordinary pip client.

Usage: python hacking/ansible_test_offline_pip.py   (with the ansible-core to use installed)
"""

import os
import subprocess
import sys
import types

from ansible_test._internal.python_requirements import get_venv_packages

STAND_IN = '''\
"""Stand-in for get-pip.py, written by hacking/ansible_test_offline_pip.py: installs pip from a local wheel."""
import glob
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# ansible-test runs this from a script in the temp dir, which is then first on sys.path:
# a stray file there (queue.py, ...) must not shadow the standard library.
sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != os.path.realpath(tempfile.gettempdir())]
WHEEL = glob.glob(os.path.join(HERE, "pip-{version}-*.whl"))[0]
sys.path.insert(0, WHEEL)
from pip._internal.cli.main import main  # noqa: E402  (pip runs from its own wheel)

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--find-links", HERE] + args))
'''


def main():
    # pip, and in older ansible-test releases also the setuptools and wheel it installs beside pip.
    packages = get_venv_packages(types.SimpleNamespace(version="%d.%d" % sys.version_info[:2]))
    version = packages["pip"]
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    script = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
    for name, wanted in sorted(packages.items()):
        present = any(n.startswith("%s-%s-" % (name, wanted)) and n.endswith(".whl") for n in os.listdir(cache))
        if not present:
            subprocess.check_call([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                   "--only-binary=:all:", "-d", cache, "%s==%s" % (name, wanted)])
    with open(script, "w") as handle:
        handle.write(STAND_IN.format(version=version))
    print("ansible-test pip %s bootstrap ready: %s" % (version, script))


if __name__ == "__main__":
    main()
