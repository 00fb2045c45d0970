// Atomic writing of the report page (analysis/report/report.hpp): the same guards and
// temporary-file naming as HDF5 outputs (engine/hdf5.hpp AtomicFile, engine/file_guard.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

#include "analysis/report/report.hpp"
#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/hdf5.hpp"

namespace nisim::hk::report {

void write_text_atomic(const std::filesystem::path& out, const std::string& text, bool force) {
  static std::atomic<unsigned> counter{0};
  check_output_target(out, force, false);
  h5::remove_stale_temps(out);  // left by runs on this output that were killed
  const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
  const std::filesystem::path temp =
      dir / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++));
  const TempRegistration registration(temp);  // removed on SIGINT/SIGTERM
  const auto fail = [&](const std::string& what, int err) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw IoError("cannot write '" + out.string() + "': " + what + ": " +
                  std::generic_category().message(err) + "; it is unchanged");
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create " + temp.string(), errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      fail("write", err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("fsync", err);
  }
  if (::close(fd) != 0) fail("close", errno);
  if (::rename(temp.c_str(), out.c_str()) != 0) fail("rename", errno);
}

}  // namespace nisim::hk::report
