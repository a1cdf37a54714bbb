#!/usr/bin/env python3
"""Twelve weeks of score-only NPS answers for the demo (issue 12).

The hand-written demo feedback (feedback.jsonl) has too few NPS answers a
week for a weekly NPS (the dashboard hides an NPS below 30 answers), so the
Dashboard would show no trend and no goal could be tracked. This writes,
deterministically (a fixed seed), answers without a comment - the usual
shape of an NPS survey - over the twelve weeks that end where
feedback.jsonl ends, from the customers feedback.jsonl already uses:

  - Xingchen E7: 44 a week, detractors falling and promoters rising week
    by week (NPS from about -10 to about +30): the goal "NPS of Xingchen E7"
    run.sh creates is on track;
  - Huaxing Mall App: 42 a week, flat near -5 until 5.2.0 shipped on
    2026-11-06, then worse (the login crash of the Insights tab).

No answer has text, so none joins a near-duplicate cluster or a weak signal
(tests/unit/demo/demo_insights_test.cc checks the Insights tab with this
file loaded too). Every answer is older than the newest item of
feedback.jsonl, so `voc import --shift-to-now` moves both by the same amount.

usage: scripts/demo/nps_weeks.py [OUT.jsonl]   (stdout without OUT)
"""
import datetime as dt
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WEEKS = 12
# The last moment answers are written for: before feedback.jsonl's newest
# item (2026-11-24T15:10:00Z), so the shift to now is the same.
END = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)
RELEASE_5_2_0 = dt.datetime(2026, 11, 6, tzinfo=dt.timezone.utc)


def customers():
    """The customers feedback.jsonl uses, as it writes them (tier, manager, store, region)."""
    seen = {}
    with open(os.path.join(HERE, "feedback.jsonl"), encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            customer = item.get("customer") or {}
            if customer.get("id"):
                seen.setdefault(customer["id"], customer)
    return [seen[k] for k in sorted(seen)]


def score(rng, promoter_p, detractor_p):
    r = rng.random()
    if r < promoter_p:
        return rng.choice([9, 10])
    if r < promoter_p + detractor_p:
        return rng.choice([0, 2, 3, 4, 5, 6, 6])
    return rng.choice([7, 8])


def shares(product, week, when):
    """(promoter share, detractor share) of a product's answers in a week (0 = oldest)."""
    if product == "Xingchen E7":
        progress = week / (WEEKS - 1)
        return 0.28 + 0.22 * progress, 0.38 - 0.20 * progress
    if when >= RELEASE_5_2_0:
        return 0.20, 0.45
    return 0.28, 0.33


def answers():
    rng = random.Random(20261203)
    people = customers()
    start = END - dt.timedelta(weeks=WEEKS)
    number = 0
    for week in range(WEEKS):
        for product, per_week, touchpoint in (("Xingchen E7", 44, "after_service"),
                                              ("Huaxing Mall App", 42, "after_order")):
            for _ in range(per_week):
                when = start + dt.timedelta(weeks=week, seconds=rng.randrange(7 * 24 * 3600))
                promoter_p, detractor_p = shares(product, week, when)
                number += 1
                customer = rng.choice(people)
                yield when, {
                    "channel": "nps_survey",
                    "external_id": "nps-weekly-%05d" % number,
                    "customer": customer,
                    "product": product,
                    "text": "",
                    "nps": score(rng, promoter_p, detractor_p),
                    "occurred_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "attributes": {"touchpoint": touchpoint},
                }


def main():
    items = sorted(answers(), key=lambda pair: pair[0])
    out = open(sys.argv[1], "w", encoding="utf-8") if len(sys.argv) > 1 else sys.stdout
    for _, item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
