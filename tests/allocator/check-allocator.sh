#!/usr/bin/env bash
# Says which allocator a program runs on, from the program itself: jemalloc
# prints its statistics at exit when MALLOC_CONF asks for them, glibc's
# malloc ignores the variable. The program is started with a config file
# that does not exist, so a service refuses to start and exits at once.
#   check-allocator.sh jemalloc|system BINARY
set -uo pipefail
want="$1"; binary="$2"
stderr="$(MALLOC_CONF=stats_print:true "$binary" --config /nonexistent/voc-allocator-check.yaml 2>&1 >/dev/null)"
if grep -q "Begin jemalloc statistics" <<<"$stderr"; then got=jemalloc; else got=system; fi
if [ "$got" != "$want" ]; then
  echo "$binary runs on the $got allocator, expected $want" >&2
  exit 1
fi
echo "$binary: $got"
