// libFuzzer target: the batch journal reader (engine/journal.hpp) on arbitrary file contents.
// Build and run: tools/ci_checks.sh fuzz (preset "fuzz"). The input is written to a file and
// resumed as a journal: with the header it carries (so records can be reached) and with a
// header it does not match. An IoError (a clear message) is an expected outcome; any other
// exception, a crash or a sanitizer report is a bug. After a resume the journal must accept an
// append and replay it, with every record seen before.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/journal.hpp"

namespace {

std::uint64_t u64_at(const std::uint8_t* data, std::size_t size, std::size_t at) {
  std::uint64_t v = 0;
  if (size >= at + 8) std::memcpy(&v, data + at, 8);
  return v;
}

std::size_t resume(const std::filesystem::path& path, const nisim::JournalHeader& header) {
  std::size_t replayed = 0;
  try {
    nisim::RunJournal j(path, header, true, false,
                        [&](std::uint64_t job, std::span<const double> values) {
                          if (job >= header.jobs || values.size() != header.values) std::abort();
                          ++replayed;
                        });
    if (j.records() != replayed) std::abort();
    const std::vector<double> values(header.values, 0.5);
    j.append(header.jobs - 1, values);
  } catch (const nisim::IoError&) {
    return SIZE_MAX;  // refused with a message
  }
  return replayed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("nisim-journal-fuzz-" + std::to_string(::getpid()) + ".journal");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  // The header the input claims, kept small (the reader rejects 0 and more than 2^24 values).
  const auto small = [](std::uint64_t v, std::uint64_t max) {
    return v >= 1 && v <= max ? v : 1 + v % max;
  };
  const nisim::JournalHeader claimed{u64_at(data, size, 8), small(u64_at(data, size, 16), 4096),
                                     small(u64_at(data, size, 24), 64)};
  const std::size_t first = resume(path, claimed);
  if (first != SIZE_MAX) {
    // The appended record must replay after the ones kept.
    if (resume(path, claimed) != first + 1) std::abort();
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)resume(path, nisim::JournalHeader{claimed.fingerprint ^ 1, claimed.jobs, claimed.values});
  std::filesystem::remove(path, ec);
  return 0;
}
