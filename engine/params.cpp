// Parameter binding: schema collection and TOML formatting of parameter values.
#include "engine/params.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <system_error>

namespace nisim {

double Series::at(int year) const {
  // First point strictly after `year`; the one before it is in force (or the first point, if
  // `year` precedes every point).
  const auto after = std::upper_bound(years.begin(), years.end(), year);
  if (after == years.begin()) return values.front();
  return values[static_cast<std::size_t>(after - years.begin()) - 1];
}

namespace detail {
namespace {

/// Records every bound parameter as a ParamSpec, in bind order.
class CollectingBinder final : public ParamBinder {
 public:
  void real(std::string_view key, double& field, const ParamMeta& meta) override {
    add(key, ParamType::real, meta, field, {});
  }
  void integer(std::string_view key, std::int64_t& field, const ParamMeta& meta) override {
    add(key, ParamType::integer, meta, field, {});
  }
  void boolean(std::string_view key, bool& field, const ParamMeta& meta) override {
    add(key, ParamType::boolean, meta, field, {});
  }
  void text(std::string_view key, std::string& field, const ParamMeta& meta,
            const std::vector<std::string>& choices) override {
    add(key, ParamType::text, meta, field, choices);
  }
  void series(std::string_view key, Series& field, const ParamMeta& meta) override {
    add(key, ParamType::series, meta, field, {});
  }

  std::vector<ParamSpec> take() { return std::move(specs_); }

 private:
  void add(std::string_view key, ParamType type, const ParamMeta& meta, ParamValue value,
           const std::vector<std::string>& choices) {
    if (!seen_.emplace(key).second) {
      throw std::logic_error("parameter key '" + std::string(key) + "' is bound twice");
    }
    specs_.push_back(ParamSpec{std::string(key), type, std::string(meta.unit), meta.min, meta.max,
                               std::string(meta.doc), std::move(value), choices});
  }

  std::vector<ParamSpec> specs_;
  std::set<std::string, std::less<>> seen_;
};

/// Shortest text that reads back as exactly `value` (std::to_chars), TOML-valid: always has a
/// fraction or exponent, so it parses as a float, not an integer. Plain decimals for the usual
/// magnitudes ("100000.0", "0.0001"), exponents for the others ("1e+300").
std::string format_real(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-5 && magnitude < 1e15);
  std::array<char, 64> buffer{};
  const auto result = plain ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::fixed)
                            : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string format_string(const std::string& value) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += "\\u00";
          out += k_hex[byte >> 4];
          out += k_hex[byte & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace
}  // namespace detail

std::vector<ParamSpec> collect_schema(const BindFn& bind) {
  detail::CollectingBinder binder;
  bind(binder);
  return binder.take();
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::real:
      return "real";
    case ParamType::integer:
      return "integer";
    case ParamType::boolean:
      return "boolean";
    case ParamType::text:
      return "text";
    case ParamType::series:
      return "series";
  }
  return "unknown";
}

std::string to_toml(const ParamValue& value) {
  struct Formatter {
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return detail::format_real(v); }
    std::string operator()(const std::string& v) const { return detail::format_string(v); }
    std::string operator()(const Series& v) const {
      std::string out = "[";
      const std::size_t n = std::min(v.years.size(), v.values.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out += ", ";
        out += "[" + std::to_string(v.years[i]) + ", " + detail::format_real(v.values[i]) + "]";
      }
      return out + "]";
    }
  };
  return std::visit(Formatter{}, value);
}

}  // namespace nisim
