#pragma once
// The run journal of a batch: an append-only file beside the batch's output (OUT.h5.journal)
// that holds every finished run's results, so that a batch killed at any moment (kill -9, a
// node lost, a full disk) can be finished with `nisim batch --resume`, which runs only the
// missing runs and writes the same output as an uninterrupted batch. docs/batches.md
// ("Interrupted batches") describes it for users.
//
// Format (little-endian, native doubles):
//   header  : magic "NISIMJ02", u64 fingerprint, u64 jobs, u64 values per record
//   records : u64 job, f64 values[values per record], u64 checksum (record_checksum: FNV-1a
//             of job and values, keyed by the batch fingerprint)
// Each record is appended (O_APPEND) with one write(2) as its run finishes, so it survives the
// process being killed (the kernel holds it); fdatasync(2) runs at most once a second and at
// the end, for power loss. A record cut short by a crash, with a bad checksum or written by
// another batch ends the journal: it and anything after it are discarded on resume.
//
// Safety: the journal is opened without following symbolic links and without blocking, only
// as a regular file, created exclusively, and write-locked (fcntl) for the batch's whole life,
// so a second batch on the same output is refused (naming the PID of the first).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

namespace nisim {

/// What a journal belongs to: a journal is only resumed by the same batch.
struct JournalHeader {
  std::uint64_t fingerprint = 0;  ///< hash of the batch, its scenarios and the program version
  std::uint64_t jobs = 0;         ///< runs in the batch
  std::uint64_t values = 0;       ///< doubles recorded per run
};

/// 64-bit FNV-1a, continued from `h` (for fingerprints and record checksums).
std::uint64_t fnv1a(std::span<const unsigned char> bytes,
                    std::uint64_t h = 14695981039346656037ULL);
std::uint64_t fnv1a(const std::string& text, std::uint64_t h = 14695981039346656037ULL);

/// A record's checksum: FNV-1a of its job and values, keyed by the batch fingerprint (a record
/// written by another batch does not check).
std::uint64_t record_checksum(std::uint64_t fingerprint, std::span<const unsigned char> record);

/// The journal path of a batch output: OUT.h5 -> OUT.h5.journal.
std::filesystem::path journal_path(const std::filesystem::path& output);

class RunJournal {
 public:
  /// A record read back from a journal being resumed.
  using Replay = std::function<void(std::uint64_t job, std::span<const double> values)>;

  /// Open the journal at `path` for `header`'s batch.
  /// - No file: a new journal is created.
  /// - A file and `resume`: its header must match (else IoError saying why, e.g. the batch or
  ///   a scenario changed); every complete record is passed to `replay` in file order, and a
  ///   torn tail is cut off before appending.
  /// - A file without `resume`: IoError (an interrupted batch's results would be lost), unless
  ///   `force`, which starts a new journal.
  /// - A symbolic link, FIFO, device or directory at `path`, or a journal locked by another
  ///   running batch: IoError, before anything is read or written.
  RunJournal(const std::filesystem::path& path, const JournalHeader& header, bool resume,
             bool force, const Replay& replay);
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;
  ~RunJournal();

  /// Append one finished run (values.size() must equal header.values). IoError if the write
  /// fails (disk full, file size limit). Not thread-safe: callers serialise.
  void append(std::uint64_t job, std::span<const double> values);
  /// fdatasync the journal now.
  void sync();
  /// Close and delete the journal (after the output has been committed).
  void remove();

  std::uint64_t records() const { return records_; }  ///< complete records in the file
  const std::filesystem::path& path() const { return path_; }

 private:
  void start_new();                           ///< truncate and write the header
  void replay_records(const Replay& replay);  ///< check the header, replay, cut a torn tail

  std::filesystem::path path_;
  JournalHeader header_;
  int fd_ = -1;
  std::uint64_t records_ = 0;
  double last_sync_ = 0.0;  ///< steady-clock seconds of the last fdatasync
};

}  // namespace nisim
