#include "engine/journal.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace nisim {
namespace {

namespace fs = std::filesystem;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nisim_journal_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path path() const { return dir_ / "out.h5.journal"; }
  /// Opens path() for `header`, collecting replayed records.
  RunJournal open(bool resume, bool force = false, JournalHeader header = {42, 10, 3}) {
    return RunJournal(path(), header, resume, force,
                      [this](std::uint64_t job, std::span<const double> v) {
                        replayed_[job] = std::vector<double>(v.begin(), v.end());
                      });
  }
  fs::path dir_;
  std::map<std::uint64_t, std::vector<double>> replayed_;
};

TEST_F(JournalTest, PathIsOutputPlusSuffix) {
  EXPECT_EQ(journal_path("runs/out.h5"), fs::path("runs/out.h5.journal"));
}

TEST_F(JournalTest, RecordsAreReplayedExactlyOnResume) {
  {
    RunJournal j = open(false);
    j.append(7, std::vector<double>{1.5, -0.0, 1e-300});
    j.append(2, std::vector<double>{std::nan(""), 2.0, 3.0});
    EXPECT_EQ(j.records(), 2u);
  }  // as if killed: no remove()
  RunJournal j = open(true);
  EXPECT_EQ(j.records(), 2u);
  ASSERT_EQ(replayed_.size(), 2u);
  EXPECT_EQ(replayed_[7], (std::vector<double>{1.5, -0.0, 1e-300}));
  EXPECT_TRUE(std::signbit(replayed_[7][1]));
  EXPECT_TRUE(std::isnan(replayed_[2][0]));
  // Appending after a resume continues the same file.
  j.append(9, std::vector<double>{4.0, 5.0, 6.0});
  replayed_.clear();
  RunJournal again = open(true);
  EXPECT_EQ(again.records(), 3u);
  EXPECT_EQ(replayed_[9], (std::vector<double>{4.0, 5.0, 6.0}));
}

TEST_F(JournalTest, ExistingJournalNeedsResumeOrForce) {
  { open(false).append(1, std::vector<double>{1, 2, 3}); }
  const auto size = fs::file_size(path());
  try {
    open(false);
    FAIL() << "an existing journal was silently replaced";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fs::file_size(path()), size);
  RunJournal fresh = open(false, true);  // --force starts again
  EXPECT_EQ(fresh.records(), 0u);
  EXPECT_EQ(fs::file_size(path()), 32u);
}

TEST_F(JournalTest, AnotherBatchsJournalIsRefused) {
  { open(false).append(1, std::vector<double>{1, 2, 3}); }
  for (const JournalHeader h : {JournalHeader{43, 10, 3}, JournalHeader{42, 11, 3}}) {
    EXPECT_THROW(open(true, false, h), IoError);
  }
  EXPECT_THROW(open(true, false, JournalHeader{42, 10, 4}), IoError);
  std::ofstream(path(), std::ios::binary | std::ios::trunc) << "not a journal at all";
  try {
    open(true);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not an nisim batch journal"), std::string::npos);
  }
}

TEST_F(JournalTest, TornTailAndBadChecksumEndTheJournal) {
  {
    RunJournal j = open(false);
    for (std::uint64_t k = 0; k < 4; ++k) j.append(k, std::vector<double>{1.0 * k, 2, 3});
  }
  const std::size_t record = 16 + 8 * 3;
  fs::resize_file(path(), 32 + 4 * record - 5);  // the last record cut short
  {
    RunJournal j = open(true);
    EXPECT_EQ(j.records(), 3u);
    EXPECT_EQ(fs::file_size(path()), 32 + 3 * record);  // cut back to whole records
  }
  {  // flip a byte of record 1's values: records 1 and 2 are dropped
    std::fstream f(path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(32 + record + 8));
    f.put('\x55');
  }
  replayed_.clear();
  RunJournal j = open(true);
  EXPECT_EQ(j.records(), 1u);
  EXPECT_EQ(replayed_.count(0), 1u);
  EXPECT_EQ(replayed_.count(1), 0u);
}

TEST_F(JournalTest, WrongRecordShapeIsRejected) {
  RunJournal j = open(false);
  EXPECT_THROW(j.append(1, std::vector<double>{1, 2}), std::invalid_argument);
  EXPECT_THROW(j.append(10, std::vector<double>{1, 2, 3}), std::invalid_argument);
}

TEST_F(JournalTest, FullDiskIsAnIoErrorAndLeavesWholeRecords) {
  // RLIMIT_FSIZE stands in for a full disk; SIGXFSZ ignored as the nisim CLI does.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const std::size_t record = 16 + 8 * 3;
  rlimit small{32 + 2 * record + 10, old.rlim_max};
  {
    RunJournal j = open(false);
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    j.append(0, std::vector<double>{1, 2, 3});
    j.append(1, std::vector<double>{1, 2, 3});
    try {
      j.append(2, std::vector<double>{1, 2, 3});
      ADD_FAILURE() << "a write beyond the limit succeeded";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("File too large"), std::string::npos) << e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &old);
  }
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(fs::file_size(path()), 32 + 2 * record);  // no torn record left
  RunJournal j = open(true);
  EXPECT_EQ(j.records(), 2u);
}

TEST_F(JournalTest, RemoveDeletesTheFile) {
  RunJournal j = open(false);
  j.append(0, std::vector<double>{1, 2, 3});
  j.remove();
  EXPECT_FALSE(fs::exists(path()));
}

// The journal is written only as a regular file: a link planted at its path (whose target a
// truncating open would destroy), a FIFO (whose open would block) or a directory is refused,
// and nothing is written through it.
TEST_F(JournalTest, LinkFifoAndDirectoryAtThePathAreRefused) {
  const fs::path victim = dir_ / "victim.txt";
  std::ofstream(victim) << "precious";
  fs::create_symlink(victim, path());
  for (const bool resume : {false, true}) {
    for (const bool force : {false, true}) {
      try {
        open(resume, force);
        ADD_FAILURE() << "a symbolic link was opened as the journal";
      } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_EQ(fs::file_size(victim), 8u);
  fs::remove(path());
  fs::create_symlink(dir_ / "dangling", path());
  EXPECT_THROW(open(false), IoError);
  EXPECT_FALSE(fs::exists(dir_ / "dangling"));
  fs::remove(path());
  ASSERT_EQ(::mkfifo(path().c_str(), 0600), 0);
  try {
    open(true, true);  // must not block waiting for a writer
    ADD_FAILURE() << "a FIFO was opened as the journal";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("FIFO"), std::string::npos) << e.what();
  }
  fs::remove(path());
  fs::create_directory(path());
  EXPECT_THROW(open(false, true), IoError);
}

// A second batch on the same output is refused while the first holds the journal, with the
// first one's PID; once it is gone, the journal can be resumed.
TEST_F(JournalTest, SecondWriterIsRefusedNamingTheHolder) {
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the first batch: holds the journal until told to go
    int rc = 1;
    try {
      RunJournal j = open(false);
      j.append(3, std::vector<double>{1, 2, 3});
      char c = 'r';
      if (::write(ready[1], &c, 1) == 1 && ::read(release[0], &c, 1) == 1) rc = 0;
    } catch (...) {
    }
    ::_exit(rc);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  const auto size = fs::file_size(path());
  for (const bool resume : {false, true}) {
    for (const bool force : {false, true}) {
      try {
        open(resume, force);
        ADD_FAILURE() << "a second writer got the journal";
      } catch (const IoError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("in use by another batch"), std::string::npos) << what;
        EXPECT_NE(what.find("PID " + std::to_string(child)), std::string::npos) << what;
      }
    }
  }
  EXPECT_EQ(fs::file_size(path()), size) << "the holder's journal was changed";
  ASSERT_EQ(::write(release[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  for (const int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
  RunJournal j = open(true);
  EXPECT_EQ(j.records(), 1u);
  EXPECT_EQ(replayed_[3], (std::vector<double>{1, 2, 3}));
}

// Records are tied to their batch: a record appended by another batch (same shape, another
// fingerprint) fails its checksum and ends the journal.
TEST_F(JournalTest, RecordOfAnotherBatchIsRejected) {
  { open(false, false, JournalHeader{7, 10, 3}).append(4, std::vector<double>{9, 9, 9}); }
  std::string foreign;
  {
    std::ifstream in(path(), std::ios::binary);
    foreign.assign(std::istreambuf_iterator<char>(in), {});
  }
  fs::remove(path());
  { open(false).append(1, std::vector<double>{1, 2, 3}); }
  {
    std::ofstream out(path(), std::ios::binary | std::ios::app);
    out << foreign.substr(32);  // batch 7's record after batch 42's
  }
  RunJournal j = open(true);
  EXPECT_EQ(j.records(), 1u);
  EXPECT_EQ(replayed_.count(4), 0u);
  EXPECT_EQ(fs::file_size(path()), 32u + 40u);  // the foreign record was cut off
}

TEST(Fnv1a, KnownValues) {
  EXPECT_EQ(fnv1a(std::string()), 14695981039346656037ULL);
  EXPECT_EQ(fnv1a(std::string("a")), 0xaf63dc4c8601ec8cULL);  // published FNV-1a test vector
  EXPECT_NE(fnv1a(std::string("ab")), fnv1a(std::string("ba")));
}

}  // namespace
}  // namespace nisim
