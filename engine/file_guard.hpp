#pragma once
// Guards for the files nisim writes (the output, its temporary file and a batch's journal):
// only regular files, or a path that does not exist yet, are ever written or replaced; every
// check runs before any work; temporary files do not outlive a SIGINT or SIGTERM. README.md
// ("Exit codes") and docs/batches.md describe the rules for users.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace nisim {

/// What a stat(2) mode is, for messages: "a FIFO", "a symbolic link", "a directory", ...
std::string file_kind(unsigned mode);

/// Bytes a temporary file adds to the output's name: "." + NAME + ".tmp-PID-N" (PID and N up
/// to 10 digits each).
inline constexpr std::size_t k_temp_name_extra = 1 + 5 + 10 + 1 + 10;

/// Refuses an output path before anything is run (IoError, exit 4; an empty path is a usage
/// error, exit 2):
/// - a directory (also a name ending in '/'), a symbolic link (even one to a regular file: it
///   would be replaced by a file, not written through), a FIFO, a device or a socket;
/// - an existing regular file without `force`;
/// - a file name whose temporary name would exceed the directory's NAME_MAX;
/// - a missing or unwritable directory;
/// - with `journal`, anything but a regular file at OUT.journal (engine/journal.hpp).
void check_output_target(const std::filesystem::path& out, bool force, bool journal);

/// IoError if `out` is one of `inputs` (same device and inode: the same file by any name or
/// hard link), which `--force` would overwrite.
void check_not_input(const std::filesystem::path& out,
                     const std::vector<std::filesystem::path>& inputs);

/// Install SIGINT, SIGTERM and SIGHUP handlers (unless the signal is ignored, e.g. under
/// nohup) that unlink every registered temporary file with async-signal-safe calls and then
/// re-raise the signal, so the process still dies of it. Call once, from main.
void install_temp_cleanup();

/// A temporary file to remove on SIGINT/SIGTERM/SIGHUP while this object lives. Holds up to
/// 16 paths at once, each below PATH_MAX bytes (others are not registered: still removed on
/// exceptions, and by the next run on the same output once their process is gone).
class TempRegistration {
 public:
  explicit TempRegistration(const std::filesystem::path& path);
  TempRegistration(const TempRegistration&) = delete;
  TempRegistration& operator=(const TempRegistration&) = delete;
  ~TempRegistration();

 private:
  int slot_ = -1;
};

}  // namespace nisim
