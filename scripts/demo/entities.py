#!/usr/bin/env python3
"""Demo operational data for voc-entities (issue 13), generated, fixed seed.

    python3 scripts/demo/entities.py OUTDIR          # the demo's small files
    python3 scripts/demo/entities.py --bench N FILE  # N generated vehicle rows (benchmark)

The demo files (CSV, one per entity of config/entities.yaml):
  vehicles.csv    600 cars. Every Xingchen E7 whose owner complained of a
                  brake squeal in the demo feedback is of production batch
                  B-2026-07, the one batch fitted with brake pads from
                  Jinhua Friction; the other E7s are spread over three
                  batches and two pad suppliers.
  app_builds.csv  the Huaxing Mall App builds 5.0.0 .. 5.2.0; 5.2.0 (the
                  login crash of the demo feedback) has the worst crash-free rate.
  store_days.csv  staffing and footfall of the demo's stores over 28 days.
  customers.csv   the demo customers' segment, home store, e-mail address and language.
  orders.csv      the two orders the demo feedback names, and others.
Nothing here comes from ../shared/data.
"""
import csv
import datetime
import random
import sys

# The E7 owners whose feedback in scripts/demo/ complains of a squeal (异响).
SQUEAL_OWNERS = ["c-10010", "c-10013", "c-10014", "c-10017", "c-10019", "c-10022", "c-10024", "c-10028",
                 "c-10031", "c-10033", "c-10038", "c-10043", "c-10046", "c-10047"]
STORES = ["store-sh-001", "store-sh-002", "store-bj-001", "store-gz-001", "store-cd-001"]


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def vehicles(rng):
    rows = []
    owners = [f"c-{10001 + i}" for i in range(60)]
    for i in range(600):
        vin = f"LXC7E{2026000000 + i:010d}"[:17].ljust(17, "0")
        model = "Xingchen E7" if i % 3 else "Xingchen S3"
        batch = rng.choice(["B-2026-06", "B-2026-08", "B-2026-09"])
        owner = owners[i % len(owners)] if i < 120 else f"c-{20000 + i}"
        if owner in SQUEAL_OWNERS:
            # Every car of a squealing owner is an E7 of the batch (issue 13:
            # the Root cause view traces the signal to it through the owner).
            model, batch = "Xingchen E7", "B-2026-07"
        elif model == "Xingchen E7" and i >= 120 and rng.random() < 0.12:
            batch = "B-2026-07"  # the rest of that batch: owners not (yet) complaining
        pads = "Jinhua Friction" if batch == "B-2026-07" else rng.choice(["Brembo Nanjing", "Akebono Guangzhou"])
        compressor = rng.choice(["Hanon Dalian", "Sanden Chongqing"])
        month = int(batch[-2:])
        build = datetime.date(2026, month, rng.randint(1, 28)).isoformat()
        rows.append([vin, model, batch, compressor, pads, build, owner])
    return rows


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--bench":
        n, path = int(sys.argv[2]), sys.argv[3]
        rng = random.Random(13)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["vin", "model", "production_batch", "compressor_supplier", "brake_pad_supplier",
                        "build_date", "owner_customer_id"])
            for i in range(n):
                w.writerow([f"LB{i:015d}", rng.choice(["Xingchen E7", "Xingchen S3"]),
                            f"B-2026-{rng.randint(1, 12):02d}", rng.choice(["Hanon Dalian", "Sanden Chongqing"]),
                            rng.choice(["Jinhua Friction", "Brembo Nanjing"]),
                            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", f"c-{rng.randint(1, 400000)}"])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    rng = random.Random(2026)
    write(f"{out}/vehicles.csv", ["vin", "model", "production_batch", "compressor_supplier",
                                  "brake_pad_supplier", "build_date", "owner_customer_id"], vehicles(rng))
    write(f"{out}/app_builds.csv", ["version", "platform", "release_date", "crash_free_rate", "rolled_back"], [
        ["5.0.0", "ios+android", "2026-09-15", "0.9962", "false"],
        ["5.1.0", "ios+android", "2026-10-20", "0.9958", "false"],
        ["5.2.0", "ios+android", "2026-11-18", "0.9113", "false"],
    ])
    start = datetime.date(2026, 10, 28)
    days = []
    for store in STORES:
        for d in range(28):
            day = start + datetime.timedelta(days=d)
            planned = 8 if day.weekday() >= 5 else 6
            staff = planned - (3 if store == "store-gz-001" and day.weekday() >= 5 else rng.randint(0, 1))
            days.append([store, day.isoformat(), staff, planned, rng.randint(300, 900)])
    write(f"{out}/store_days.csv", ["store", "day", "staff_on_shift", "staff_planned", "visitors"], days)
    customers = []
    for i in range(60):
        cid = f"c-{10001 + i}"
        customers.append([cid, "vip" if i % 10 == 3 else rng.choice(["standard", "high"]),
                          "Xingchen E7" if i % 3 else "Xingchen S3", STORES[i % len(STORES)], "Asia/Shanghai",
                          "false", f"{cid}@example.com", "en" if i % 4 == 0 else "zh"])
    # email and language (issue 13): where and how an outreach campaign writes to them.
    write(f"{out}/customers.csv", ["customer_id", "segment", "products_owned", "home_store", "time_zone",
                                   "opted_out", "email", "language"], customers)
    orders = [["HX2026111188412", "c-10011", "Rice cooker", "2026-11-11T02:00:00Z", "WH-Shanghai-3", "ZTO",
               "Guangzhou Baiyun", "false"],
              ["HX2026111176501", "c-10027", "Air fryer", "2026-11-11T03:30:00Z", "WH-Shanghai-3", "ZTO",
               "Guangzhou Baiyun", "false"]]
    for i in range(40):
        orders.append([f"HX20261110{i:05d}", f"c-{10001 + i}", rng.choice(["Kettle", "Rice cooker", "Blender"]),
                       f"2026-11-{rng.randint(1, 20):02d}T0{rng.randint(0, 9)}:00:00Z",
                       rng.choice(["WH-Shanghai-3", "WH-Wuhan-1"]), rng.choice(["ZTO", "SF Express"]),
                       rng.choice(["Guangzhou Baiyun", "Wuhan Hankou", "Shanghai Qingpu"]), "true"])
    write(f"{out}/orders.csv", ["order_id", "customer_id", "item", "ordered_at", "warehouse", "carrier",
                                "transit_centre", "delivered"], orders)


if __name__ == "__main__":
    main()
