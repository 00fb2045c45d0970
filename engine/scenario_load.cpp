// Scenario files: reading, UTF-8 and size checks, TOML parsing and flattening, shocks and
// inheritance. Checking the values against a model's parameters is in scenario_check.cpp.
#include "engine/scenario.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>

#include <toml++/toml.h>

#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/scenario_detail.hpp"

namespace nisim {
namespace detail {
namespace {

namespace fs = std::filesystem;

// ---- Reading files and checking raw text ----

/// Reads at most k_max_scenario_bytes + 1 bytes of `path` into `text`; "" on success, else why not.
/// Only a regular file is read (a link to one is followed): the file is opened without
/// blocking and checked with fstat before any read, so a FIFO or a device cannot hang or
/// flood the process.
std::string read_file(const fs::path& path, std::string& text) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::make_error_code(static_cast<std::errc>(errno)).message();
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return S_ISDIR(st.st_mode) ? "is a directory"
                               : "not a regular file (" + file_kind(st.st_mode) + ")";
  }
  text.clear();
  std::array<char, 65536> chunk{};
  while (text.size() <= k_max_scenario_bytes) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return "read error";
    }
    if (n == 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (text.size() > k_max_scenario_bytes) {
    return "file too large (the limit is " + std::to_string(k_max_scenario_bytes) + " bytes)";
  }
  return "";
}

/// A file given on the command line that cannot be read is a file error (exit 4); one that is
/// too large is an invalid input (exit 3), like one with bad contents.
[[noreturn]] void throw_unreadable(const std::string& message) {
  if (message.find(": file too large") != std::string::npos) throw ScenarioError(message);
  throw IoError(message);
}

/// Rejects oversized text, NUL bytes, invalid UTF-8 (overlong forms, surrogates, > U+10FFFF)
/// and nesting deeper than k_max_nesting_depth.
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
  check_nesting(text, file);  // before toml++, which recurses once per level
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
          if (file->get().empty() || file->get().find('\0') != std::string::npos) {
            error(pos_of(node), quoted_key(key) + ": a file name must be non-empty, without NUL");
          } else {
            result_.inherit.emplace(file->get(), pos_of(node));
          }
        } else {
          error(pos_of(node), quoted_key(key) + ": expected a file name in quotes");
        }
      } else if (key == "shock") {
        parse_shocks(node);
      } else {
        flatten(key, node, result_.values, seen, 1);
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
  /// `depth` is the number of parts of `key`; the pre-scan (check_nesting) bounds it, and so the
  /// recursion, but the check here keeps the bound local.
  void flatten(const std::string& key, const toml::node& node,
               std::vector<std::pair<std::string, Entry>>& out, Seen& seen, int depth) {
    if (depth > k_max_nesting_depth) {
      error(pos_of(node), quoted_key(key.substr(0, 40) + "...") + ": nested deeper than " +
                              std::to_string(k_max_nesting_depth) + " levels");
      return;
    }
    if (const auto* table = node.as_table()) {
      // An inline {} sets nothing: almost certainly a mistake for a value.
      if (table->empty() && table->is_inline()) {
        error(pos_of(node), quoted_key(key) + ": expected a value, got an empty table {}");
      }
      for (auto&& [name, child] : *table) {
        flatten(key + "." + std::string(name.str()), child, out, seen, depth + 1);
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
    for (auto&& [name, value] : *set) {
      flatten(std::string(name.str()), value, entries, seen, 1);
    }
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
    out.files.push_back(parent);
    load_chain(parent_text, parent, chain, out);
    chain.pop_back();
  }
  out.text += "# ---- " + file + " ----\n" + text;
  if (!text.empty() && text.back() != '\n') out.text += '\n';
  for (auto& [key, entry] : parsed.values) out.values[key] = std::move(entry);
  for (auto& shock : parsed.shocks) out.shocks.push_back(std::move(shock));
}

}  // namespace
}  // namespace detail

Scenario load_scenario_text(const std::string& text, const std::filesystem::path& path) {
  Scenario scenario;
  scenario.path = path;
  scenario.name = path.stem().string();
  scenario.files.push_back(path);
  std::vector<detail::ChainLink> chain{{detail::canonical_or_absolute(path), path.string()}};
  detail::load_chain(text, path, chain, scenario);
  std::stable_sort(scenario.shocks.begin(), scenario.shocks.end(),
                   [](const Shock& a, const Shock& b) { return a.year < b.year; });
  return scenario;
}

std::string read_input_text(const std::filesystem::path& path) {
  std::string text;
  if (const std::string problem = detail::read_file(path, text); !problem.empty()) {
    detail::throw_unreadable(path.string() + ": cannot read file: " + problem);
  }
  detail::check_text(text, path.string());
  return text;
}

Scenario load_scenario(const std::filesystem::path& path) {
  std::string text;
  if (const std::string problem = detail::read_file(path, text); !problem.empty()) {
    detail::throw_unreadable(path.string() + ": cannot read scenario file: " + problem);
  }
  return load_scenario_text(text, path);
}

}  // namespace nisim
