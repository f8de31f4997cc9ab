# Shared by the packaging scripts (sourced, not run): where things are and which version is built.
# shellcheck shell=bash

# The repository's root: the folder above packaging/.
repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# The version in Cargo.toml's [package] section, e.g. 0.1.0 (one source of truth for every package).
cargo_version() {
  local root="$1" version
  version="$(awk '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version[[:space:]]*=/ {
      sub(/^version[[:space:]]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit
    }' "$root/Cargo.toml")"
  if [ -z "$version" ]; then
    echo "packaging: could not read the version from $root/Cargo.toml" >&2
    return 1
  fi
  printf '%s\n' "$version"
}

# Windows installers want plain numbers (MSI: major.minor.build): 1.2.3-beta.1 becomes 1.2.3.
numeric_version() {
  local plain="${1%%[-+]*}"
  if ! [[ "$plain" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "packaging: version '$1' is not major.minor.patch" >&2
    return 1
  fi
  printf '%s\n' "$plain"
}
