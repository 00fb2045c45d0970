// The nesting pre-scan of TOML input (scenario and batch files): refuses text nested deeper than
// k_max_nesting_depth before toml++ parses it, since toml++ and the scenario flattener recurse
// once per level of table headers and dotted keys (toml++ bounds only arrays and inline tables,
// at 256) and 15,000 levels fit in a 40 KB file. The scan is iterative and needs no valid TOML:
// whatever it cannot read as a key counts as value text, whose brackets still count.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario_detail.hpp"

namespace nisim::detail {
namespace {

class NestingScan {
 public:
  NestingScan(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  void run() {
    int header = 0;  // key parts of the current [table] or [[array]] header
    while (skip_blank(true), i_ < text_.size()) {
      if (at('#')) {
        skip_comment();
      } else if (at('[')) {
        ++i_;
        const bool array = at('[');
        if (array) ++i_;
        // An array of tables is an array of tables: one level more than its key parts.
        header = key(array ? 1 : 0) + (array ? 1 : 0);
        while (i_ < text_.size() && !at('\n')) ++i_;  // "]" or "]]" and a comment
      } else {
        const SourcePos pos = here();
        const int parts = key(header);
        value(header + parts, pos, key_);
      }
    }
  }

 private:
  bool at(char c) const { return i_ < text_.size() && text_[i_] == c; }
  bool at(std::string_view s) const {
    return i_ < text_.size() && text_.compare(i_, s.size(), s) == 0;
  }

  void newline() {
    ++line_;
    line_start_ = i_ + 1;
  }

  void skip_blank(bool newlines) {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n' && newlines) {
        newline();
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++i_;
    }
  }

  void skip_comment() {
    while (i_ < text_.size() && !at('\n')) ++i_;
  }

  /// Skips a string starting at i_ ("...", '...', """...""" or '''...'''); a one-line string
  /// ends at the end of its line even if unterminated (toml++ refuses it there).
  void skip_string() {
    const char quote = text_[i_];
    const std::string triple(3, quote);
    if (at(triple)) {
      i_ += 3;
      while (i_ < text_.size() && !at(triple)) {
        if (quote == '"' && at('\\')) ++i_;
        if (at('\n')) newline();
        ++i_;
      }
      i_ = std::min(i_ + 3, text_.size());
      for (int extra = 0; extra < 2 && at(quote); ++extra) ++i_;  // """a"""" is a"
      return;
    }
    ++i_;
    while (i_ < text_.size() && !at(quote) && !at('\n')) {
      i_ = std::min(i_ + ((quote == '"' && at('\\')) ? 2 : 1), text_.size());
    }
    if (at(quote)) ++i_;
  }

  SourcePos here() const { return {file_, line_, static_cast<int>(i_ - line_start_) + 1}; }

  /// Reads a (dotted) key at i_ into key_ and returns its number of parts (0 if none); fails if
  /// `base` plus that exceeds the limit. Stops before '=', ']', '}', a newline or anything else.
  int key(int base) {
    skip_blank(false);
    const std::size_t start = i_;
    const SourcePos pos = here();
    int parts = 0;
    for (;;) {
      skip_blank(false);
      const std::size_t part = i_;
      if (at('"') || at('\'')) {
        skip_string();
      } else {
        while (i_ < text_.size() && bare(text_[i_])) ++i_;
      }
      if (i_ == part) break;
      ++parts;
      if (base + parts > k_max_nesting_depth) too_deep(pos, text_.substr(start, i_ - start));
      skip_blank(false);
      if (!at('.')) break;
      ++i_;
    }
    key_ = text_.substr(start, i_ - start);
    return parts;
  }

  static bool bare(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || static_cast<unsigned char>(c) >= 0x80;
  }

  /// Scans the value after a key (and its '=') up to the end of its last line, counting one
  /// level per open array or inline table and per key part inside inline tables.
  void value(int level, const SourcePos& pos, std::string_view name) {
    struct Open {
      char kind;
      int level;
    };
    std::vector<Open> open;
    auto inline_key = [&] {  // after '{' or ',' in an inline table
      level = open.back().level + key(open.back().level);
      skip_blank(true);
      if (at('=')) ++i_;
    };
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') {
        if (open.empty()) return;
        newline();
        ++i_;
      } else if (c == '#') {
        skip_comment();
      } else if (c == '"' || c == '\'') {
        skip_string();
      } else if (c == '[' || c == '{') {
        if (level + 1 > k_max_nesting_depth) too_deep(pos, name);
        open.push_back({c, ++level});
        ++i_;
        if (c == '{') inline_key();
      } else if (c == ']' || c == '}') {
        if (!open.empty()) open.pop_back();
        ++i_;
      } else if (c == ',' && !open.empty()) {
        ++i_;
        if (open.back().kind == '{') {
          inline_key();
        } else {
          level = open.back().level;
        }
      } else {
        ++i_;
      }
    }
  }

  [[noreturn]] void too_deep(const SourcePos& pos, std::string_view what) const {
    constexpr std::size_t shown = 40;
    while (!what.empty() && (what.back() == ' ' || what.back() == '\t')) what.remove_suffix(1);
    std::string key(what.substr(0, shown));
    for (char& c : key) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (what.size() > shown) key += "...";
    fail(pos, quoted_key(key) + ": nested deeper than " + std::to_string(k_max_nesting_depth) +
                  " levels (each table header part, dotted key part, array and inline table is "
                  "one level; see docs/scenarios.md)");
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  std::string_view key_;  // the last key read, for messages
};

}  // namespace

void check_nesting(std::string_view text, const std::string& file) {
  NestingScan(text, file).run();
}

}  // namespace nisim::detail
