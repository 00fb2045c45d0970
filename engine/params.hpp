#pragma once
// Parameter binding: a model describes each of its parameters once, by binding a key to a field
// of its own parameter struct. The same description yields the schema (keys, types, units,
// defaults, ranges: `nisim params`, docs/scenarios.md), the scenario loader's validation, and the
// values written into the struct. Engine code knows no parameter names.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nisim {

/// A yearly path: a step function given by (year, value) points in increasing year order.
/// The value at year t is that of the last point with year <= t (the first point's before it).
struct Series {
  std::vector<int> years;      ///< strictly increasing calendar years
  std::vector<double> values;  ///< one value per year, in the parameter's unit

  /// Value in force at calendar year `year`. Precondition: not empty.
  double at(int year) const;
  bool operator==(const Series&) const = default;
};

/// What the documentation and validation know about one parameter.
struct ParamMeta {
  std::string_view unit = {};  ///< e.g. "HK$ M", "m2", "1/year", "fraction", "" for none
  double min = -std::numeric_limits<double>::infinity();  ///< inclusive lower bound
  double max = std::numeric_limits<double>::infinity();   ///< inclusive upper bound
  std::string_view doc = {};                              ///< one line: what it is and its source
};

/// A parameter value of any supported type.
using ParamValue = std::variant<bool, std::int64_t, double, std::string, Series>;

/// Visitor over a model's parameters. A model's bind function calls one method per parameter,
/// always in the same order, with its dotted key ("firms.count") and the field that holds it.
class ParamBinder {
 public:
  virtual ~ParamBinder() = default;
  virtual void real(std::string_view key, double& field, const ParamMeta& meta) = 0;
  virtual void integer(std::string_view key, std::int64_t& field, const ParamMeta& meta) = 0;
  virtual void boolean(std::string_view key, bool& field, const ParamMeta& meta) = 0;
  /// A string; `choices`, when not empty, lists the only values allowed.
  virtual void text(std::string_view key, std::string& field, const ParamMeta& meta,
                    const std::vector<std::string>& choices = {}) = 0;
  /// A yearly path; meta.min/max bound every value.
  virtual void series(std::string_view key, Series& field, const ParamMeta& meta) = 0;
};

/// A function binding every parameter of one parameter struct instance.
using BindFn = std::function<void(ParamBinder&)>;

enum class ParamType { real, integer, boolean, text, series };

/// One entry of the schema: a parameter's key, type, default and documentation.
struct ParamSpec {
  std::string key;
  ParamType type;
  std::string unit;
  double min;
  double max;
  std::string doc;
  ParamValue default_value;
  std::vector<std::string> choices;
};

/// Every parameter a bind function describes, in bind order (defaults read from the fields).
std::vector<ParamSpec> collect_schema(const BindFn& bind);

/// Name of a type as used in messages and docs ("real", "integer", ...).
std::string_view type_name(ParamType type);

/// Value formatted as TOML text ("0.25", "true", "\"x\"", "[[2016, 0.03]]").
std::string to_toml(const ParamValue& value);

}  // namespace nisim
