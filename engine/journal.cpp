// The run journal of a batch (engine/journal.hpp).
#include "engine/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "engine/error.hpp"
#include "engine/file_guard.hpp"

namespace nisim {

namespace {

constexpr char k_magic[8] = {'N', 'I', 'S', 'I', 'M', 'J', '0', '2'};
constexpr std::size_t k_header_bytes = 32;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string errno_text() {
  return std::error_code(errno, std::generic_category()).message();  // thread-safe strerror
}

/// Write all of `bytes` at the end of `fd`, retrying on EINTR and short writes.
void write_all(int fd, const unsigned char* bytes, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, bytes, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write journal '" + path + "': " + errno_text());
    }
    bytes += w;
    n -= static_cast<std::size_t>(w);
  }
}

/// Read up to n bytes; returns how many (less only at end of file).
std::size_t read_some(int fd, unsigned char* bytes, std::size_t n, const std::string& path) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, bytes + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot read journal '" + path + "': " + errno_text());
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

void put_u64(unsigned char* p, std::uint64_t v) {
  std::memcpy(p, &v, sizeof v);
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::size_t record_bytes(const JournalHeader& h) {
  return 16 + 8 * static_cast<std::size_t>(h.values);
}

}  // namespace

std::uint64_t fnv1a(std::span<const unsigned char> bytes, std::uint64_t h) {
  for (const unsigned char b : bytes) {
    h ^= b;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t fnv1a(const std::string& text, std::uint64_t h) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::filesystem::path journal_path(const std::filesystem::path& output) {
  std::filesystem::path p = output;
  p += ".journal";
  return p;
}

namespace {

/// Opens `path` without following a symbolic link and without blocking (a FIFO planted at the
/// path must not hang us), creating it exclusively if it does not exist; refuses anything but
/// a regular file. Sets `created` when the file is new.
int open_journal_file(const std::filesystem::path& path, bool& created) {
  const std::string name = path.string();
  constexpr int flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  int fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL, 0644);
  created = fd >= 0;
  if (fd < 0 && errno == EEXIST) fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP) {
      throw IoError("journal '" + name +
                    "' is a symbolic link; nisim writes its journal only as a regular file: "
                    "remove the link");
    }
    throw IoError("cannot open journal '" + name + "': " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw IoError("journal '" + name + "' is not a regular file (" + file_kind(st.st_mode) +
                  "); nisim writes its journal only as a regular file: remove it");
  }
  return fd;
}

/// Takes a write lock on the whole journal for the life of `fd` (fcntl record lock: released
/// when the process exits, however it exits). A lock held by another process means another
/// batch is writing the same output: IoError naming its PID.
void lock_journal(int fd, const std::string& name) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &lock) == 0) return;
  const int why = errno;
  struct flock holder {};
  holder.l_type = F_WRLCK;
  holder.l_whence = SEEK_SET;
  const bool known = ::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK;
  ::close(fd);
  if (why == EACCES || why == EAGAIN) {
    throw IoError("journal '" + name + "' is in use by another batch writing the same output" +
                  (known ? " (PID " + std::to_string(holder.l_pid) + ")" : std::string()) +
                  "; wait for it to finish or choose another output file");
  }
  errno = why;
  throw IoError("cannot lock journal '" + name + "': " + errno_text());
}

}  // namespace

std::uint64_t record_checksum(std::uint64_t fingerprint, std::span<const unsigned char> record) {
  unsigned char key[8];
  put_u64(key, fingerprint);
  return fnv1a(record, fnv1a(std::span<const unsigned char>(key, sizeof key)));
}

RunJournal::RunJournal(const std::filesystem::path& path, const JournalHeader& header, bool resume,
                       bool force, const Replay& replay)
    : path_(path), header_(header) {
  if (header.values == 0 || header.values > (1u << 24)) {
    throw std::invalid_argument("RunJournal: values per record out of range");
  }
  const std::string name = path.string();
  bool created = false;
  fd_ = open_journal_file(path, created);
  lock_journal(fd_, name);  // closes fd_ and throws if another batch holds it
  try {
    if (!created && !resume && !force) {
      throw IoError("'" + name +
                    "' holds the finished runs of an interrupted batch; add --resume to run "
                    "only the missing runs, or --force to start again and discard them");
    }
    if (created || !resume) {
      start_new();
    } else {
      replay_records(replay);
    }
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    if (created) std::filesystem::remove(path, ec);
    throw;
  }
  last_sync_ = now_seconds();
}

void RunJournal::start_new() {
  if (::ftruncate(fd_, 0) != 0) {
    throw IoError("cannot write journal '" + path_.string() + "': " + errno_text());
  }
  unsigned char head[k_header_bytes];
  std::memcpy(head, k_magic, sizeof k_magic);
  put_u64(head + 8, header_.fingerprint);
  put_u64(head + 16, header_.jobs);
  put_u64(head + 24, header_.values);
  write_all(fd_, head, k_header_bytes, path_.string());
  sync();
}

void RunJournal::replay_records(const Replay& replay) {
  const std::string name = path_.string();
  unsigned char head[k_header_bytes];
  if (read_some(fd_, head, k_header_bytes, name) != k_header_bytes ||
      std::memcmp(head, k_magic, sizeof k_magic) != 0) {
    throw IoError("'" + name +
                  "' is not an nisim batch journal (or one of an older nisim); remove it to "
                  "start again");
  }
  const JournalHeader old{get_u64(head + 8), get_u64(head + 16), get_u64(head + 24)};
  if (old.fingerprint != header_.fingerprint || old.jobs != header_.jobs ||
      old.values != header_.values) {
    throw IoError("'" + name +
                  "' belongs to a different batch (the batch file, a scenario file or the "
                  "nisim version changed since it was written); use --force to start again");
  }
  // Complete records of this batch (the checksum is keyed by its fingerprint) with a good
  // checksum, in order; the first bad one ends the journal.
  const std::size_t rb = record_bytes(header_);
  std::vector<unsigned char> buf(rb);
  std::vector<double> values(header_.values);
  off_t good = k_header_bytes;
  while (read_some(fd_, buf.data(), rb, name) == rb) {
    const std::uint64_t job = get_u64(buf.data());
    const std::uint64_t sum = get_u64(buf.data() + rb - 8);
    if (job >= header_.jobs ||
        record_checksum(header_.fingerprint, std::span(buf.data(), rb - 8)) != sum) {
      break;
    }
    std::memcpy(values.data(), buf.data() + 8, 8 * values.size());
    replay(job, values);
    ++records_;
    good += static_cast<off_t>(rb);
  }
  if (::ftruncate(fd_, good) != 0) {
    throw IoError("cannot repair journal '" + name + "': " + errno_text());
  }
}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void RunJournal::append(std::uint64_t job, std::span<const double> values) {
  if (fd_ < 0) throw std::logic_error("RunJournal::append: journal closed");
  if (values.size() != header_.values || job >= header_.jobs) {
    throw std::invalid_argument("RunJournal::append: record does not fit the journal");
  }
  const std::size_t rb = record_bytes(header_);
  std::vector<unsigned char> buf(rb);
  put_u64(buf.data(), job);
  std::memcpy(buf.data() + 8, values.data(), 8 * values.size());
  put_u64(buf.data() + rb - 8, record_checksum(header_.fingerprint, std::span(buf.data(), rb - 8)));
  const auto end = static_cast<off_t>(k_header_bytes + records_ * rb);
  try {
    write_all(fd_, buf.data(), rb, path_.string());  // O_APPEND: one write(2) at the end
  } catch (...) {
    // Leave no torn record behind: a resume would discard it anyway, but a later append
    // after a transient failure must not follow garbage.
    const int rc = ::ftruncate(fd_, end);  // best effort: the write error is what we report
    static_cast<void>(rc);
    throw;
  }
  ++records_;
  if (now_seconds() - last_sync_ >= 1.0) sync();
}

void RunJournal::sync() {
  if (fd_ < 0) return;
  if (::fdatasync(fd_) != 0) {
    throw IoError("cannot write journal '" + path_.string() + "': " + errno_text());
  }
  last_sync_ = now_seconds();
}

void RunJournal::remove() {
  // Unlink while still holding the lock, so no other batch opens a journal about to vanish.
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace nisim
