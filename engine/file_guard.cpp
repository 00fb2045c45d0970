// Guards for the files nisim writes (engine/file_guard.hpp).
#include "engine/file_guard.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <system_error>

#include "engine/error.hpp"
#include "engine/journal.hpp"

namespace nisim {

namespace fs = std::filesystem;

std::string file_kind(unsigned mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

namespace {

std::string errno_text(int e) {
  return std::error_code(e, std::generic_category()).message();
}

/// IoError unless `path` is absent or a regular file (lstat: a link is not followed).
/// Returns whether it exists.
bool regular_or_absent(const fs::path& path, const std::string& role) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw IoError("cannot write " + role + " '" + path.string() + "': " + errno_text(errno));
  }
  if (S_ISREG(st.st_mode)) return true;
  if (S_ISDIR(st.st_mode)) {
    throw IoError("cannot write " + role + " '" + path.string() + "': it is a directory");
  }
  throw IoError("cannot write " + role + " '" + path.string() + "': it is " +
                file_kind(st.st_mode) + "; nisim writes and replaces only regular files" +
                (S_ISLNK(st.st_mode) ? " (give the link's target, or remove the link)" : ""));
}

}  // namespace

void check_output_target(const fs::path& out, bool force, bool journal) {
  const std::string name = out.string();
  if (name.empty()) throw Error(ExitCode::usage, "--output: empty file name");
  if (name.back() == '/' || !out.has_filename() || out.filename() == "." ||
      out.filename() == "..") {
    throw IoError("cannot write '" + name + "': it names a directory; give a file name");
  }
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    throw IoError("cannot write '" + name + "': directory '" + dir.string() +
                  (errno == ENOENT ? "' does not exist" : "': " + errno_text(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    throw IoError("cannot write '" + name + "': '" + dir.string() + "' is not a directory");
  }
  // The temporary file ".NAME.tmp-PID-N" (engine/hdf5.hpp AtomicFile) must fit NAME_MAX.
  const long name_max = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  const std::size_t limit =
      (name_max > 0 ? static_cast<std::size_t>(name_max) : NAME_MAX) - k_temp_name_extra;
  const std::size_t length = out.filename().string().size();
  if (length > limit) {
    throw IoError("cannot write '" + name + "': its file name is " + std::to_string(length) +
                  " bytes long; the limit is " + std::to_string(limit) +
                  " (the file system's NAME_MAX less the temporary file's " +
                  std::to_string(k_temp_name_extra) + " extra bytes)");
  }
  if (name.size() + k_temp_name_extra >= PATH_MAX) {
    throw IoError("cannot write '" + name.substr(0, 60) + "...': path longer than " +
                  std::to_string(PATH_MAX - 1 - k_temp_name_extra) + " bytes");
  }
  if (regular_or_absent(out, "output") && !force) {
    throw IoError(name + ": output file exists; use --force to overwrite it");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw IoError("cannot write '" + name + "': directory '" + dir.string() +
                  "' is not writable (" + errno_text(errno) + ")");
  }
  if (journal) regular_or_absent(journal_path(out), "journal");
}

void check_not_input(const fs::path& out, const std::vector<fs::path>& inputs) {
  struct stat o {};
  if (::stat(out.c_str(), &o) != 0) return;  // nothing there yet: it cannot be an input
  for (const fs::path& in : inputs) {
    struct stat i {};
    if (::stat(in.c_str(), &i) == 0 && i.st_dev == o.st_dev && i.st_ino == o.st_ino) {
      throw IoError("cannot write '" + out.string() + "': it is the input file '" + in.string() +
                    "'; choose another output file");
    }
  }
}

// ---- Temporary files removed on a signal ---------------------------------------------------

namespace {

/// One registered path. state: 0 free, 1 being filled or emptied, 2 ready (the handler
/// unlinks only ready slots). Lock-free atomics and unlink(2) are async-signal-safe.
struct TempSlot {
  std::atomic<int> state{0};
  std::array<char, PATH_MAX> path{};
};
// A signal handler can reach only globals: the registry must be one.
std::array<TempSlot, 16> g_temps;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void remove_temps_and_reraise(int sig) {
  const int saved = errno;
  for (TempSlot& slot : g_temps) {
    if (slot.state.load(std::memory_order_acquire) == 2) ::unlink(slot.path.data());
  }
  errno = saved;
  // SA_RESETHAND restored the default action and SA_NODEFER leaves the signal unblocked:
  // raising it again ends the process as the signal would have.
  ::raise(sig);
}

}  // namespace

void install_temp_cleanup() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = remove_temps_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    ::sigaction(sig, &action, nullptr);
  }
}

TempRegistration::TempRegistration(const fs::path& path) {
  const std::string& text = path.native();
  if (text.size() >= PATH_MAX) return;
  for (std::size_t k = 0; k < g_temps.size(); ++k) {
    int expected = 0;
    if (g_temps[k].state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
      std::memcpy(g_temps[k].path.data(), text.c_str(), text.size() + 1);
      g_temps[k].state.store(2, std::memory_order_release);
      slot_ = static_cast<int>(k);
      return;
    }
  }
}

TempRegistration::~TempRegistration() {
  if (slot_ >= 0)
    g_temps[static_cast<std::size_t>(slot_)].state.store(0, std::memory_order_release);
}

}  // namespace nisim
