#pragma once
// Calibration files (TOML) for `nisim calibrate`: the parameters to estimate with their bounds,
// the moments (a data series and years against a run variable), the fit window and the
// optimiser's budget. Format and method: docs/calibration.md ("Estimating parameters").
// Errors are ScenarioErrors (exit 3) naming the file, line and key; nothing runs.
//
//   [calibration]
//   scenario = "../scenarios/no_new_policy.toml"   # relative to this file
//   replications = 8        # R runs per evaluation, the same seeds at every evaluation (CRN)
//   seed = 20260401         # replication r uses derive_seed(seed, r)
//   fit_to = 2021           # moments after this year are held out (out-of-sample check)
//   global_evaluations = 24 # DIRECT-L over the box
//   local_evaluations = 40  # then BOBYQA from the best point
//   jacobian_step = 0.05    # central differences: this fraction of each parameter's box
//
//   [[parameter]]
//   key = "firms.tfp_drift"  # a real scenario key
//   min = 0.0                # bounds inside the key's valid range
//   max = 0.08
//
//   [[moment]]
//   data = "../data/macro.csv"                          # relative to this file
//   series = "manufacturing_share_of_gdp_basic_prices"  # a series of that file
//   years = [2017]
//   output = "mfg_share"     # a run variable (docs/output.md)
//   scale = 1.0              # model units per data unit (HKD billion -> HK$ M: 1000)
//   sd = 0.05                # optional: the data's standard error, in data units
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/observed_data.hpp"
#include "engine/batch_file.hpp"
#include "engine/overrides.hpp"

namespace nisim::hk {

/// One moment: an observed value of a data series in one year against a run variable.
struct Moment {
  std::string name;         ///< "series[:sector]@year", the label in FIT.h5
  std::string series;       ///< data series
  std::string sector;       ///< data sector ("" = whole economy / all manufacturing)
  std::string period;       ///< data period ("" = annual), to pick one of several rows in a year
  std::string output;       ///< run variable
  std::string scheme;       ///< for scheme_* outputs: the scheme ("nifs", ...)
  bool cumulative = false;  ///< compare with the running sum of the output since the base year
  double scale = 1.0;       ///< model units per data unit
  int year = 0;
  double observed = 0.0;  ///< data value times scale (model units)
  double sd = NAN;        ///< data standard error times scale, NaN if not given
  bool holdout = false;   ///< year > fit_to: not fitted, reported as out-of-sample
  std::size_t data = 0;   ///< index into Calibration::data
  int data_line = 0;      ///< the row's line in the data file
  SourcePos pos;          ///< the moment's year in `years`
  SourcePos output_pos;   ///< the `output` key
};

/// A loaded calibration file.
struct Calibration {
  std::filesystem::path path;
  std::string text;
  std::filesystem::path scenario;
  std::int64_t replications = 8;
  std::uint64_t seed = 1;
  std::int64_t fit_to = 9999;
  std::int64_t global_evaluations = 24;
  std::int64_t local_evaluations = 40;
  double jacobian_step = 0.05;
  std::vector<SweepParam> params;  ///< key, min, max, position
  std::vector<Moment> moments;
  std::vector<ObservedData> data;  ///< every data file the moments read
  SourcePos pos;                   ///< the [calibration] table
  /// `--set key=value` from the command line, applied to the scenario after its file is read
  std::vector<Override> overrides;
};

/// Read and check a calibration file and the data files it names (every row of each checked).
/// Keys, types and ranges of the parameters are checked against the model by calibrate().
Calibration load_calibration(const std::filesystem::path& path);

}  // namespace nisim::hk
