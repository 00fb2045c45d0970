// Command-line overrides (engine/overrides.hpp).
#include "engine/overrides.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <utility>

#include "engine/error.hpp"

namespace nisim {
namespace {

/// A bare dotted TOML key: segments of letters, digits, '_' and '-', separated by single dots.
bool valid_key(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  if (key.find("..") != std::string::npos) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

/// `text` as a TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04X", static_cast<unsigned>(c));
      out += code;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

[[noreturn]] void usage(std::size_t n, const std::string& arg, const std::string& why) {
  throw Error(ExitCode::usage,
              "--set " + arg + " (--set number " + std::to_string(n) + "): " + why);
}

/// The value of `key` read from `text` (one line "key=value" after n - 1 empty lines, so
/// positions are line n, columns of the argument), or nothing if the text is not one TOML
/// key-value pair setting `key`.
std::optional<std::pair<ParamValue, SourcePos>> read_value(const std::string& text,
                                                           const std::string& key) {
  Scenario parsed;
  try {
    parsed = load_scenario_text(text, "--set");
  } catch (const ScenarioError&) {
    return std::nullopt;
  }
  if (parsed.values.size() != 1 || !parsed.shocks.empty() || parsed.files.size() != 1) {
    return std::nullopt;
  }
  const auto it = parsed.values.find(key);
  if (it == parsed.values.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::vector<Override> parse_overrides(const std::vector<std::string>& args) {
  std::vector<Override> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const std::size_t n = i + 1;
    const auto eq = arg.find('=');
    if (eq == std::string::npos) usage(n, arg, "expected key=value");
    const std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (!valid_key(key)) {
      usage(n, arg,
            "'" + key + "' is not a parameter key (dotted words of letters, digits, '_', '-')");
    }
    if (key == "inherit" || key == "shock" || key.starts_with("shock.")) {
      usage(n, arg, "'" + key + "' is not a parameter; --set sets parameters only");
    }
    if (value.empty()) usage(n, arg, "no value after '='");
    if (value.find('\0') != std::string::npos || value.find('\n') != std::string::npos) {
      usage(n, arg, "a value must be one line");
    }
    const std::string lines(n - 1, '\n');
    auto entry = read_value(lines + key + "=" + value + "\n", key);
    // Not TOML: the value is text (`--set schemes.mode=auto`); its column is that of the value.
    if (!entry) {
      entry = read_value(lines + key + "=" + toml_string(value) + "\n", key);
      if (!entry) usage(n, arg, "the value is neither TOML nor text");
      entry->second.column = static_cast<int>(eq) + 2;
    }
    if (std::any_of(out.begin(), out.end(), [&](const Override& o) { return o.key == key; })) {
      usage(n, arg, "key '" + key + "' is set twice");
    }
    out.push_back({key, std::move(entry->first), entry->second, arg});
  }
  return out;
}

void apply_overrides(Scenario& scenario, const std::vector<Override>& overrides) {
  if (overrides.empty()) return;
  scenario.text += "# ---- --set ----\n" + overrides_text(overrides);
  for (const Override& o : overrides) scenario.values[o.key] = {o.value, o.pos};
}

std::string overrides_text(const std::vector<Override>& overrides) {
  std::string text;
  for (const Override& o : overrides) text += o.text + "\n";
  return text;
}

}  // namespace nisim
