#!/usr/bin/env python3
"""Checks the repository's Dockerfile without building it (no container engine
runs on the project's machines; docs/operations.md, "The image"):

  - it parses: known instructions, continuation lines, named stages, and a
    Debian 12 base (the ARG default of every FROM);
  - every COPY from the build context names a file or folder that exists in
    the repository and that .dockerignore does not exclude;
  - every COPY --from=<stage> names a stage defined before it;
  - every binary the build stage installs (`install ... build/<dir>/<name>
    ... /out/bin/`) is an add_executable(<name>) of <dir>/CMakeLists.txt, and
    every executable CMake builds outside tests/ is installed.

  check-dockerfile.py [--root DIR]   check DIR/Dockerfile (default: the repo)
  check-dockerfile.py --self-test    show each check fails on a broken copy
Prints "Dockerfile ok: ..." or each problem, and exits 1 on a problem.
"""
import argparse
import fnmatch
import os
import re
import shutil
import sys
import tempfile

INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
                "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def logical_lines(text):
    """(line number, instruction, argument text) with continuations joined."""
    out, buf, start = [], "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if not buf:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.strip().partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    if buf:
        out.append((start, "<unterminated>", buf))
    return out


def dockerignore_patterns(root):
    path = os.path.join(root, ".dockerignore")
    if not os.path.exists(path):
        return []
    patterns = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        patterns.append((negate, pattern.strip("/")))
    return patterns


def ignored(rel, patterns):
    """Docker's rule: the last pattern matching the path (or a parent) wins."""
    parts = rel.strip("/").split("/")
    result = False
    for negate, pattern in patterns:
        for i in range(1, len(parts) + 1):
            candidate = "/".join(parts[:i])
            regex = fnmatch.translate(pattern).replace(".*", "[^/]*").replace("[^/]*[^/]*", ".*")
            if pattern.startswith("**/"):
                tail = fnmatch.translate(pattern[3:]).replace(".*", "[^/]*")
                hit = re.match(tail, parts[i - 1]) is not None
            else:
                hit = re.match(regex, candidate) is not None
            if hit:
                result = not negate
                break
    return result


def cmake_executables(root):
    """{relative dir: {executable names}} outside tests/ and build trees."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in ("build", "node_modules")
                       and not (rel == "." and d == "tests")]
        if "CMakeLists.txt" in filenames:
            text = open(os.path.join(dirpath, "CMakeLists.txt"), encoding="utf-8").read()
            names = set(re.findall(r"add_executable\(\s*([A-Za-z0-9_.+-]+)", text))
            if names:
                found["" if rel == "." else rel] = names
    return found


def check(root):
    problems = []
    path = os.path.join(root, "Dockerfile")
    if not os.path.exists(path):
        return ["no Dockerfile"], ""
    lines = logical_lines(open(path, encoding="utf-8").read())
    args, stages, current, copies, installed = {}, [], None, 0, []
    for n, word, rest in lines:
        where = f"Dockerfile:{n}"
        if word not in INSTRUCTIONS:
            problems.append(f"{where}: unknown instruction {word}")
            continue
        if word == "ARG" and current is None:
            name, _, default = rest.partition("=")
            args[name.strip()] = default.strip()
        elif word == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?$", rest, re.IGNORECASE)
            if not m:
                problems.append(f"{where}: cannot read FROM {rest}")
                continue
            image = re.sub(r"\$\{?(\w+)\}?", lambda a: args.get(a.group(1), ""), m.group(1))
            if not re.match(r"(docker\.io/(library/)?)?debian:(12|bookworm)([-.][\w.-]*)?$", image):
                problems.append(f"{where}: base image {image!r} is not Debian 12")
            current = m.group(2) or f"stage{len(stages)}"
            stages.append(current)
        elif word in ("COPY", "ADD"):
            copies += 1
            tokens = rest.split()
            flags = [t for t in tokens if t.startswith("--")]
            paths = [t for t in tokens if not t.startswith("--")]
            if len(paths) < 2:
                problems.append(f"{where}: {word} needs a source and a destination")
                continue
            source_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            for src in paths[:-1]:
                if source_stage is not None:
                    if source_stage not in stages[:-1]:
                        problems.append(f"{where}: --from={source_stage} is not an earlier stage")
                    continue
                rel = src.strip("/") or "."
                if not os.path.exists(os.path.join(root, rel)):
                    problems.append(f"{where}: {word} source {src} does not exist in the repository")
                elif ignored(rel, dockerignore_patterns(root)):
                    problems.append(f"{where}: {word} source {src} is excluded by .dockerignore")
        elif word == "RUN":
            for m in re.finditer(r"install\s+-m\s+\S+(?:\s+-s)?((?:\s+build/\S+)+)\s+/out/bin/?", rest):
                installed += [(n, p) for p in m.group(1).split()]
    executables = cmake_executables(root)
    built = {(d, name) for d, names in executables.items() for name in names}
    copied = set()
    for n, p in installed:
        rel = p[len("build/"):]
        d, name = os.path.dirname(rel), os.path.basename(rel)
        if name not in executables.get(d, set()):
            problems.append(f"Dockerfile:{n}: {p} is not an add_executable({name}) of {d or '.'}/CMakeLists.txt")
        copied.add((d, name))
    for d, name in sorted(built - copied):
        problems.append(f"Dockerfile: the image lacks {name} ({d}/CMakeLists.txt builds it)")
    if not stages:
        problems.append("Dockerfile: no FROM")
    summary = f"{len(stages)} stages, {copies} COPY/ADD, {len(copied)} binaries = every CMake executable outside tests/"
    return problems, summary


def self_test(root):
    """Each kind of breakage must be reported."""
    cases = {
        "a copied folder is missing": (lambda d: shutil.rmtree(os.path.join(d, "cli")), "does not exist"),
        "a copied binary is no CMake target": (
            lambda d: edit(d, "Dockerfile", "build/cli/voc \\", "build/cli/voc-nonexistent \\"), "is not an add_executable"),
        "a binary is left out of the image": (
            lambda d: edit(d, "Dockerfile", "build/cli/voc \\", ""), "the image lacks voc"),
        "the base is not Debian 12": (
            lambda d: edit(d, "Dockerfile", "debian:12-slim", "ubuntu:24.04"), "is not Debian 12"),
        "a source is dockerignored": (
            lambda d: edit(d, ".dockerignore", "!cli/", ""), "excluded by .dockerignore"),
        "a typo in an instruction": (
            lambda d: edit(d, "Dockerfile", "WORKDIR /src", "WORKDIRR /src"), "unknown instruction"),
    }
    failed = 0
    for name, (breakage, expected) in cases.items():
        with tempfile.TemporaryDirectory() as d:
            for entry in ("Dockerfile", ".dockerignore", "CMakeLists.txt", "cmake", "proto", "common", "services",
                          "tools", "cli", "config"):
                src = os.path.join(root, entry)
                (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(d, entry))
            breakage(d)
            problems, _ = check(d)
            if any(expected in p for p in problems):
                print(f"self-test: {name}: reported ({next(p for p in problems if expected in p)})")
            else:
                print(f"self-test: {name}: NOT reported; got {problems}")
                failed += 1
    return failed


def edit(d, name, old, new):
    p = os.path.join(d, name)
    text = open(p, encoding="utf-8").read()
    if old not in text:
        raise SystemExit(f"self-test: {name} no longer contains {old!r}")
    open(p, "w", encoding="utf-8").write(text.replace(old, new, 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))
    parser.add_argument("--self-test", action="store_true")
    a = parser.parse_args()
    if a.self_test:
        sys.exit(1 if self_test(a.root) else 0)
    problems, summary = check(a.root)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"Dockerfile ok: {summary}")


if __name__ == "__main__":
    main()
