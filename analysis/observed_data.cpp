// Observed-data files (analysis/observed_data.hpp).
#include "analysis/observed_data.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/sha256.hpp"
#include "engine/error.hpp"

namespace nisim::hk {
namespace {

/// Largest data file read (hostile input guard); data/*.csv are a few tens of kB.
constexpr std::uintmax_t k_max_data_bytes = std::uintmax_t{16} << 20;

const char* const k_columns[] = {"series", "unit",   "year",         "period", "sector", "value",
                                 "flag",   "source", "url_or_table", "note",   "formula"};

[[noreturn]] void fail(const std::filesystem::path& path, int line, const std::string& what) {
  throw ScenarioError(path.string() + ":" + std::to_string(line) + ": " + what);
}

/// Split one CSV record (RFC 4180 quoting; a quoted field may span lines). Advances `pos` past
/// the record and `line` past its line breaks.
std::vector<std::string> record(const std::string& text, std::size_t& pos, int& line,
                                const std::filesystem::path& path) {
  std::vector<std::string> fields(1);
  const int first = line;
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        fields.back() += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      ++line;
      return fields;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (quoted) fail(path, first, "unterminated quoted field");
  return fields;
}

}  // namespace

ObservedData parse_observed_data(const std::string& text, const std::filesystem::path& path) {
  ObservedData d;
  d.path = path;
  d.sha256 = sha256_hex(text);
  std::size_t pos = 0;
  int line = 1;
  const std::vector<std::string> header = record(text, pos, line, path);
  const std::size_t ncol = std::size(k_columns);
  if (header.size() != ncol) {
    fail(path, 1,
         "header: expected the " + std::to_string(ncol) +
             " columns of data/README.md (series,unit,year,...,formula)");
  }
  for (std::size_t c = 0; c < ncol; ++c) {
    if (header[c] != k_columns[c]) {
      fail(path, 1,
           "header: column " + std::to_string(c + 1) + " is '" + header[c] + "', expected '" +
               k_columns[c] + "'");
    }
  }
  while (pos < text.size()) {
    const int at = line;
    const std::vector<std::string> f = record(text, pos, line, path);
    if (f.size() == 1 && f[0].empty()) continue;  // blank line
    if (f.size() != ncol) {
      fail(path, at,
           "expected " + std::to_string(ncol) + " fields, found " + std::to_string(f.size()));
    }
    Observation o;
    o.line = at;
    o.series = f[0];
    o.unit = f[1];
    o.period = f[3];
    o.sector = f[4];
    o.flag = f[6];
    o.source = f[7];
    if (o.series.empty()) fail(path, at, "key 'series': empty");
    const std::string& y = f[2];
    const auto yr = std::from_chars(y.data(), y.data() + y.size(), o.year);
    if (yr.ec != std::errc() || yr.ptr != y.data() + y.size()) {
      fail(path, at, "key 'year': '" + y + "' is not an integer year (series " + o.series + ")");
    }
    const std::string& v = f[5];
    const auto vr = std::from_chars(v.data(), v.data() + v.size(), o.value);
    if (v.empty() || vr.ec != std::errc() || vr.ptr != v.data() + v.size() ||
        !std::isfinite(o.value)) {
      fail(path, at,
           "key 'value': '" + v + "' is not a number (series " + o.series + ", year " + y + ")");
    }
    if (o.source.find_first_not_of(" \t") == std::string::npos) {
      fail(path, at,
           "key 'source': missing (series " + o.series + ", year " + y +
               "); every observation names its publication (data/README.md)");
    }
    d.rows.push_back(std::move(o));
  }
  return d;
}

ObservedData load_observed_data(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw IoError(path.string() + ": cannot read the data file (missing or not a regular file)");
  }
  if (std::filesystem::file_size(path, ec) > k_max_data_bytes) {
    throw ScenarioError(path.string() + ":1: data file larger than 16 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  if (!in) throw IoError(path.string() + ": cannot read the data file");
  return parse_observed_data(s.str(), path);
}

}  // namespace nisim::hk
