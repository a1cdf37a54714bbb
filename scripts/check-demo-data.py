#!/usr/bin/env python3
"""Validate the demo org directory and the demo feedback set.

Checks config/directory.yaml (every id referenced resolves, the management chain
ends at an executive, account managers sit in customer_success, ...) and every
item of scripts/demo/feedback.jsonl and scripts/demo/feedback.csv against the
ingest contract (known channel, text present, scores in range, customer, store,
region and account manager known to the directory). The CSV holds rows that are
invalid on purpose (EXPECTED_INVALID_CSV): each must fail for the stated field
and every other row must pass. Finally it checks that the demo set still covers
what the demo shows (topic stories, red lines, NPS categories, languages) and
what scripts/demo/insights.json says it shows in the Insights tab (groups of
near-duplicate complaints, and a term combination that rises from nothing to
1, 2, 4, 7 mentions a day over the last four days), and prints a summary.
Whether the groups really cluster and the trend really is a weak signal is
checked with the real analyser by tests/unit/demo/demo_insights_test.cc.

Exit status: 0 when everything holds, 1 on any problem, 2 on bad usage.
Needs python3 and python3-yaml only.
"""

import argparse
import collections
import csv
import datetime as dt
import json
import os
import re
import sys
import unicodedata

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-demo-data: python3-yaml is required (apt-get install python3-yaml)")

CHANNELS = {"nps_survey", "social", "call_center", "review", "app_review", "email", "chat"}
RATED_CHANNELS = {"review", "app_review"}
TIERS = {"vip", "high", "standard"}
REQUIRED_DEPARTMENTS = {
    "customer_success", "customer_service", "logistics", "store_operations",
    "product_quality", "app_engineering", "pricing", "after_sales", "food_quality",
    "safety_office", "legal", "pr", "executive",
}
# The demo set is dated relative to this instant (the demo's "now").
ANCHOR = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 70
DEFAULT_MAX_TEXT_BYTES = 16384

FEEDBACK_KEYS = {"channel", "external_id", "customer", "product", "text", "nps", "rating",
                 "occurred_at", "attributes"}
CUSTOMER_KEYS = {"id", "value_tier", "account_manager", "store", "region"}
CSV_HEADER = ["channel", "external_id", "customer_id", "customer_tier", "account_manager",
              "store", "region", "product", "text", "nps", "rating", "occurred_at"]
# external_id -> the field whose error makes the row invalid on purpose
EXPECTED_INVALID_CSV = {"nps-2026-9006": "nps", "fax-2026-9001": "channel"}

# Coverage of the demo story (JSONL only).
MIN_ITEMS = 240
CJK = re.compile(r"[\u3400-\u9fff]")
TRADITIONAL = re.compile(r"[這個們來說買貨訊後閃態無請價廠車異響壽鮮飯親會應體單發現樣讓從還輛續戶]")
FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
LOGISTICS = re.compile(r"物流|快递|快遞|送货|送貨|送装|配送|包裹|delivery|delivered|tracking|package|courier", re.I)
DELAY = re.compile(r"不更新|没更新|沒更新|没有更新|沒有更新|没到|沒收到|还没|還沒|太慢|慢得|延迟|等了|一周|"
                   r"late|not arrived|still|frozen|forever|in transit|never updated|waiting", re.I)
APP_CRASH = re.compile(r"闪退|閃退|崩溃|crash", re.I)
APP_UPDATE = re.compile(r"5\.2|５．２|更新|升级|update", re.I)
STAFF = re.compile(r"态度|態度|呵斥|骂人|不理|rude|shouted", re.I)
# The Insights story (scripts/demo/insights.json).
MIN_GROUP_SIZE = 4
MIN_GROUP_CHANNELS = 3        # the same complaint re-sent or re-posted through several channels
MAX_GROUP_SPAN_DAYS = 7
SIGNAL_BASELINE_DAYS = 32     # what the detector keeps before the trend's four days (28 + guard)
MAX_SIGNAL_BASELINE = 0       # "nothing for weeks"
# `voc import --shift-to-now` puts the newest item at the current time, and
# weak signals count calendar days (UTC): the last day's count is complete
# only if its mentions are close to the newest item. With at least 4 in the
# newest 90 minutes, the signal shows today from 01:30 UTC on.
SIGNAL_LATE_MINUTES = 90
SIGNAL_LATE_MIN_COUNT = 4
RED_LINES = {
    "safety": re.compile(r"刹车失灵|电池起火|冒烟|食物中毒|brakes .*failed|smoking|battery fire", re.I),
    "legal": re.compile(r"律师|起诉|lawsuit|lawyer|legal action|12315", re.I),
    "pr_crisis": re.compile(r"曝光|媒体|记者|热搜|going viral", re.I),
}


class Report:
    def __init__(self):
        self.problems = []

    def error(self, where, message):
        self.problems.append(f"{where}: {message}")


# --------------------------------------------------------------------------- directory

def check_directory(path, report):
    """Returns a dict of id -> entry maps, or None when the file cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        report.error(path, f"cannot read: {e}")
        return None
    if not isinstance(data, dict):
        report.error(path, "top level must be a mapping")
        return None

    sections = {
        "departments": ({"id", "name", "head"}, set(), r"^[a-z][a-z_]*$"),
        "people": ({"id", "name", "email", "department"}, {"manager", "language", "contacts", "roles", "active"}, r"^p-[a-z0-9]+(-[a-z0-9]+)*$"),
        "regions": ({"id", "name", "manager"}, set(), r"^[a-z][a-z_-]*$"),
        "stores": ({"id", "name", "region"}, set(), r"^store-[a-z]{2}-\d{3}$"),
        "customers": ({"id", "name", "tier", "account_manager"}, set(), r"^c-\d{5}$"),
    }
    extra = set(data) - set(sections)
    if extra:
        report.error(path, f"unknown top-level keys: {sorted(extra)}")

    maps = {}
    for section, (required, optional, id_pattern) in sections.items():
        entries = data.get(section)
        maps[section] = {}
        if not isinstance(entries, list) or not entries:
            report.error(path, f"'{section}' must be a non-empty list")
            continue
        for i, entry in enumerate(entries):
            where = f"{path}: {section}[{i}]"
            if not isinstance(entry, dict):
                report.error(where, "must be a mapping")
                continue
            missing = required - set(entry)
            unknown = set(entry) - required - optional
            if missing:
                report.error(where, f"missing keys {sorted(missing)}")
            if unknown:
                report.error(where, f"unknown keys {sorted(unknown)}")
            eid = entry.get("id")
            if not isinstance(eid, str) or not re.match(id_pattern, eid):
                report.error(where, f"id {eid!r} does not match {id_pattern}")
                continue
            if eid in maps[section]:
                report.error(where, f"duplicate id {eid}")
            maps[section][eid] = entry
            name = entry.get("name")
            if section in ("departments", "regions", "stores"):
                if not (isinstance(name, dict) and set(name) == {"zh", "en"}
                        and all(isinstance(v, str) and v.strip() for v in name.values())):
                    report.error(where, f"{eid}: name must be {{zh: ..., en: ...}}")
            elif not (isinstance(name, str) and name.strip()):
                report.error(where, f"{eid}: name must be a non-empty string")

    depts, people = maps["departments"], maps["people"]
    regions, stores, customers = maps["regions"], maps["stores"], maps["customers"]

    missing = REQUIRED_DEPARTMENTS - set(depts)
    if missing:
        report.error(path, f"required departments missing: {sorted(missing)}")

    emails = {}
    for pid, p in people.items():
        email = p.get("email")
        if not isinstance(email, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", email):
            report.error(path, f"person {pid}: bad email {email!r}")
        elif email in emails:
            report.error(path, f"person {pid}: email {email} also used by {emails[email]}")
        else:
            emails[email] = pid
        if p.get("department") not in depts:
            report.error(path, f"person {pid}: unknown department {p.get('department')!r}")
        manager = p.get("manager")
        if manager is None:
            if p.get("department") != "executive":
                report.error(path, f"person {pid}: only executives may have no manager")
        elif manager not in people:
            report.error(path, f"person {pid}: unknown manager {manager!r}")
        elif manager == pid:
            report.error(path, f"person {pid}: is their own manager")
    # Every chain of managers must end, at an executive, without a cycle.
    cycles = set()
    for pid in people:
        seen, cur = [], pid
        while cur in people and people[cur].get("manager") is not None:
            if cur in seen:
                cycle = seen[seen.index(cur):]
                if frozenset(cycle) not in cycles:
                    cycles.add(frozenset(cycle))
                    report.error(path, f"manager cycle {' -> '.join(cycle + [cur])}")
                break
            seen.append(cur)
            cur = people[cur]["manager"]
        else:
            if cur in people and people[cur].get("department") != "executive":
                report.error(path, f"person {pid}: management chain ends at {cur}, who is not an executive")

    members = collections.Counter(p.get("department") for p in people.values())
    for did, d in depts.items():
        head = d.get("head")
        if head not in people:
            report.error(path, f"department {did}: unknown head {head!r}")
        elif people[head].get("department") != did:
            report.error(path, f"department {did}: head {head} belongs to {people[head].get('department')}")
        if not members[did]:
            report.error(path, f"department {did}: has no people")

    for rid, r in regions.items():
        mgr = r.get("manager")
        if mgr not in people:
            report.error(path, f"region {rid}: unknown manager {mgr!r}")
        elif people[mgr].get("department") != "store_operations":
            report.error(path, f"region {rid}: manager {mgr} is not in store_operations")
    for sid, s in stores.items():
        if s.get("region") not in regions:
            report.error(path, f"store {sid}: unknown region {s.get('region')!r}")
    for rid in regions:
        if not any(s.get("region") == rid for s in stores.values()):
            report.error(path, f"region {rid}: has no stores")

    for cid, c in customers.items():
        if c.get("tier") not in TIERS:
            report.error(path, f"customer {cid}: tier {c.get('tier')!r} not one of {sorted(TIERS)}")
        am = c.get("account_manager")
        if am not in people:
            report.error(path, f"customer {cid}: unknown account_manager {am!r}")
        elif people[am].get("department") != "customer_success":
            report.error(path, f"customer {cid}: account_manager {am} is not in customer_success")
    return maps


# --------------------------------------------------------------------------- feedback

def parse_time(value):
    if not isinstance(value, str):
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None


def validate_feedback(rec, directory, max_text_bytes):
    """Returns a list of (field, message) problems of one feedback record."""
    errs = []
    unknown = set(rec) - FEEDBACK_KEYS
    if unknown:
        errs.append(("fields", f"unknown fields {sorted(unknown)}"))
    channel = rec.get("channel")
    if channel not in CHANNELS:
        errs.append(("channel", f"unknown channel {channel!r}"))
    xid = rec.get("external_id")
    if not isinstance(xid, str) or not xid.strip():
        errs.append(("external_id", "missing"))
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        errs.append(("text", "missing or empty"))
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            errs.append(("text", "not valid UTF-8 (lone surrogate)"))
        else:
            if size > max_text_bytes:
                errs.append(("text", f"{size} bytes, over the {max_text_bytes}-byte limit"))
    nps, rating = rec.get("nps"), rec.get("rating")
    if nps is not None:
        if not (isinstance(nps, int) and not isinstance(nps, bool) and 0 <= nps <= 10):
            errs.append(("nps", f"{nps!r} not an integer 0-10"))
        elif channel != "nps_survey":
            errs.append(("nps", f"nps given on channel {channel}"))
    elif channel == "nps_survey":
        errs.append(("nps", "missing on an nps_survey item"))
    if rating is not None:
        if not (isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5):
            errs.append(("rating", f"{rating!r} not an integer 1-5"))
        elif channel not in RATED_CHANNELS:
            errs.append(("rating", f"rating given on channel {channel}"))
    t = parse_time(rec.get("occurred_at"))
    if t is None:
        errs.append(("occurred_at", f"{rec.get('occurred_at')!r} is not an RFC 3339 time with zone"))
    elif not (ANCHOR - dt.timedelta(days=WINDOW_DAYS) <= t <= ANCHOR):
        errs.append(("occurred_at", f"{rec['occurred_at']} outside the {WINDOW_DAYS} days before {ANCHOR:%Y-%m-%d}"))
    product = rec.get("product")
    if product is not None and not (isinstance(product, str) and product.strip()):
        errs.append(("product", "must be a non-empty string when present"))
    attrs = rec.get("attributes")
    if attrs is not None:
        if not isinstance(attrs, dict):
            errs.append(("attributes", "must be an object"))
        else:
            for k, v in attrs.items():
                if not isinstance(v, str):
                    errs.append(("attributes", f"{k}: values are strings (got {type(v).__name__})"))
            followers = attrs.get("followers")
            if followers is not None and not (isinstance(followers, str) and followers.isdigit()):
                errs.append(("attributes", f"followers {followers!r} is not a count"))
    cust = rec.get("customer")
    if cust is not None:
        errs.extend(validate_customer(cust, directory))
    return errs


def validate_customer(cust, directory):
    errs = []
    if not isinstance(cust, dict) or not cust:
        return [("customer", "must be a non-empty object (omit it when unknown)")]
    unknown = set(cust) - CUSTOMER_KEYS
    if unknown:
        errs.append(("customer", f"unknown fields {sorted(unknown)}"))
    customers, people = directory["customers"], directory["people"]
    stores, regions = directory["stores"], directory["regions"]
    cid = cust.get("id")
    known = None
    if cid is not None:
        known = customers.get(cid)
        if known is None:
            errs.append(("customer.id", f"unknown customer {cid!r}"))
    tier = cust.get("value_tier")
    if tier is not None:
        if tier not in TIERS:
            errs.append(("customer.value_tier", f"{tier!r} not one of {sorted(TIERS)}"))
        elif known and known.get("tier") != tier:
            errs.append(("customer.value_tier", f"{tier} but the directory says {known.get('tier')} for {cid}"))
    am = cust.get("account_manager")
    if am is not None:
        if am not in people:
            errs.append(("customer.account_manager", f"unknown person {am!r}"))
        elif known and known.get("account_manager") != am:
            errs.append(("customer.account_manager", f"{am} but the directory says {known.get('account_manager')} for {cid}"))
    store = cust.get("store")
    if store is not None and store not in stores:
        errs.append(("customer.store", f"unknown store {store!r}"))
    region = cust.get("region")
    if region is not None:
        if region not in regions:
            errs.append(("customer.region", f"unknown region {region!r}"))
        elif store in stores and stores[store].get("region") in regions and stores[store]["region"] != region:
            errs.append(("customer.region", f"{region} but store {store} is in {stores[store].get('region')}"))
    return errs


def read_jsonl(path, report):
    records = []
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except OSError as e:
        report.error(path, f"cannot read: {e}")
        return records
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            report.error(f"{path}:{n}", f"not UTF-8: {e}")
            continue
        except json.JSONDecodeError as e:
            report.error(f"{path}:{n}", f"not JSON: {e}")
            continue
        if not isinstance(rec, dict):
            report.error(f"{path}:{n}", "not a JSON object")
            continue
        records.append((f"{path}:{n}", rec))
    return records


def csv_row_to_record(row):
    """Turns a CSV row into the JSON shape; a score that is not a number stays a string."""
    def score(v):
        v = v.strip()
        if not v:
            return None
        return int(v) if re.fullmatch(r"-?\d+", v) else v

    rec = {"channel": row["channel"], "external_id": row["external_id"], "text": row["text"],
           "occurred_at": row["occurred_at"]}
    cust = {}
    for col, key in (("customer_id", "id"), ("customer_tier", "value_tier"),
                     ("account_manager", "account_manager"), ("store", "store"), ("region", "region")):
        if row[col].strip():
            cust[key] = row[col].strip()
    if cust:
        rec["customer"] = cust
    if row["product"].strip():
        rec["product"] = row["product"].strip()
    for key in ("nps", "rating"):
        v = score(row[key])
        if v is not None:
            rec[key] = v
    return rec


def read_csv(path, report):
    records = []
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, strict=True)
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        report.error(path, f"cannot read as RFC 4180 CSV: {e}")
        return records
    if not rows or rows[0] != CSV_HEADER:
        report.error(path, f"header must be {','.join(CSV_HEADER)}")
        return records
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(CSV_HEADER):
            report.error(f"{path}: row {n}", f"{len(row)} columns, expected {len(CSV_HEADER)}")
            continue
        records.append((f"{path}: row {n}", csv_row_to_record(dict(zip(CSV_HEADER, row)))))
    return records


# --------------------------------------------------------------------------- coverage

def language_of(text):
    return "zh" if CJK.search(text) else "en"


def coverage(records, report, where, verbose):
    texts = [r.get("text", "") for r in records]
    n = len(records)
    if n < MIN_ITEMS:
        report.error(where, f"{n} items, the demo needs at least {MIN_ITEMS}")
    langs = collections.Counter(language_of(t) for t in texts)
    zh_share = langs["zh"] / n if n else 0
    if not 0.5 <= zh_share <= 0.7:
        report.error(where, f"Chinese share {zh_share:.0%}, expected roughly 60%")
    channels = collections.Counter(r.get("channel") for r in records)
    for ch in sorted(CHANNELS - set(channels)):
        report.error(where, f"no item on channel {ch}")
    nps = collections.Counter()
    for r in records:
        v = r.get("nps")
        if isinstance(v, int):
            nps["detractor" if v <= 6 else "passive" if v <= 8 else "promoter"] += 1
    for cat, minimum in (("detractor", 20), ("passive", 5), ("promoter", 5)):
        if nps[cat] < minimum:
            report.error(where, f"{nps[cat]} NPS {cat}s, expected at least {minimum}")

    # Topic stories: feedback on one subject, worded independently (keyword counts).
    stories = collections.OrderedDict()
    stories["logistics delay"] = sum(1 for t in texts if LOGISTICS.search(t) and DELAY.search(t))
    stories["app crash after update"] = sum(1 for t in texts if APP_CRASH.search(t) and APP_UPDATE.search(t))
    staff = collections.Counter(
        (r.get("customer") or {}).get("store") for r in records
        if STAFF.search(r.get("text", "")) and (r.get("customer") or {}).get("store"))
    staff_store, staff_count = staff.most_common(1)[0] if staff else (None, 0)
    stories[f"staff complaints at {staff_store}"] = staff_count
    for name, minimum in (("logistics delay", 15), ("app crash after update", 15)):
        if stories[name] < minimum:
            report.error(where, f"{stories[name]} items in the {name} story, expected at least {minimum}")
    if staff_count < 8:
        report.error(where, f"largest store staff-complaint story has {staff_count} items, expected at least 8")
    red = {k: sum(1 for t in texts if rx.search(t)) for k, rx in RED_LINES.items()}
    for k, v in red.items():
        if not v:
            report.error(where, f"no {k} red-line item")
    style = {
        "traditional Chinese": sum(1 for t in texts if TRADITIONAL.search(t)),
        "full-width letters/digits": sum(1 for t in texts if FULL_WIDTH.search(t)),
        "emoji": sum(1 for t in texts if EMOJI.search(t)),
    }
    for k, v in style.items():
        if not v:
            report.error(where, f"no item with {k}")

    if verbose:
        print(f"{where}: {n} items")
        print(f"  languages: zh {langs['zh']} ({zh_share:.0%}), en {langs['en']}")
        print("  channels: " + ", ".join(f"{k} {v}" for k, v in sorted(channels.items())))
        print(f"  NPS: {nps['detractor']} detractors, {nps['passive']} passives, {nps['promoter']} promoters")
        print("  topic stories (keyword counts): " + ", ".join(f"{k} {v}" for k, v in stories.items()))
        print("  red lines (keyword hits): " + ", ".join(f"{k} {v}" for k, v in red.items()))
        print("  text styles: " + ", ".join(f"{k} {v}" for k, v in style.items()))


# --------------------------------------------------------------------------- insights

def normalise(text):
    """Roughly what triage matches terms against: NFKC, case-folded (no t2s)."""
    return unicodedata.normalize("NFKC", text).casefold()


def check_insights(path, records, report, verbose):
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        report.error(path, f"cannot read: {e}")
        return
    by_id = {r.get("external_id"): r for r in records}
    placed = {}
    lines = []
    for i, group in enumerate(manifest.get("clusters") or []):
        name = group.get("name") or f"clusters[{i}]"
        where = f"{path}: {name}"
        members = group.get("members") or []
        if group.get("department") not in REQUIRED_DEPARTMENTS:
            report.error(where, f"department {group.get('department')!r} is not a demo department")
        if len(members) < MIN_GROUP_SIZE:
            report.error(where, f"{len(members)} members, a group needs at least {MIN_GROUP_SIZE}")
        found = []
        for xid in members:
            if xid in placed:
                report.error(where, f"{xid} is also in {placed[xid]}")
            placed[xid] = name
            if xid not in by_id:
                report.error(where, f"{xid} is not in the JSONL file")
            else:
                found.append(by_id[xid])
        if not found:
            continue
        langs = {language_of(r.get("text", "")) for r in found}
        if len(langs) > 1:
            report.error(where, "members mix languages (Chinese and English never share shingles: one group each)")
        channels = {r.get("channel") for r in found}
        if len(channels) < MIN_GROUP_CHANNELS:
            report.error(where, f"members on {len(channels)} channel(s), expected at least {MIN_GROUP_CHANNELS}")
        times = [t for t in (parse_time(r.get("occurred_at")) for r in found) if t]
        if times and max(times) - min(times) > dt.timedelta(days=MAX_GROUP_SPAN_DAYS):
            report.error(where, f"members span {max(times) - min(times)}, expected at most {MAX_GROUP_SPAN_DAYS} days")
        lines.append(f"{name}: {len(found)} items, {len(channels)} channels, {group.get('department')}")

    signal = manifest.get("signal") or {}
    where = f"{path}: signal"
    terms = [normalise(t) for t in signal.get("terms") or []]
    daily = signal.get("daily_counts") or []
    members = set(signal.get("members") or [])
    if len(terms) < 2 or len(daily) != 4:
        report.error(where, "needs two or more terms and four daily_counts")
        return
    for xid in sorted(members - set(by_id)):
        report.error(where, f"{xid} is not in the JSONL file")
    timed = [(parse_time(r.get("occurred_at")), r) for r in records]
    timed = [(t, r) for t, r in timed if t]
    if not timed:
        return
    newest = max(t for t, _ in timed)
    counts = collections.Counter()
    recent, late = set(), 0
    for t, r in timed:
        text = normalise(r.get("text", ""))
        if not all(term in text for term in terms):
            continue
        back = (newest - t) // dt.timedelta(days=1)  # 24-hour steps back from the newest item
        counts[back] += 1
        if back < 4:
            recent.add(r.get("external_id"))
        if newest - t <= dt.timedelta(minutes=SIGNAL_LATE_MINUTES):
            late += 1
    shape = [counts[3], counts[2], counts[1], counts[0]]
    if shape != daily:
        report.error(where, f"mentions in the last four days are {shape}, expected {daily}")
    if recent != members:
        report.error(where, f"items with the terms in the last four days differ from the members: "
                            f"extra {sorted(recent - members)}, missing {sorted(members - recent)}")
    baseline = sum(counts[k] for k in range(4, 4 + SIGNAL_BASELINE_DAYS))
    if baseline > MAX_SIGNAL_BASELINE:
        report.error(where, f"{baseline} mentions in the {SIGNAL_BASELINE_DAYS} days before the trend, "
                            f"expected at most {MAX_SIGNAL_BASELINE}")
    if late < SIGNAL_LATE_MIN_COUNT:
        report.error(where, f"{late} mentions in the newest {SIGNAL_LATE_MINUTES} minutes, expected at least "
                            f"{SIGNAL_LATE_MIN_COUNT} (otherwise the signal shows today only late in the day)")
    if verbose:
        print(f"  near-duplicate groups ({len(lines)}, {len(placed)} items):")
        for line in lines:
            print(f"    {line}")
        print(f"  weak signal: {signal.get('name')} ({' + '.join(terms)}): "
              f"{', '.join(map(str, shape))} in the last four days, {baseline} in the "
              f"{SIGNAL_BASELINE_DAYS} days before, {late} in the newest {SIGNAL_LATE_MINUTES} minutes; "
              f"{len(signal.get('english_members') or [])} English mentions besides")


# --------------------------------------------------------------------------- main

def max_text_bytes(root):
    try:
        with open(os.path.join(root, "config", "voc.yaml"), encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        return int(cfg["services"]["ingest"]["max_text_bytes"])
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError):
        return DEFAULT_MAX_TEXT_BYTES


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--directory", default=os.path.join(root, "config", "directory.yaml"))
    ap.add_argument("--jsonl", default=os.path.join(root, "scripts", "demo", "feedback.jsonl"))
    ap.add_argument("--csv", default=os.path.join(root, "scripts", "demo", "feedback.csv"))
    ap.add_argument("--insights", default=os.path.join(root, "scripts", "demo", "insights.json"))
    ap.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    args = ap.parse_args()
    for name in ("directory", "jsonl", "csv", "insights"):
        rel = os.path.relpath(getattr(args, name))
        if not rel.startswith(".."):
            setattr(args, name, rel)

    report = Report()
    directory = check_directory(args.directory, report)
    if directory is None:
        print("\n".join(report.problems), file=sys.stderr)
        return 1
    limit = max_text_bytes(root)
    verbose = not args.quiet
    if verbose:
        print(f"{args.directory}: " + ", ".join(f"{len(v)} {k}" for k, v in directory.items()))

    seen = {}
    jsonl = read_jsonl(args.jsonl, report)
    for where, rec in jsonl:
        for field, msg in validate_feedback(rec, directory, limit):
            report.error(where, f"{field}: {msg}")
        key = (rec.get("channel"), rec.get("external_id"))
        if key in seen:
            report.error(where, f"duplicate (channel, external_id) {key}, first at {seen[key]}")
        seen.setdefault(key, where)
    coverage([rec for _, rec in jsonl], report, args.jsonl, verbose)
    check_insights(args.insights, [rec for _, rec in jsonl], report, verbose)

    rows = read_csv(args.csv, report)
    rejected = 0
    for where, rec in rows:
        errs = validate_feedback(rec, directory, limit)
        xid = rec.get("external_id")
        expected = EXPECTED_INVALID_CSV.get(xid)
        if expected:
            if not any(field == expected for field, _ in errs):
                report.error(where, f"{xid} is meant to be rejected for {expected}, but that field passes")
            else:
                rejected += 1
                if verbose:
                    print(f"  expected rejection {xid}: " + "; ".join(f"{f}: {m}" for f, m in errs))
        else:
            for field, msg in errs:
                report.error(where, f"{field}: {msg}")
        key = (rec.get("channel"), xid)
        if key in seen:
            report.error(where, f"duplicate (channel, external_id) {key}, first at {seen[key]}")
        seen.setdefault(key, where)
    missing = set(EXPECTED_INVALID_CSV) - {rec.get("external_id") for _, rec in rows}
    if missing:
        report.error(args.csv, f"deliberately invalid rows missing: {sorted(missing)}")
    if verbose:
        print(f"{args.csv}: {len(rows)} rows, {len(rows) - rejected} valid, {rejected} invalid on purpose")

    if report.problems:
        print(f"\n{len(report.problems)} problem(s):", file=sys.stderr)
        for p in report.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    if verbose:
        print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
