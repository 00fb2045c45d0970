// Scenario files: reading, TOML parsing and flattening, inheritance, shocks, and validation of
// the values against a model's bound parameters.
#include "engine/scenario.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <system_error>
#include <tuple>
#include <utility>

#include <toml++/toml.h>

#include "engine/error.hpp"

namespace nisim {
namespace detail {
namespace {

namespace fs = std::filesystem;
using Entry = std::pair<ParamValue, SourcePos>;

// ---- Messages ----

std::string where(const SourcePos& pos) {
  return (pos.file.empty() ? std::string("<input>") : pos.file) + ":" + std::to_string(pos.line) +
         ":" + std::to_string(pos.column) + ": ";
}

[[noreturn]] void fail(const SourcePos& pos, const std::string& what) {
  throw ScenarioError(where(pos) + what);
}

std::string quoted_key(std::string_view key) {
  return "key '" + std::string(key) + "'";
}

/// A number in messages: its TOML form without a trailing ".0" ("0.25", "1", "100000", "inf").
std::string format_number(double value) {
  std::string text = to_toml(value);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

bool earlier(const SourcePos& a, const SourcePos& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

// ---- Reading files and checking raw text ----

/// Reads at most k_max_scenario_bytes + 1 bytes of `path` into `text`; "" on success, else why not.
std::string read_file(const fs::path& path, std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return "is a directory";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ec = std::make_error_code(static_cast<std::errc>(errno));
    return ec ? ec.message() : "cannot open";
  }
  text.clear();
  std::array<char, 65536> chunk{};
  while (in && text.size() <= k_max_scenario_bytes) {
    in.read(chunk.data(), chunk.size());
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return "read error";
  if (text.size() > k_max_scenario_bytes) {
    return "file too large (the limit is " + std::to_string(k_max_scenario_bytes) + " bytes)";
  }
  return "";
}

/// Rejects oversized text, NUL bytes and invalid UTF-8 (overlong forms, surrogates, > U+10FFFF).
void check_text(std::string_view text, const std::string& file) {
  if (text.size() > k_max_scenario_bytes) {
    throw ScenarioError(file + ": scenario file too large (" + std::to_string(text.size()) +
                        " bytes; the limit is " + std::to_string(k_max_scenario_bytes) + ")");
  }
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const SourcePos pos{file, line, static_cast<int>(i - line_start) + 1};
    if (byte == 0) fail(pos, "NUL byte (a scenario file must be UTF-8 text)");
    if (byte < 0x80) {
      if (byte == '\n') {
        ++line;
        line_start = i + 1;
      }
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      if (byte == 0xE0) low = 0xA0;
      if (byte == 0xED) high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      if (byte == 0xF0) low = 0x90;
      if (byte == 0xF4) high = 0x8F;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xBF);
    }
    if (!valid) fail(pos, "invalid UTF-8 (a scenario file must be UTF-8 text)");
    i += length;
  }
}

// ---- Parsing one file ----

struct ParsedFile {
  std::vector<std::pair<std::string, Entry>> values;
  std::vector<Shock> shocks;
  std::optional<std::pair<std::string, SourcePos>> inherit;
};

/// Turns one file's TOML into flat dotted keys, shocks and the inherit line. Structural errors
/// are collected and the earliest in the file is thrown, so messages are deterministic.
class FileParser {
 public:
  explicit FileParser(std::string file) : file_(std::move(file)) {}

  ParsedFile parse(const std::string& text) {
    toml::table root;
    try {
      root = toml::parse(std::string_view(text), std::string_view(file_));
    } catch (const toml::parse_error& e) {
      fail(SourcePos{file_, static_cast<int>(e.source().begin.line),
                     static_cast<int>(e.source().begin.column)},
           "syntax error: " + std::string(e.description()));
    }
    Seen seen;
    for (auto&& [name, node] : root) {
      const std::string key(name.str());
      if (key == "inherit") {
        if (const auto* file = node.as_string()) {
          result_.inherit.emplace(file->get(), pos_of(node));
        } else {
          error(pos_of(node), quoted_key(key) + ": expected a file name in quotes");
        }
      } else if (key == "shock") {
        parse_shocks(node);
      } else {
        flatten(key, node, result_.values, seen);
      }
    }
    if (first_error_) fail(first_error_->first, first_error_->second);
    return std::move(result_);
  }

 private:
  using Seen = std::map<std::string, SourcePos>;

  SourcePos pos_of(const toml::node& node) const {
    const auto& begin = node.source().begin;
    return SourcePos{file_, static_cast<int>(begin.line), static_cast<int>(begin.column)};
  }

  void error(const SourcePos& pos, std::string message) {
    if (!first_error_ || earlier(pos, first_error_->first)) {
      first_error_.emplace(pos, std::move(message));
    }
  }

  /// Tables nest keys: {firms = {count = 1}} and "firms.count" = 1 both give key "firms.count".
  void flatten(const std::string& key, const toml::node& node,
               std::vector<std::pair<std::string, Entry>>& out, Seen& seen) {
    if (const auto* table = node.as_table()) {
      for (auto&& [name, child] : *table) {
        flatten(key + "." + std::string(name.str()), child, out, seen);
      }
      return;
    }
    auto value = convert(key, node);
    if (!value) return;
    const SourcePos pos = pos_of(node);
    if (const auto [it, inserted] = seen.emplace(key, pos); !inserted) {
      const bool before = earlier(pos, it->second);
      error(before ? it->second : pos, quoted_key(key) + ": set twice (first at line " +
                                           std::to_string((before ? pos : it->second).line) + ")");
      return;
    }
    out.emplace_back(key, Entry{std::move(*value), pos});
  }

  std::optional<ParamValue> convert(const std::string& key, const toml::node& node) {
    if (const auto v = node.value_exact<bool>()) return ParamValue(*v);
    if (const auto v = node.value_exact<std::int64_t>()) return ParamValue(*v);
    if (const auto v = node.value_exact<double>()) return ParamValue(*v);
    if (const auto v = node.value_exact<std::string>()) return ParamValue(*v);
    if (const auto* array = node.as_array()) return convert_series(key, *array);
    error(pos_of(node), quoted_key(key) + ": dates and times are not supported");
    return std::nullopt;
  }

  /// [[year, value], ...]; year order is checked when the scenario is applied.
  std::optional<ParamValue> convert_series(const std::string& key, const toml::array& array) {
    Series series;
    for (const auto& element : array) {
      const auto* pair = element.as_array();
      if (pair == nullptr || pair->size() != 2) {
        error(pos_of(element), quoted_key(key) + ": arrays are only [year, value] pairs");
        return std::nullopt;
      }
      const auto* year = (*pair)[0].as_integer();
      if (year == nullptr || year->get() < std::numeric_limits<int>::min() ||
          year->get() > std::numeric_limits<int>::max()) {
        error(pos_of((*pair)[0]),
              quoted_key(key) + ": a year must be an integer, as in [2016, 0.5]");
        return std::nullopt;
      }
      const auto& value = (*pair)[1];
      if (!value.is_number()) {
        error(pos_of(value), quoted_key(key) + ": a value must be a number, as in [2016, 0.5]");
        return std::nullopt;
      }
      series.years.push_back(static_cast<int>(year->get()));
      series.values.push_back(value.is_integer() ? static_cast<double>(value.as_integer()->get())
                                                 : value.as_floating_point()->get());
    }
    return ParamValue(std::move(series));
  }

  void parse_shocks(const toml::node& node) {
    const auto* array = node.as_array();
    if (array == nullptr || (!array->empty() && !array->is_array_of_tables())) {
      error(pos_of(node), "key 'shock': expected [[shock]] tables with 'year' and 'set'");
      return;
    }
    for (const auto& element : *array) parse_shock(*element.as_table());
  }

  void parse_shock(const toml::table& table) {
    std::optional<int> year;
    const toml::table* set = nullptr;
    for (auto&& [name, value] : table) {
      const std::string key(name.str());
      if (key == "year") {
        const auto* integer = value.as_integer();
        if (integer != nullptr && integer->get() >= std::numeric_limits<int>::min() &&
            integer->get() <= std::numeric_limits<int>::max()) {
          year = static_cast<int>(integer->get());
        } else {
          error(pos_of(value), "key 'shock.year': expected an integer year");
        }
      } else if (key == "set") {
        set = value.as_table();
        if (set == nullptr) {
          error(pos_of(value), "key 'shock.set': expected a table of key = value");
        }
      } else {
        error(pos_of(value), quoted_key("shock." + key) +
                                 ": unknown key in [[shock]] (expected only 'year' and 'set')");
      }
    }
    const SourcePos pos = pos_of(table);
    if (!table.contains("year")) {
      error(pos, "key 'shock.year': missing (each [[shock]] needs an integer year)");
    }
    if (!table.contains("set")) {
      error(pos, "key 'shock.set': missing (each [[shock]] needs a table of values)");
    }
    if (set != nullptr && set->empty()) error(pos_of(*set), "key 'shock.set': sets no keys");
    if (!year || set == nullptr) return;
    std::vector<std::pair<std::string, Entry>> entries;
    Seen seen;
    for (auto&& [name, value] : *set) flatten(std::string(name.str()), value, entries, seen);
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return earlier(a.second.second, b.second.second);
    });
    for (auto& [key, entry] : entries) {
      result_.shocks.push_back(Shock{*year, key, std::move(entry.first), entry.second});
    }
  }

  std::string file_;
  std::optional<std::pair<SourcePos, std::string>> first_error_;
  ParsedFile result_;
};

// ---- Inheritance ----

struct ChainLink {
  fs::path canonical;
  std::string file;
};

fs::path canonical_or_absolute(const fs::path& path) {
  std::error_code ec;
  fs::path result = fs::weakly_canonical(path, ec);
  if (ec) result = fs::absolute(path, ec).lexically_normal();
  return result;
}

/// Loads `text` (the file `path`, last link of `chain`) after its parents, merging into `out`.
void load_chain(const std::string& text, const fs::path& path, std::vector<ChainLink>& chain,
                Scenario& out) {
  const std::string file = path.string();
  check_text(text, file);
  ParsedFile parsed = FileParser(file).parse(text);
  if (parsed.inherit) {
    const auto& [name, pos] = *parsed.inherit;
    const std::string what = "key 'inherit': ";
    const fs::path parent = (path.parent_path() / name).lexically_normal();
    const fs::path canonical = canonical_or_absolute(parent);
    const auto cycle = std::find_if(chain.begin(), chain.end(), [&](const ChainLink& link) {
      return link.canonical == canonical;
    });
    if (cycle != chain.end()) {
      std::string links;
      for (auto it = cycle; it != chain.end(); ++it) links += it->file + " -> ";
      fail(pos, what + "inheritance cycle: " + links + parent.string());
    }
    if (chain.size() > static_cast<std::size_t>(k_max_inherit_depth)) {
      fail(pos, what + "inheritance deeper than " + std::to_string(k_max_inherit_depth) +
                    " levels (from " + chain.front().file + ")");
    }
    std::string parent_text;
    if (const std::string problem = read_file(parent, parent_text); !problem.empty()) {
      fail(pos, what + "cannot read inherited file '" + parent.string() + "': " + problem);
    }
    chain.push_back(ChainLink{canonical, parent.string()});
    load_chain(parent_text, parent, chain, out);
    chain.pop_back();
  }
  out.text += "# ---- " + file + " ----\n" + text;
  if (!text.empty() && text.back() != '\n') out.text += '\n';
  for (auto& [key, entry] : parsed.values) out.values[key] = std::move(entry);
  for (auto& shock : parsed.shocks) out.shocks.push_back(std::move(shock));
}

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
      check_number(static_cast<double>(*i), key, expect, pos, "");
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
  const std::string suggestion = nearest_key(schema, key);
  return "unknown key '" + key + "'" +
         (suggestion.empty() ? std::string() : " (did you mean '" + suggestion + "'?)");
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

Scenario load_scenario_text(const std::string& text, const std::filesystem::path& path) {
  Scenario scenario;
  scenario.path = path;
  scenario.name = path.stem().string();
  std::vector<detail::ChainLink> chain{{detail::canonical_or_absolute(path), path.string()}};
  detail::load_chain(text, path, chain, scenario);
  std::stable_sort(scenario.shocks.begin(), scenario.shocks.end(),
                   [](const Shock& a, const Shock& b) { return a.year < b.year; });
  return scenario;
}

Scenario load_scenario(const std::filesystem::path& path) {
  std::string text;
  if (const std::string problem = detail::read_file(path, text); !problem.empty()) {
    throw ScenarioError(path.string() + ": cannot read scenario file: " + problem);
  }
  return load_scenario_text(text, path);
}

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

}  // namespace nisim
