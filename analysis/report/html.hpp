#pragma once
// HTML and inline SVG for `nisim report` (docs/report.md): escaping and the charts. Every string
// that reaches the page from a file (scenario names, file texts, parameter keys) goes through
// escape(); the charts are self-contained SVG (no script, no network).
#include <string>
#include <string_view>
#include <vector>

namespace nisim::hk::report {

/// `text` with & < > " ' replaced by character references: safe in element text and in
/// attribute values (single or double quoted).
std::string escape(std::string_view text);

/// `v` with `digits` decimals, or "n/a" if it is not finite.
std::string fixed(double v, int digits);

/// `v` printed so that it reads back exactly (%.17g), or "nan"; for data-value attributes.
std::string exact(double v);

/// Colour of series k (a fixed palette, cycled).
const char* colour(std::size_t k);

/// One scenario's band in a fan chart: the median line and the 5-95% band per year.
struct FanSeries {
  std::string label;
  std::vector<double> low, median, high;  ///< one per year; NaN years are skipped
};

/// Axis range and ticks chosen from the data: [lo, hi] widened to round tick steps.
struct Axis {
  double lo = 0.0, hi = 1.0, step = 0.5;
};
Axis nice_axis(double lo, double hi);

/// A fan chart (SVG): every series on one y axis chosen from all their bands; a dashed
/// reference line at `reference` when it falls inside that axis (NaN: none). Bands are drawn
/// only when `bands` (many series would hide each other).
std::string fan_chart(const std::string& title, const std::string& y_label,
                      const std::vector<int>& years, const std::vector<FanSeries>& series,
                      double reference, bool bands);

/// A horizontal bar chart (SVG): one bar per label from 0 to value, with a whisker from low to
/// high where both are finite.
std::string bar_chart(const std::string& title, const std::string& x_label,
                      const std::vector<std::string>& labels, const std::vector<double>& values,
                      const std::vector<double>& low, const std::vector<double>& high);

}  // namespace nisim::hk::report
