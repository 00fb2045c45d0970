// Tests of engine/params.hpp: Series, schema collection, formatting; plus set_param and
// nearest_key, which work on a bind function alone.
#include "engine/params.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "engine/error.hpp"
#include "engine/scenario.hpp"
#include "test_params.hpp"

namespace nisim {
namespace {

using test::TestParams;

/// The message of the ScenarioError `fn` throws ("" and a test failure if it throws none).
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.code(), ExitCode::scenario);
    return e.what();
  }
  ADD_FAILURE() << "expected a ScenarioError";
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- Series ----

TEST(SeriesTest, AtIsAStepFunction) {
  const Series s{{2016, 2020, 2025}, {0.03, -0.065, 0.01}};
  EXPECT_EQ(s.at(2016), 0.03);
  EXPECT_EQ(s.at(2017), 0.03);
  EXPECT_EQ(s.at(2019), 0.03);
  EXPECT_EQ(s.at(2020), -0.065);
  EXPECT_EQ(s.at(2024), -0.065);
  EXPECT_EQ(s.at(2025), 0.01);
  EXPECT_EQ(s.at(2100), 0.01);
}

TEST(SeriesTest, BeforeTheFirstPointIsTheFirstValue) {
  const Series s{{2016, 2020}, {0.5, 0.7}};
  EXPECT_EQ(s.at(2015), 0.5);
  EXPECT_EQ(s.at(1900), 0.5);
  EXPECT_EQ(s.at(std::numeric_limits<int>::min()), 0.5);
}

TEST(SeriesTest, SinglePointIsConstant) {
  const Series s{{2020}, {1.5}};
  EXPECT_EQ(s.at(2000), 1.5);
  EXPECT_EQ(s.at(2020), 1.5);
  EXPECT_EQ(s.at(2050), 1.5);
}

// ---- Schema ----

TEST(SchemaTest, CollectsEveryParameterInBindOrder) {
  TestParams p;
  const auto schema = collect_schema(p.binder());
  ASSERT_EQ(schema.size(), 6u);
  EXPECT_EQ(schema[0].key, "econ.rate");
  EXPECT_EQ(schema[0].type, ParamType::real);
  EXPECT_EQ(schema[0].unit, "fraction");
  EXPECT_EQ(schema[0].min, 0.0);
  EXPECT_EQ(schema[0].max, 1.0);
  EXPECT_EQ(schema[0].doc, "a rate");
  EXPECT_EQ(schema[1].key, "econ.scale");
  EXPECT_EQ(schema[1].min, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(schema[1].max, std::numeric_limits<double>::infinity());
  EXPECT_EQ(schema[1].unit, "");
  EXPECT_EQ(schema[2].key, "firms.count");
  EXPECT_EQ(schema[2].type, ParamType::integer);
  EXPECT_EQ(schema[3].type, ParamType::boolean);
  EXPECT_EQ(schema[4].type, ParamType::text);
  EXPECT_EQ(schema[4].choices, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(schema[3].choices.empty());
  EXPECT_EQ(schema[5].key, "macro.path");
  EXPECT_EQ(schema[5].type, ParamType::series);
  EXPECT_EQ(schema[5].unit, "1/year");
}

TEST(SchemaTest, DefaultsAreTheFieldsCurrentValues) {
  TestParams p;
  p.rate = 0.75;
  p.count = 42;
  p.on = false;
  p.mode = "y";
  p.path = Series{{2000, 2010}, {0.1, 0.2}};
  const auto schema = collect_schema(p.binder());
  EXPECT_EQ(schema[0].default_value, ParamValue(0.75));
  EXPECT_EQ(schema[1].default_value, ParamValue(2.0));
  EXPECT_EQ(schema[2].default_value, ParamValue(std::int64_t{42}));
  EXPECT_EQ(schema[3].default_value, ParamValue(false));
  EXPECT_EQ(schema[4].default_value, ParamValue(std::string("y")));
  EXPECT_EQ(schema[5].default_value, ParamValue(Series{{2000, 2010}, {0.1, 0.2}}));
}

TEST(SchemaTest, CollectingDoesNotChangeTheFields) {
  TestParams p;
  (void)collect_schema(p.binder());
  EXPECT_EQ(p.rate, 0.25);
  EXPECT_EQ(p.count, 10);
  EXPECT_EQ(p.mode, "x");
}

TEST(SchemaTest, DuplicateKeyIsALogicError) {
  double a = 0, b = 0;
  const BindFn bind = [&](ParamBinder& binder) {
    binder.real("dup.key", a, {});
    binder.real("dup.key", b, {});
  };
  EXPECT_THROW((void)collect_schema(bind), std::logic_error);
  try {
    (void)collect_schema(bind);
  } catch (const std::logic_error& e) {
    EXPECT_TRUE(contains(e.what(), "dup.key")) << e.what();
  }
}

TEST(SchemaTest, TypeNames) {
  EXPECT_EQ(type_name(ParamType::real), "real");
  EXPECT_EQ(type_name(ParamType::integer), "integer");
  EXPECT_EQ(type_name(ParamType::boolean), "boolean");
  EXPECT_EQ(type_name(ParamType::text), "text");
  EXPECT_EQ(type_name(ParamType::series), "series");
}

// ---- to_toml ----

TEST(ToTomlTest, FormatsEachType) {
  EXPECT_EQ(to_toml(true), "true");
  EXPECT_EQ(to_toml(false), "false");
  EXPECT_EQ(to_toml(std::int64_t{9000}), "9000");
  EXPECT_EQ(to_toml(std::int64_t{-3}), "-3");
  EXPECT_EQ(to_toml(0.25), "0.25");
  EXPECT_EQ(to_toml(0.1), "0.1");
  EXPECT_EQ(to_toml(-0.065), "-0.065");
  EXPECT_EQ(to_toml(1.0), "1.0");  // stays a float when read back
  EXPECT_EQ(to_toml(100000.0), "100000.0");
  EXPECT_EQ(to_toml(0.0001), "0.0001");
  EXPECT_EQ(to_toml(0.0), "0.0");
  EXPECT_EQ(to_toml(1e300), "1e+300");
  EXPECT_EQ(to_toml(1e-7), "1e-07");
  EXPECT_EQ(to_toml(1e15), "1e+15");
  EXPECT_EQ(to_toml(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(to_toml(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(to_toml(std::nan("")), "nan");
  EXPECT_EQ(to_toml(std::string("x")), "\"x\"");
  EXPECT_EQ(to_toml(std::string("a\"b\\c\nd\te")), "\"a\\\"b\\\\c\\nd\\te\"");
  EXPECT_EQ(to_toml(std::string("\x01")), "\"\\u0001\"");
  EXPECT_EQ(to_toml(Series{{2016, 2020}, {0.03, -0.065}}), "[[2016, 0.03], [2020, -0.065]]");
  EXPECT_EQ(to_toml(Series{{2016}, {1.0}}), "[[2016, 1.0]]");
}

/// Loads "k = <to_toml(value)>" and returns the value read back.
ParamValue reread(const ParamValue& value) {
  const Scenario s = load_scenario_text("k = " + to_toml(value) + "\n", "roundtrip.toml");
  EXPECT_EQ(s.values.size(), 1u);
  return s.values.at("k").first;
}

TEST(ToTomlTest, RoundTripsThroughTheLoader) {
  const std::vector<ParamValue> values = {
      true,
      false,
      std::int64_t{0},
      std::int64_t{std::numeric_limits<std::int64_t>::max()},
      std::int64_t{std::numeric_limits<std::int64_t>::min()},
      0.0,
      1.0,
      -2.0,
      0.1,
      1.0 / 3.0,
      1e-7,
      1e300,
      -1.5e-300,
      std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::infinity(),
      std::string("plain"),
      std::string("quote \" backslash \\ tab \t newline \n unicode é"),
      Series{{2016, 2020}, {0.03, -0.065}},
      Series{{1990}, {1e-9}},
  };
  for (const auto& value : values) {
    EXPECT_EQ(reread(value), value) << to_toml(value);
  }
}

TEST(ToTomlTest, RandomRealsRoundTripExactly) {
  std::mt19937_64 engine(20240611);
  for (int i = 0; i < 2000; ++i) {
    const double x = std::bit_cast<double>(engine());
    if (!std::isfinite(x)) continue;
    const ParamValue back = reread(x);
    ASSERT_TRUE(std::holds_alternative<double>(back)) << to_toml(x);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(std::get<double>(back)), std::bit_cast<std::uint64_t>(x))
        << to_toml(x);
  }
}

TEST(ToTomlTest, NanRoundTripsAsNan) {
  const ParamValue back = reread(std::nan(""));
  ASSERT_TRUE(std::holds_alternative<double>(back));
  EXPECT_TRUE(std::isnan(std::get<double>(back)));
}

// ---- set_param ----

TEST(SetParamTest, WritesOneField) {
  TestParams p;
  const SourcePos pos{"sweep.toml", 4, 2};
  set_param(p.binder(), "firms.count", std::int64_t{77}, pos);
  set_param(p.binder(), "policy.mode", std::string("y"), pos);
  set_param(p.binder(), "macro.path", Series{{2016, 2030}, {0.1, -0.2}}, pos);
  EXPECT_EQ(p.count, 77);
  EXPECT_EQ(p.mode, "y");
  EXPECT_EQ(p.path, (Series{{2016, 2030}, {0.1, -0.2}}));
  EXPECT_EQ(p.rate, 0.25);  // untouched
}

TEST(SetParamTest, IntegerIsAcceptedForReal) {
  TestParams p;
  set_param(p.binder(), "econ.rate", std::int64_t{1}, {"s.toml", 1, 1});
  EXPECT_EQ(p.rate, 1.0);
}

TEST(SetParamTest, UnknownKeySuggestsAndNamesThePosition) {
  TestParams p;
  const std::string msg = error_of([&] {
    set_param(p.binder(), "econ.rtae", 0.5, SourcePos{"sweep.toml", 12, 3});
  });
  EXPECT_TRUE(contains(msg, "sweep.toml:12:3: ")) << msg;
  EXPECT_TRUE(contains(msg, "unknown key 'econ.rtae'")) << msg;
  EXPECT_TRUE(contains(msg, "did you mean 'econ.rate'")) << msg;
}

TEST(SetParamTest, BadValuesAreRejectedAndLeaveTheField) {
  TestParams p;
  const SourcePos pos{"sweep.toml", 7, 1};
  std::string msg = error_of([&] { set_param(p.binder(), "econ.rate", 1.5, pos); });
  EXPECT_TRUE(contains(msg, "sweep.toml:7:1: key 'econ.rate'")) << msg;
  EXPECT_TRUE(contains(msg, "out of range (expected real in [0, 1] fraction)")) << msg;
  msg = error_of([&] { set_param(p.binder(), "firms.count", 2.0, pos); });
  EXPECT_TRUE(contains(msg, "key 'firms.count': wrong type: got real 2")) << msg;
  msg = error_of([&] { set_param(p.binder(), "policy.mode", std::string("z"), pos); });
  EXPECT_TRUE(contains(msg, "\"z\" is not one of the choices")) << msg;
  msg = error_of(
      [&] { set_param(p.binder(), "econ.scale", std::numeric_limits<double>::quiet_NaN(), pos); });
  EXPECT_TRUE(contains(msg, "key 'econ.scale': value nan is not finite")) << msg;
  EXPECT_EQ(p.rate, 0.25);
  EXPECT_EQ(p.count, 10);
  EXPECT_EQ(p.mode, "x");
  EXPECT_EQ(p.scale, 2.0);
}

// ---- nearest_key ----

TEST(NearestKeyTest, SuggestsCloseKeys) {
  TestParams p;
  const auto schema = collect_schema(p.binder());
  EXPECT_EQ(nearest_key(schema, "firms.cuont"), "firms.count");  // transposition
  EXPECT_EQ(nearest_key(schema, "firm.count"), "firms.count");   // missing letter
  EXPECT_EQ(nearest_key(schema, "count"), "firms.count");        // last segment only
  EXPECT_EQ(nearest_key(schema, "banks.count"), "firms.count");  // same last segment
  EXPECT_EQ(nearest_key(schema, "policy.mdoe"), "policy.mode");
  EXPECT_EQ(nearest_key(schema, "macro.paths"), "macro.path");
}

TEST(NearestKeyTest, NothingWhenNoKeyIsClose) {
  TestParams p;
  const auto schema = collect_schema(p.binder());
  EXPECT_EQ(nearest_key(schema, "households.income_elasticity"), "");
  EXPECT_EQ(nearest_key(schema, "zzzzzzzz"), "");
  EXPECT_EQ(nearest_key({}, "econ.rate"), "");
}

TEST(NearestKeyTest, DidYouMeanIsTheMessageTailOrNothing) {
  TestParams p;
  const auto schema = collect_schema(p.binder());
  EXPECT_EQ(did_you_mean(schema, "firms.cuont"), " (did you mean 'firms.count'?)");
  EXPECT_EQ(did_you_mean(schema, "zzzzzzzz"), "");
}

TEST(FindSpecTest, FindsTheKeysSpecOrNothing) {
  TestParams p;
  const auto schema = collect_schema(p.binder());
  const ParamSpec* spec = find_spec(schema, "firms.count");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->key, "firms.count");
  EXPECT_EQ(spec->type, ParamType::integer);
  EXPECT_EQ(find_spec(schema, "firms.cuont"), nullptr);
  EXPECT_EQ(find_spec({}, "firms.count"), nullptr);
}

TEST(NearestKeyTest, ThresholdIsMaxOfTwoAndAThirdOfTheLength) {
  double field = 0;
  const BindFn bind = [&](ParamBinder& b) { b.real("abcdefghijkl.mnopqrstuvwx", field, {}); };
  const auto schema = collect_schema(bind);
  // 25 characters: a distance of 8 (= 25 / 3) is close enough, 9 is not, on the full key; the
  // last segment (12 characters, limit 4) is changed beyond its own limit in both cases.
  EXPECT_EQ(nearest_key(schema, "abcdefghijkl.mnopZZZZZZZZ"), "abcdefghijkl.mnopqrstuvwx");
  EXPECT_EQ(nearest_key(schema, "abcdefghijkl.mnoZZZZZZZZZ"), "");
  // A short key: the limit is 2.
  const BindFn short_bind = [&](ParamBinder& b) { b.real("abcd", field, {}); };
  EXPECT_EQ(nearest_key(collect_schema(short_bind), "abXY"), "abcd");
  EXPECT_EQ(nearest_key(collect_schema(short_bind), "aXYZ"), "");
}

TEST(NearestKeyTest, PrefersTheSmallestDistance) {
  double a = 0, b = 0;
  const BindFn bind = [&](ParamBinder& binder) {
    binder.real("econ.rates", a, {});
    binder.real("econ.rate", b, {});
  };
  EXPECT_EQ(nearest_key(collect_schema(bind), "econ.rat"), "econ.rate");
}

}  // namespace
}  // namespace nisim
