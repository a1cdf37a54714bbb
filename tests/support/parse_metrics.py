#!/usr/bin/python3
"""Reads Prometheus text exposition on stdin with the Prometheus project's
parser (prometheus_client.parser) and prints what it read, one line each:
    family<TAB>name<TAB>type
    sample<TAB>name<TAB>labels as JSON (sorted keys)<TAB>value (repr)
Exits 1 with the parser's error on stderr when the text does not parse.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and others
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    for family in families:
        print(f"family\t{family.name}\t{family.type}")
        for sample in family.samples:
            labels = json.dumps(sample.labels, sort_keys=True)
            print(f"sample\t{sample.name}\t{labels}\t{sample.value!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
