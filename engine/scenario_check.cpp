// Scenario values: validation against a model's bound parameters, writing them into the bound
// fields, and suggestions for unknown keys. Reading and parsing the files is in scenario_load.cpp.
#include "engine/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

#include "engine/scenario_detail.hpp"

namespace nisim {
namespace detail {
namespace {

// ---- Validation ----

/// What a parameter accepts: its type, inclusive range, unit and (for text) choices.
struct Expectation {
  ParamType type;
  double min;
  double max;
  std::string_view unit;
  const std::vector<std::string>* choices;
};

const std::vector<std::string> k_no_choices;

std::string describe(const Expectation& expect) {
  std::string text(type_name(expect.type));
  const bool low = std::isfinite(expect.min), high = std::isfinite(expect.max);
  if (low && high) {
    text += " in [" + format_number(expect.min) + ", " + format_number(expect.max) + "]";
  } else if (low) {
    text += " >= " + format_number(expect.min);
  } else if (high) {
    text += " <= " + format_number(expect.max);
  }
  if (!expect.unit.empty()) text += " " + std::string(expect.unit);
  if (expect.type == ParamType::text && !expect.choices->empty()) {
    text += ", one of";
    for (std::size_t i = 0; i < expect.choices->size(); ++i) {
      text += (i == 0 ? " " : ", ") + to_toml((*expect.choices)[i]);
    }
  }
  return text;
}

std::string describe(const ParamValue& value) {
  struct Describer {
    std::string operator()(bool v) const { return "boolean " + to_toml(v); }
    std::string operator()(std::int64_t v) const { return "integer " + std::to_string(v); }
    std::string operator()(double v) const { return "real " + format_number(v); }
    std::string operator()(const std::string& v) const { return "text " + to_toml(v); }
    std::string operator()(const Series&) const { return "series"; }
  };
  return std::visit(Describer{}, value);
}

[[noreturn]] void reject(const SourcePos& pos, std::string_view key, const std::string& what,
                         const Expectation& expect) {
  fail(pos, quoted_key(key) + ": " + what + " (expected " + describe(expect) + ")");
}

void check_number(double x, std::string_view key, const Expectation& expect, const SourcePos& pos,
                  const std::string& context) {
  if (!std::isfinite(x)) {
    reject(pos, key, "value " + format_number(x) + context + " is not finite", expect);
  }
  if (x < expect.min || x > expect.max) {
    reject(pos, key, "value " + format_number(x) + context + " is out of range", expect);
  }
}

/// Whether integer `i` lies in [lo, hi], compared exactly: converting `i` to double would round
/// (2^63 - 1 becomes 2^63), so whole bounds are converted to integers instead. A bound beyond
/// the int64 range holds for every integer.
bool integer_in_range(std::int64_t i, double lo, double hi) {
  constexpr double two63 = 9223372036854775808.0;
  if (lo > -two63 && i < static_cast<std::int64_t>(std::ceil(lo))) return false;
  if (hi < two63 && i > static_cast<std::int64_t>(std::floor(hi))) return false;
  return true;
}

[[noreturn]] void reject_type(std::string_view key, const Expectation& expect,
                              const ParamValue& value, const SourcePos& pos) {
  reject(pos, key, "wrong type: got " + describe(value), expect);
}

/// The one check of a value against a parameter; returns it converted to the parameter's type
/// (an integer given for a real) or throws ScenarioError.
ParamValue check_value(std::string_view key, const Expectation& expect, const ParamValue& value,
                       const SourcePos& pos) {
  switch (expect.type) {
    case ParamType::real: {
      double x = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        x = static_cast<double>(*i);
      } else if (const auto* d = std::get_if<double>(&value)) {
        x = *d;
      } else {
        reject_type(key, expect, value, pos);
      }
      check_number(x, key, expect, pos, "");
      return x;
    }
    case ParamType::integer: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (i == nullptr) reject_type(key, expect, value, pos);
      if (!integer_in_range(*i, expect.min, expect.max)) {
        reject(pos, key, "value " + std::to_string(*i) + " is out of range", expect);
      }
      return *i;
    }
    case ParamType::boolean:
      if (!std::holds_alternative<bool>(value)) reject_type(key, expect, value, pos);
      return value;
    case ParamType::text: {
      const auto* s = std::get_if<std::string>(&value);
      if (s == nullptr) reject_type(key, expect, value, pos);
      const auto& choices = *expect.choices;
      if (!choices.empty() && std::find(choices.begin(), choices.end(), *s) == choices.end()) {
        reject(pos, key, "value " + to_toml(*s) + " is not one of the choices", expect);
      }
      return value;
    }
    case ParamType::series: {
      const auto* series = std::get_if<Series>(&value);
      if (series == nullptr) reject_type(key, expect, value, pos);
      if (series->years.empty()) reject(pos, key, "empty series", expect);
      if (series->years.size() != series->values.size()) {
        reject(pos, key, "series has different numbers of years and values", expect);
      }
      for (std::size_t i = 0; i < series->years.size(); ++i) {
        const int year = series->years[i];
        if (i > 0 && year <= series->years[i - 1]) {
          reject(pos, key,
                 "series years are not strictly increasing (" + std::to_string(year) + " after " +
                     std::to_string(series->years[i - 1]) + ")",
                 expect);
        }
        check_number(series->values[i], key, expect, pos, " at year " + std::to_string(year));
      }
      return value;
    }
  }
  reject_type(key, expect, value, pos);
}

/// Writes into each bound field the value `lookup` finds for its key, after checking it.
class WritingBinder final : public ParamBinder {
 public:
  using Lookup = std::function<const Entry*(std::string_view)>;
  explicit WritingBinder(Lookup lookup) : lookup_(std::move(lookup)) {}

  void real(std::string_view key, double& field, const ParamMeta& meta) override {
    write(key, field, ParamType::real, meta, k_no_choices);
  }
  void integer(std::string_view key, std::int64_t& field, const ParamMeta& meta) override {
    write(key, field, ParamType::integer, meta, k_no_choices);
  }
  void boolean(std::string_view key, bool& field, const ParamMeta& meta) override {
    write(key, field, ParamType::boolean, meta, k_no_choices);
  }
  void text(std::string_view key, std::string& field, const ParamMeta& meta,
            const std::vector<std::string>& choices) override {
    write(key, field, ParamType::text, meta, choices);
  }
  void series(std::string_view key, Series& field, const ParamMeta& meta) override {
    write(key, field, ParamType::series, meta, k_no_choices);
  }

  int written() const { return written_; }

 private:
  template <typename T>
  void write(std::string_view key, T& field, ParamType type, const ParamMeta& meta,
             const std::vector<std::string>& choices) {
    const Entry* entry = lookup_(key);
    if (entry == nullptr) return;
    ++written_;
    const Expectation expect{type, meta.min, meta.max, meta.unit, &choices};
    field = std::get<T>(check_value(key, expect, entry->first, entry->second));
  }

  Lookup lookup_;
  int written_ = 0;
};

std::string unknown_key_message(const std::vector<ParamSpec>& schema, const std::string& key) {
  return "unknown key '" + key + "'" + did_you_mean(schema, key);
}

/// Levenshtein distance of `a` and `b`, or `limit` + 1 when their lengths alone show it is more
/// than `limit` (so a hostile, huge key costs nothing).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if (std::max(a.size(), b.size()) - std::min(a.size(), b.size()) > limit) return limit + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view last_segment(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

}  // namespace
}  // namespace detail

void apply_scenario(const Scenario& scenario, const BindFn& bind) {
  const std::vector<ParamSpec> schema = collect_schema(bind);
  std::map<std::string_view, const ParamSpec*> by_key;
  for (const auto& spec : schema) by_key.emplace(spec.key, &spec);

  // Check every value and shock first, in file order, so the first error is deterministic and
  // nothing is written from an invalid scenario.
  struct Item {
    const std::string* key;
    const ParamValue* value;
    const SourcePos* pos;
  };
  std::vector<Item> items;
  for (const auto& [key, entry] : scenario.values) {
    items.push_back({&key, &entry.first, &entry.second});
  }
  for (const auto& shock : scenario.shocks) items.push_back({&shock.key, &shock.value, &shock.pos});
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return detail::earlier(*a.pos, *b.pos); });
  for (const auto& item : items) {
    const auto it = by_key.find(*item.key);
    if (it == by_key.end()) detail::fail(*item.pos, detail::unknown_key_message(schema, *item.key));
    const ParamSpec& spec = *it->second;
    detail::check_value(
        *item.key, detail::Expectation{spec.type, spec.min, spec.max, spec.unit, &spec.choices},
        *item.value, *item.pos);
  }

  detail::WritingBinder binder([&](std::string_view key) -> const detail::Entry* {
    const auto it = scenario.values.find(std::string(key));
    return it == scenario.values.end() ? nullptr : &it->second;
  });
  bind(binder);
}

void set_param(const BindFn& bind, const std::string& key, const ParamValue& value,
               const SourcePos& pos) {
  const detail::Entry entry{value, pos};
  detail::WritingBinder binder(
      [&](std::string_view bound) { return bound == key ? &entry : nullptr; });
  bind(binder);
  if (binder.written() == 0) {
    detail::fail(pos, detail::unknown_key_message(collect_schema(bind), key));
  }
}

std::string nearest_key(const std::vector<ParamSpec>& schema, const std::string& key) {
  const std::string_view last = detail::last_segment(key);
  const std::size_t full_limit = std::max<std::size_t>(2, key.size() / 3);
  const std::size_t last_limit = std::max<std::size_t>(2, last.size() / 3);
  std::string best;
  auto best_score = std::make_pair(std::numeric_limits<std::size_t>::max(), std::size_t{0});
  for (const auto& spec : schema) {
    const std::size_t full = detail::edit_distance(key, spec.key, full_limit);
    const std::size_t segment =
        detail::edit_distance(last, detail::last_segment(spec.key), last_limit);
    std::size_t score = std::numeric_limits<std::size_t>::max();
    if (full <= full_limit) score = full;
    if (segment <= last_limit) score = std::min(score, segment);
    if (score == std::numeric_limits<std::size_t>::max()) continue;
    if (std::make_pair(score, full) < best_score) {
      best_score = {score, full};
      best = spec.key;
    }
  }
  return best;
}

std::string did_you_mean(const std::vector<ParamSpec>& schema, const std::string& key) {
  const std::string near = nearest_key(schema, key);
  return near.empty() ? std::string() : " (did you mean '" + near + "'?)";
}

const ParamSpec* find_spec(const std::vector<ParamSpec>& schema, const std::string& key) {
  const auto it =
      std::find_if(schema.begin(), schema.end(), [&](const ParamSpec& s) { return s.key == key; });
  return it == schema.end() ? nullptr : &*it;
}

}  // namespace nisim
