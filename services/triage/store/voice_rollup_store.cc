#include "services/triage/store/voice_rollup_store.h"

#include <algorithm>
#include <vector>

#include "common/storage/backend.h"
#include "common/storage/errors.h"
#include "common/storage/rows.h"

namespace voc::triage {

storage::Migration VoiceRollupMigration() {
  return {6,
          "voice roll-up: daily feedback counts per slice (issue 12)",
          {
              // slice: VoiceSlice (0 all, 1 topic, 2 department, 3 store,
              // 4 tier); detail: VoiceDetail, which of channel, product
              // and region the row is keyed by (0 none: the summary row of
              // the slice and day; 1 all three; 2, 3, 4 one of them). The
              // key's order serves the trend (slice, value, detail, day
              // range); the second index the rankings (every value of a
              // slice over a day range).
              "CREATE TABLE voice_daily ("
              " slice INTEGER NOT NULL,"
              " value TEXT NOT NULL,"
              " detail INTEGER NOT NULL,"
              " day BIGINT NOT NULL,"
              " channel INTEGER NOT NULL,"
              " product TEXT NOT NULL,"
              " region TEXT NOT NULL,"
              " total BIGINT NOT NULL,"
              " negative BIGINT NOT NULL,"
              " neutral BIGINT NOT NULL,"
              " positive BIGINT NOT NULL,"
              " negative_intensity BIGINT NOT NULL,"
              " promoters BIGINT NOT NULL,"
              " passives BIGINT NOT NULL,"
              " detractors BIGINT NOT NULL,"
              " PRIMARY KEY (slice, value, detail, day, channel, product, region))",
              "CREATE INDEX voice_daily_ranking ON voice_daily (slice, detail, day, value)",
          }};
}

namespace {

constexpr char kCountColumns[] =
    "SUM(total), SUM(negative), SUM(neutral), SUM(positive), SUM(negative_intensity), SUM(promoters),"
    " SUM(passives), SUM(detractors)";

VoiceCounts CountsAt(const soci::row& r, std::size_t first) {
  VoiceCounts c;
  c.total = storage::AsInt(r, first);
  c.negative = storage::AsInt(r, first + 1);
  c.neutral = storage::AsInt(r, first + 2);
  c.positive = storage::AsInt(r, first + 3);
  c.negative_intensity = storage::AsInt(r, first + 4);
  c.nps.promoters = storage::AsInt(r, first + 5);
  c.nps.passives = storage::AsInt(r, first + 6);
  c.nps.detractors = storage::AsInt(r, first + 7);
  return c;
}

// The WHERE clause for `q` (without the value, which Days adds) and its
// string parameters in order. Integers are written into the SQL: they come
// from parsed numbers, never from text, and both backends then compare
// like with like.
std::string Where(const VoiceQuery& q, std::vector<std::string>& params) {
  std::string sql = " WHERE slice = " + std::to_string(static_cast<int>(q.slice)) +
                    " AND detail = " + std::to_string(static_cast<int>(q.detail())) +
                    " AND day >= " + std::to_string(q.start) + " AND day <= " + std::to_string(q.end);
  if (q.channel != 0) sql += " AND channel = " + std::to_string(q.channel);
  auto text = [&](const char* column, const std::string& v) {
    if (v.empty()) return;
    params.push_back(v);
    sql += std::string(" AND ") + column + " = :p" + std::to_string(params.size());
  };
  text("product", q.product);
  text("region", q.region);
  return sql;
}

}  // namespace

namespace {

constexpr char kRollupInsert[] =
    "INSERT INTO voice_daily (slice, value, detail, day, channel, product, region, total, negative, neutral,"
    " positive, negative_intensity, promoters, passives, detractors)";
constexpr char kRollupSum[] =
    " ON CONFLICT (slice, value, detail, day, channel, product, region) DO UPDATE SET"
    " total = voice_daily.total + excluded.total,"
    " negative = voice_daily.negative + excluded.negative,"
    " neutral = voice_daily.neutral + excluded.neutral,"
    " positive = voice_daily.positive + excluded.positive,"
    " negative_intensity = voice_daily.negative_intensity + excluded.negative_intensity,"
    " promoters = voice_daily.promoters + excluded.promoters,"
    " passives = voice_daily.passives + excluded.passives,"
    " detractors = voice_daily.detractors + excluded.detractors";

// One roll-up row as bound values (SOCI binds by reference, so the values
// must outlive the statement).
struct RollupRow {
  int slice, detail, channel;
  std::string value, product, region;
  long long day, total, negative, neutral, positive, intensity, promoters, passives, detractors;
};

// PostgreSQL: multi-row upserts, one statement per 200 rows. A one-row
// statement run over column vectors is one server round trip per row
// there: a batch of 64 feedback adds about 100 rows, and those round trips
// were 90 % of SaveResults' time (18.8 of 20.8 ms a batch,
// docs/performance.md "The roll-up's cost on triage"). The keys come from
// an ordered map, so concurrent replicas lock rows in the same order.
void UpsertMultiRow(soci::session& s, const VoiceRollup& rollup) {
  std::vector<RollupRow> rows;
  rows.reserve(rollup.size());
  for (const auto& [k, c] : rollup)
    rows.push_back({static_cast<int>(k.slice), static_cast<int>(k.detail), k.channel, k.value, k.product, k.region,
                    static_cast<long long>(k.day), c.total, c.negative, c.neutral, c.positive, c.negative_intensity,
                    c.nps.promoters, c.nps.passives, c.nps.detractors});
  storage::InsertRows(s, kRollupInsert, 15, kRollupSum, rows, [](soci::details::prepare_temp_type& q, RollupRow& r) {
    q, soci::use(r.slice), soci::use(r.value), soci::use(r.detail), soci::use(r.day), soci::use(r.channel),
        soci::use(r.product), soci::use(r.region), soci::use(r.total), soci::use(r.negative), soci::use(r.neutral),
        soci::use(r.positive), soci::use(r.intensity), soci::use(r.promoters), soci::use(r.passives),
        soci::use(r.detractors);
  });
}

// SQLite: one prepared single-row upsert run over column vectors (SOCI bulk
// binding). Multi-row VALUES statements cost more than linearly in their
// length there: 289,402 rows took 73 s in 200-row statements, 12 s in
// 20-row ones and 2.7 s this way (docs/performance.md).
void UpsertBulk(soci::session& s, const VoiceRollup& rollup) {
  const std::size_t n = rollup.size();
  std::vector<int> slice, detail, channel;
  std::vector<std::string> value, product, region;
  std::vector<long long> day, total, negative, neutral, positive, intensity, promoters, passives, detractors;
  for (auto* v : {&slice, &detail, &channel}) v->reserve(n);
  for (const auto& [k, c] : rollup) {
    slice.push_back(static_cast<int>(k.slice));
    value.push_back(k.value);
    detail.push_back(static_cast<int>(k.detail));
    day.push_back(static_cast<long long>(k.day));
    channel.push_back(k.channel);
    product.push_back(k.product);
    region.push_back(k.region);
    total.push_back(c.total);
    negative.push_back(c.negative);
    neutral.push_back(c.neutral);
    positive.push_back(c.positive);
    intensity.push_back(c.negative_intensity);
    promoters.push_back(c.nps.promoters);
    passives.push_back(c.nps.passives);
    detractors.push_back(c.nps.detractors);
  }
  s << std::string(kRollupInsert) +
           " VALUES (:s, :v, :d, :day, :c, :p, :r, :t, :neg, :neu, :pos, :i, :pr, :pa, :de)" + kRollupSum,
      soci::use(slice), soci::use(value), soci::use(detail), soci::use(day), soci::use(channel), soci::use(product),
      soci::use(region), soci::use(total), soci::use(negative), soci::use(neutral), soci::use(positive),
      soci::use(intensity), soci::use(promoters), soci::use(passives), soci::use(detractors);
}

}  // namespace

void AddVoiceRollup(soci::session& s, const VoiceRollup& rollup) {
  if (rollup.empty()) return;
  if (storage::IsPostgres(s)) UpsertMultiRow(s, rollup);
  else UpsertBulk(s, rollup);
}

absl::StatusOr<std::map<reports::DayNumber, VoiceCounts>> VoiceRollupStore::Days(const VoiceQuery& q) {
  return storage::Guarded("reading the voice roll-up", [&] {
    std::vector<std::string> params;
    std::string where = Where(q, params);
    params.push_back(q.value);
    where += " AND value = :p" + std::to_string(params.size());
    std::map<reports::DayNumber, VoiceCounts> days;
    db_.WithSession([&](soci::session& s) {
      storage::ForEachRow(s, std::string("SELECT day, ") + kCountColumns + " FROM voice_daily" + where + " GROUP BY day",
                          params, [&](const soci::row& r) { days[storage::AsInt(r, 0)] = CountsAt(r, 1); });
    });
    return days;
  });
}

absl::StatusOr<std::map<std::string, VoiceCounts>> VoiceRollupStore::SliceTotals(const VoiceQuery& q) {
  return storage::Guarded("reading the voice roll-up", [&] {
    std::vector<std::string> params;
    const std::string where = Where(q, params);
    std::map<std::string, VoiceCounts> totals;
    db_.WithSession([&](soci::session& s) {
      storage::ForEachRow(s,
                          std::string("SELECT value, ") + kCountColumns + " FROM voice_daily" + where +
                              " GROUP BY value",
                          params, [&](const soci::row& r) { totals[r.get<std::string>(0)] = CountsAt(r, 1); });
    });
    return totals;
  });
}

absl::StatusOr<VoiceRollup> VoiceRollupStore::All() {
  return storage::Guarded("reading the voice roll-up", [&] {
    VoiceRollup out;
    db_.WithSession([&](soci::session& s) {
      storage::ForEachRow(s,
                          "SELECT slice, value, detail, day, channel, product, region, total, negative,"
                          " neutral, positive, negative_intensity, promoters, passives, detractors FROM voice_daily",
                          {}, [&](const soci::row& r) {
                            VoiceKey k;
                            k.slice = static_cast<VoiceSlice>(storage::AsInt(r, 0));
                            k.value = r.get<std::string>(1);
                            k.detail = static_cast<VoiceDetail>(storage::AsInt(r, 2));
                            k.day = storage::AsInt(r, 3);
                            k.channel = static_cast<int>(storage::AsInt(r, 4));
                            k.product = r.get<std::string>(5);
                            k.region = r.get<std::string>(6);
                            out[k] = CountsAt(r, 7);
                          });
    });
    return out;
  });
}

}  // namespace voc::triage
