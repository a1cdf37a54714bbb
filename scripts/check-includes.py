#!/usr/bin/env python3
"""Fails when a source file includes a header it may not depend on.

The rules are the library layering drawn in docs/architecture.md:
  - services/<X>/ includes only its own service, common/, proto/api/ and the
    generated voc/ headers: never another service's headers;
  - tools/<X>/ may also include services/<X>/ (the trainer uses triage's
    analyser), never another service;
  - cli/ includes no service internals at all: only common/, proto/api/ and
    the offline tools under tools/ that `voc` fronts (`voc triage train`);
  - proto/api/ includes only itself and the generated code;
  - common/<layer>/ includes only the layers listed in COMMON_LAYERS below.

usage: check-includes.py [ROOT]      check the tree at ROOT (default: the repo)
       check-includes.py --self-test prove the checker fails on violations
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SOURCE_EXTENSIONS = (".h", ".hpp", ".cc", ".cpp")

# Which common layers each common layer may include (besides itself).
COMMON_LAYERS = {
    "clock": set(),
    "status": set(),
    "util": {"clock"},
    "log": set(),
    "config": {"status"},
    # metrics sits below everything that counts.
    "metrics": {"status", "util"},
    "org": {"config", "status"},
    # queue/stream_trim_worker runs on service/periodic_worker and reads the
    # config (library voc_common_queue_trim, like voc_common_outbox).
    "queue": {"status", "log", "config", "service", "metrics"},
    # storage/outbox_relay runs on service/periodic_worker (library voc_common_outbox).
    "storage": {"status", "log", "util", "queue", "service", "metrics"},
    # rpc/channel reads the config for TLS and the process's token (issue 9).
    "rpc": {"status", "util", "clock", "log", "metrics", "config"},
    # Who is calling (issue 9): principals from the config, people from the
    # org directory, API keys asked over rpc channels, the audit on Redis.
    "auth": {"rpc", "config", "org", "queue", "clock", "log", "util", "status"},
    # The de-identification masker knows the directory's names (issue 9).
    "privacy": {"org", "config", "status", "util"},
    # notify/stream_notifier publishes to Redis (issue 11) and stamps with the clock.
    "notify": {"status", "log", "config", "metrics", "clock", "queue"},
    # SLA policies and calendars read their files with config's YAML helpers (issue 11).
    "sla": {"config", "status"},
    # service/context reads the report settings every service shares (issue 12).
    "service": {"clock", "config", "log", "queue", "storage", "rpc", "status", "util", "metrics", "reports"},
    # PIPL / GDPR erasure (issue 9): the PrivacyService adapter runs under auth::Serve.
    "erasure": {"auth", "log", "status"},
    # Report figures (issue 12): plain arithmetic over counts, below every service.
    "reports": {"config"},
    "rules": {"auth", "storage", "rpc", "clock", "log", "util", "status"},
}


def allowed(path, header):
    """None when `path` may include `header`, else the reason it may not."""
    parts = path.split("/")
    target = header.split("/")
    if target[0] not in ("services", "common", "cli", "tools", "proto", "tests"):
        return None  # generated voc/... headers and third-party paths
    top = parts[0]
    if top == "tests":
        return None  # tests reach any seam they test
    if target[0] == "tests":
        return "only tests include tests/"
    if top == "services":
        if target[0] == "services" and target[1] != parts[1]:
            return f"services/{parts[1]} includes services/{target[1]}: share it through common/ or proto/api/"
        if target[0] in ("cli", "tools"):
            return f"a service includes {target[0]}/"
        return None
    if top == "tools":
        if target[0] == "services" and target[1] != parts[1]:
            return f"tools/{parts[1]} includes services/{target[1]}"
        if target[0] == "cli":
            return "tools include cli/"
        return None
    if top == "cli":
        if target[0] == "services":
            return "cli/ includes a service's internals: use proto/api/ and common/"
        return None
    if top == "proto":
        if target[0] != "proto":
            return f"proto/api includes {target[0]}/: it depends only on the generated code"
        return None
    if top == "common":
        if target[0] != "common":
            return f"common/ includes {target[0]}/" if target[0] != "proto" else None
        layer, other = parts[1], target[1]
        if other == layer or other in COMMON_LAYERS.get(layer, set()):
            return None
        return f"common/{layer} may not include common/{other} (see COMMON_LAYERS)"
    return None


def check(root):
    problems = []
    for top in ("services", "common", "cli", "tools", "proto"):
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "build")]
            for name in filenames:
                if not name.endswith(SOURCE_EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for match in INCLUDE.finditer(text):
                    reason = allowed(rel, match.group(1))
                    if reason:
                        line = text.count("\n", 0, match.start()) + 1
                        problems.append(f'{rel}:{line}: #include "{match.group(1)}": {reason}')
    return problems


def self_test():
    cases = {
        "services/ingest/a.cc": ('#include "services/triage/x.h"\n', True),
        "services/ingest/b.cc": ('#include "services/ingest/x.h"\n#include "common/rpc/status.h"\n', False),
        "cli/c.cc": ('#include "services/ingest/feedback_validator.h"\n', True),
        "cli/d.cc": ('#include "proto/api/enum_names.h"\n#include "tools/triage/triage_cli.h"\n', False),
        "common/storage/e.cc": ('#include "common/rpc/status.h"\n', True),
        "common/storage/f.cc": ('#include "common/util/utf8.h"\n', False),
        "common/queue/g.cc": ('#include "services/triage/y.h"\n', True),
        "tools/triage/h.cc": ('#include "services/triage/analysis/analyzer.h"\n', False),
        "tools/triage/i.cc": ('#include "services/ingest/z.h"\n', True),
        "proto/api/j.cc": ('#include "common/util/utf8.h"\n', True),
    }
    failures = 0
    for rel, (text, should_fail) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path))
            with open(path, "w") as f:
                f.write(text)
            failed = bool(check(tmp))
            if failed != should_fail:
                failures += 1
                print(f"self-test: {rel} {'passed' if not failed else 'failed'}, expected the opposite")
    print("self-test:", "ok" if failures == 0 else f"{failures} wrong")
    return 1 if failures else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layering in docs/architecture.md")
        return 1
    print("includes follow the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
