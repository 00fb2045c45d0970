// HTML escaping and inline SVG charts (analysis/report/html.hpp; docs/report.md).
#include "analysis/report/html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nisim::hk::report {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", digits, v);
  std::string s(buf.data());
  if (s.find_first_not_of("-0.") == std::string::npos && s.front() == '-') s.erase(0, 1);
  return s;
}

std::string exact(double v) {
  if (!std::isfinite(v)) return "nan";
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.17g", v);
  return buf.data();
}

const char* colour(std::size_t k) {
  static constexpr std::array<const char*, 8> k_palette = {
      "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
  return k_palette[k % k_palette.size()];
}

Axis nice_axis(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi - lo < 1e-12) {  // a flat series: give it some room
    const double pad = std::max(std::abs(hi) * 0.05, 1e-6);
    lo -= pad, hi += pad;
  }
  const double raw = (hi - lo) / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (raw <= step) break;
  }
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

namespace {

constexpr double k_width = 720.0, k_height = 360.0;
constexpr double k_left = 70.0, k_right = 180.0, k_top = 36.0, k_bottom = 44.0;

std::string num(double v) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f", v);
  return buf.data();
}

std::string open_svg(const std::string& title, double height) {
  return R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" width=")" + num(k_width) +
         R"(" height=")" + num(height) + R"(" viewBox="0 0 )" + num(k_width) + " " + num(height) +
         R"(" role="img" aria-label=")" + escape(title) + "\">\n<text x=\"" + num(k_width / 2) +
         R"(" y="20" text-anchor="middle" class="title">)" + escape(title) + "</text>\n";
}

/// Tick label: as few decimals as the step needs.
std::string tick(double v, double step) {
  const int digits = step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fixed(v, std::min(digits + (std::fmod(step * std::pow(10.0, digits), 1.0) > 1e-9), 6));
}

}  // namespace

std::string fan_chart(const std::string& title, const std::string& y_label,
                      const std::vector<int>& years, const std::vector<FanSeries>& series,
                      double reference, bool bands) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const FanSeries& s : series) {
    for (const auto* v : {&s.low, &s.median, &s.high}) {
      if (!bands && v != &s.median) continue;
      for (const double x : *v) {
        if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
      }
    }
  }
  const Axis a = nice_axis(lo, hi);
  const double pw = k_width - k_left - k_right, ph = k_height - k_top - k_bottom;
  const int y0 = years.empty() ? 0 : years.front();
  const int y1 = years.empty() ? 1 : std::max(years.back(), y0 + 1);
  const auto px = [&](int year) {
    return k_left + pw * (year - y0) / static_cast<double>(y1 - y0);
  };
  const auto py = [&](double v) { return k_top + ph * (a.hi - v) / (a.hi - a.lo); };
  std::string s = open_svg(title, k_height);
  // Axes, grid and tick labels.
  for (int i = 0; a.lo + i * a.step <= a.hi + a.step * 1e-6; ++i) {
    const double v = a.lo + i * a.step;
    s += R"(<line class="grid" x1=")" + num(k_left) + R"(" x2=")" + num(k_left + pw) + R"(" y1=")" +
         num(py(v)) + R"(" y2=")" + num(py(v)) + R"("/><text x=")" + num(k_left - 6) + R"(" y=")" +
         num(py(v) + 4) + R"(" text-anchor="end">)" + tick(v, a.step) + "</text>\n";
  }
  const int ystep = std::max(1, (y1 - y0 + 7) / 8);
  for (int y = y0; y <= y1; y += ystep) {
    s += R"(<text x=")" + num(px(y)) + R"(" y=")" + num(k_top + ph + 18) +
         R"(" text-anchor="middle">)" + std::to_string(y) + "</text>\n";
  }
  s += R"(<text x="16" y=")" + num(k_top + ph / 2) + R"(" transform="rotate(-90 16 )" +
       num(k_top + ph / 2) + ")\" text-anchor=\"middle\">" + escape(y_label) + "</text>\n";
  if (std::isfinite(reference) && reference >= a.lo && reference <= a.hi) {
    s += R"(<line class="reference" x1=")" + num(k_left) + R"(" x2=")" + num(k_left + pw) +
         R"(" y1=")" + num(py(reference)) + R"(" y2=")" + num(py(reference)) + "\"/>\n";
  }
  // Bands first, then the medians on top, then the legend.
  const auto line = [&](const std::vector<double>& v, bool reverse, bool move) {
    std::string d;
    for (std::size_t k = 0; k < years.size() && k < v.size(); ++k) {
      const std::size_t i = reverse ? years.size() - 1 - k : k;
      if (i >= v.size() || !std::isfinite(v[i])) continue;
      d += (d.empty() && move ? "M" : "L") + num(px(years[i])) + "," + num(py(v[i])) + " ";
    }
    return d;
  };
  for (std::size_t k = 0; bands && k < series.size(); ++k) {
    const std::string d = line(series[k].high, false, true) + line(series[k].low, true, false);
    if (!d.empty()) {
      s += R"(<path class="band" fill=")" + std::string(colour(k)) + R"(" d=")" + d + "Z\"/>\n";
    }
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::string d = line(series[k].median, false, true);
    if (!d.empty()) {
      s += R"(<path class="median" stroke=")" + std::string(colour(k)) + R"(" d=")" + d + "\"/>\n";
    }
    const double ly = k_top + 14.0 * static_cast<double>(k);
    s += R"(<path stroke=")" + std::string(colour(k)) + R"(" stroke-width="3" d="M)" +
         num(k_width - k_right + 12) + "," + num(ly) + R"( h18"/><text x=")" +
         num(k_width - k_right + 36) + R"(" y=")" + num(ly + 4) + R"(">)" +
         escape(series[k].label) + "</text>\n";
  }
  return s + "</svg>\n";
}

std::string bar_chart(const std::string& title, const std::string& x_label,
                      const std::vector<std::string>& labels, const std::vector<double>& values,
                      const std::vector<double>& low, const std::vector<double>& high) {
  double lo = 0.0, hi = 0.0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    for (const double v :
         {values[k], k < low.size() ? low[k] : 0.0, k < high.size() ? high[k] : 0.0}) {
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  const Axis a = nice_axis(lo, hi);
  const double row = 24.0, left = 260.0, right = 30.0;
  const double height =
      k_top + k_bottom + row * static_cast<double>(std::max<std::size_t>(1, labels.size()));
  const double pw = k_width - left - right, ph = height - k_top - k_bottom;
  const auto px = [&](double v) { return left + pw * (v - a.lo) / (a.hi - a.lo); };
  std::string s = open_svg(title, height);
  for (int i = 0; a.lo + i * a.step <= a.hi + a.step * 1e-6; ++i) {
    const double v = a.lo + i * a.step;
    s += R"(<line class="grid" x1=")" + num(px(v)) + R"(" x2=")" + num(px(v)) + R"(" y1=")" +
         num(k_top) + R"(" y2=")" + num(k_top + ph) + R"("/><text x=")" + num(px(v)) + R"(" y=")" +
         num(k_top + ph + 16) + R"(" text-anchor="middle">)" + tick(v, a.step) + "</text>\n";
  }
  s += R"(<text x=")" + num(left + pw / 2) + R"(" y=")" + num(height - 8) +
       R"(" text-anchor="middle">)" + escape(x_label) + "</text>\n";
  for (std::size_t k = 0; k < labels.size() && k < values.size(); ++k) {
    const double y = k_top + row * static_cast<double>(k);
    s += R"(<text x=")" + num(left - 8) + R"(" y=")" + num(y + row / 2 + 4) +
         R"(" text-anchor="end">)" + escape(labels[k]) + "</text>\n";
    if (!std::isfinite(values[k])) continue;
    const double x0 = px(std::min(0.0, values[k])), x1 = px(std::max(0.0, values[k]));
    s += R"(<path class="bar" fill=")" + std::string(colour(0)) + R"(" d="M)" + num(x0) + "," +
         num(y + 4) + " H" + num(std::max(x1, x0 + 1.0)) + " V" + num(y + row - 4) + " H" +
         num(x0) + " Z\"/>\n";
    if (k < low.size() && k < high.size() && std::isfinite(low[k]) && std::isfinite(high[k])) {
      s += R"(<path class="whisker" d="M)" + num(px(low[k])) + "," + num(y + row / 2) + " H" +
           num(px(high[k])) + "\"/>\n";
    }
  }
  return s + "</svg>\n";
}

}  // namespace nisim::hk::report
