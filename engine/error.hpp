#pragma once
// Errors a user can act on. Each class maps to one documented exit code of the `nisim` CLI
// (README "Exit codes"); they are thrown anywhere and caught once, in app/main.cpp.
#include <stdexcept>
#include <string>

namespace nisim {

/// Exit codes of the nisim command line (documented in README.md and docs/scenarios.md).
enum class ExitCode : int {
  ok = 0,
  internal = 1,  ///< a bug: an unexpected exception
  usage = 2,     ///< bad command-line arguments (CLI11)
  scenario = 3,  ///< invalid scenario or batch file: nothing was run
  io = 4,        ///< a file could not be read or written, or the output exists (no --force)
  model = 5,     ///< the model failed at run time (NaN, broken accounting identity)
};

/// Base of every nisim error; carries its exit code.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// A scenario file is invalid. The message names the file, line and key.
class ScenarioError : public Error {
 public:
  explicit ScenarioError(const std::string& message) : Error(ExitCode::scenario, message) {}
};

/// An input or output file problem (unreadable, exists, disk full, not an nisim file).
class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ExitCode::io, message) {}
};

/// The model reached an impossible state at run time (NaN, a broken identity).
class ModelError : public Error {
 public:
  explicit ModelError(const std::string& message) : Error(ExitCode::model, message) {}
};

}  // namespace nisim
