#!/usr/bin/env bash
# Print the path of the first working interpreter among the given versions
# (e.g. `find-python.sh 3.13 3.12`), or nothing. pyenv shims only answer for
# the active version, so pyenv's installed versions are looked at directly.
for version in "$@"; do
  for candidate in "$(command -v "python$version" 2>/dev/null)" \
                   "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version"*/bin/"python$version" \
                   /usr/bin/"python$version" /usr/local/bin/"python$version"; do
    if [ -x "$candidate" ] && "$candidate" -c 'import venv' >/dev/null 2>&1; then
      "$candidate" -c 'import sys; print(sys.executable)'
      exit 0
    fi
  done
done
