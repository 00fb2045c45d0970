#pragma once
// The reader shared by the TOML input files other than scenarios (batch files, attribution
// files): the file read with the scenario guards, syntax errors, and typed values, every error a
// ScenarioError "FILE:LINE:COLUMN: key 'K': ..." naming the key.
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/scenario.hpp"

namespace nisim {

/// Base of a TOML input file's parser: holds the file and reads values with errors naming it.
class TomlInput {
 public:
  explicit TomlInput(std::filesystem::path path);

 protected:
  /// The file's text (read_input_text: size, UTF-8, nesting guards), parsed into `root`;
  /// a syntax error names its line and column.
  std::string read(toml::table& root) const;
  SourcePos pos_of(const toml::node& node) const;
  [[noreturn]] void fail(const SourcePos& pos, const std::string& what) const;
  /// An integer value in [lo, hi], else an error naming the key and the range.
  std::int64_t integer(const toml::node& v, const std::string& key, std::int64_t lo,
                       std::int64_t hi) const;
  /// A finite number (integer or floating point), else an error naming the key.
  double number(const toml::node& v, const std::string& key) const;
  /// A string value, else an error naming the key.
  std::string string(const toml::node& v, const std::string& key) const;
  /// A file name: non-empty, without NUL (which would silently cut the path short).
  std::string checked_path(const toml::node& node, const std::string& name,
                           const std::string& key) const;
  /// A scenario file named relative to this file, which must exist.
  std::filesystem::path scenario_file(const toml::node& v, const std::string& key) const;

  std::filesystem::path path_;
  std::string file_;
};

}  // namespace nisim
