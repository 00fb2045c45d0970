// The shared reader of TOML input files (engine/toml_input.hpp).
#include "engine/toml_input.hpp"

#include <cmath>

#include "engine/error.hpp"

namespace nisim {

TomlInput::TomlInput(std::filesystem::path path) : path_(std::move(path)), file_(path_.string()) {}

std::string TomlInput::read(toml::table& root) const {
  std::string text = read_input_text(path_);
  try {
    root = toml::parse(std::string_view(text), std::string_view(file_));
  } catch (const toml::parse_error& e) {
    fail(
        {file_, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)},
        "syntax error: " + std::string(e.description()));
  }
  return text;
}

SourcePos TomlInput::pos_of(const toml::node& node) const {
  return {file_, static_cast<int>(node.source().begin.line),
          static_cast<int>(node.source().begin.column)};
}

void TomlInput::fail(const SourcePos& pos, const std::string& what) const {
  throw ScenarioError(pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                      ": " + what);
}

std::int64_t TomlInput::integer(const toml::node& v, const std::string& key, std::int64_t lo,
                                std::int64_t hi) const {
  const auto* i = v.as_integer();
  if (i == nullptr || i->get() < lo || i->get() > hi) {
    fail(pos_of(v), "key '" + key + "': expected an integer in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
  }
  return i->get();
}

double TomlInput::number(const toml::node& v, const std::string& key) const {
  const auto d = v.value<double>();
  if (!d || !std::isfinite(*d)) fail(pos_of(v), "key '" + key + "': expected a finite number");
  return *d;
}

std::string TomlInput::string(const toml::node& v, const std::string& key) const {
  const auto* str = v.as_string();
  if (str == nullptr) fail(pos_of(v), "key '" + key + "': expected a string");
  return str->get();
}

std::string TomlInput::checked_path(const toml::node& node, const std::string& name,
                                    const std::string& key) const {
  if (name.empty() || name.find('\0') != std::string::npos) {
    fail(pos_of(node), "key '" + key + "': a file name must be non-empty, without NUL");
  }
  return name;
}

std::filesystem::path TomlInput::scenario_file(const toml::node& v, const std::string& key) const {
  std::filesystem::path file = path_.parent_path() / checked_path(v, string(v, key), key);
  if (!std::filesystem::is_regular_file(file)) {
    fail(pos_of(v), "key '" + key + "': no such file: " + file.string());
  }
  return file;
}

}  // namespace nisim
