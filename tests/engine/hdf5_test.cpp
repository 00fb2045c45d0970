#include "engine/hdf5.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace nisim::h5 {
namespace {

namespace fs = std::filesystem;

/// A fresh empty directory per test, removed afterwards.
class Hdf5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nisim_hdf5_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    open_before_ = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    // Every Handle was closed: no HDF5 file or object is left open by the test.
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), open_before_);
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    return names;
  }
  static std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write_text(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  /// A small valid file: dims year/sector, gdp[year], va[year, sector], group macro.
  static void write_sample(const fs::path& p) {
    AtomicFile f(p, false);
    const Location& r = f.root();
    const std::vector<std::int32_t> years{2020, 2021, 2022};
    write_dim_int(r, "year", years, {"year", "calendar year"});
    write_dim_str(r, "sector", {"manufacturing", "finance", "café"}, {"1", "sector"});
    const std::vector<double> gdp{1.5, 2.5, 3.5};
    write_double(r, "gdp", gdp, {3}, {"year"}, {"HK$ M", "gross domestic product"});
    std::vector<double> va(9);
    for (std::size_t i = 0; i < va.size(); ++i) va[i] = 0.25 * static_cast<double>(i);
    write_double(r, "va", va, {3, 3}, {"year", "sector"}, {"HK$ M", "value added"});
    const Location g = r.create_group("macro");
    write_double(g, "va", va, {3, 3}, {"year", "/sector"}, {"HK$ M", "value added"});
    f.commit();
  }

  fs::path dir_;
  ssize_t open_before_ = 0;
};

TEST(Hdf5Handle, ClosesEveryKindOfId) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t type = H5Tcopy(H5T_NATIVE_INT);
  const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  const hid_t other = H5Screate(H5S_SCALAR);
  {
    Handle a(space), b(type), c(plist);
    Handle moved(std::move(a));
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(moved.id(), space);
    Handle d(other);
    d = std::move(b);  // closes `other`
    EXPECT_LE(H5Iis_valid(other), 0);
    EXPECT_GT(H5Iis_valid(space), 0);
    EXPECT_GT(H5Iis_valid(type), 0);
  }
  EXPECT_LE(H5Iis_valid(space), 0);
  EXPECT_LE(H5Iis_valid(type), 0);
  EXPECT_LE(H5Iis_valid(plist), 0);
  EXPECT_FALSE(Handle().valid());
}

TEST_F(Hdf5Test, DatasetsRoundTripWithShapes) {
  const fs::path p = dir_ / "out.h5";
  write_sample(p);
  const Location f = open_file_read(p);
  std::vector<hsize_t> shape;
  EXPECT_EQ(read_double(f, "gdp", &shape), (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(shape, (std::vector<hsize_t>{3}));
  const std::vector<double> va = read_double(f, "va", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{3, 3}));
  ASSERT_EQ(va.size(), 9u);
  EXPECT_DOUBLE_EQ(va[7], 1.75);
  EXPECT_EQ(read_int(f, "year"), (std::vector<std::int64_t>{2020, 2021, 2022}));
  EXPECT_EQ(read_strings(f, "sector"),
            (std::vector<std::string>{"manufacturing", "finance", "café"}));
  EXPECT_EQ(read_double(f.open_group("macro"), "va"), va);
  EXPECT_THROW(read_int(f, "gdp"), IoError);  // a float dataset is not an integer one
  EXPECT_THROW(read_double(f, "missing"), IoError);
}

TEST_F(Hdf5Test, IntegerDatasetsAndLargeDataRoundTrip) {
  const fs::path p = dir_ / "int.h5";
  {
    AtomicFile f(p, false);
    std::vector<std::int32_t> idx(300);
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::int32_t>(i);
    write_dim_int(f.root(), "agent", idx, {"1", "agent index"});
    write_dim_int(f.root(), "t", std::span(idx).first(100), {"1", "step"});
    std::vector<std::int64_t> v(300 * 100);  // 240 kB: one chunk
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int64_t>(i) - 5000;
    write_int(f.root(), "n", v, {300, 100}, {"agent", "t"}, {"persons", "headcount"});
    std::vector<double> big(300 * 1000, 1.0);  // 2.4 MB: three chunks of 1 MiB
    std::vector<std::int32_t> k(1000, 0);
    write_dim_int(f.root(), "k", k, {"1", "k"});
    big.back() = -2.0;
    write_double(f.root(), "big", big, {300, 1000}, {"agent", "k"}, {"1", "big"});
    f.commit();
  }
  const Location f = open_file_read(p);
  std::vector<hsize_t> shape;
  const std::vector<std::int64_t> v = read_int(f, "n", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{300, 100}));
  EXPECT_EQ(v.front(), -5000);
  EXPECT_EQ(v.back(), 300 * 100 - 1 - 5000);
  const std::vector<double> big = read_double(f, "big", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{300, 1000}));
  EXPECT_EQ(big.back(), -2.0);
  EXPECT_EQ(big[12345], 1.0);
}

TEST_F(Hdf5Test, StorageIsChunkedCompressedLittleEndian) {
  const fs::path p = dir_ / "storage.h5";
  {
    AtomicFile f(p, false);
    std::vector<std::int32_t> rows(300), cols(1000);
    write_dim_int(f.root(), "r", rows, {"1", "r"});
    write_dim_int(f.root(), "c", cols, {"1", "c"});
    const std::vector<double> big(300 * 1000, 0.5);  // 2.4 MB
    write_double(f.root(), "big", big, {300, 1000}, {"r", "c"}, {"1", "big"});
    const std::vector<std::int64_t> small(1000, 3);
    write_int(f.root(), "small", small, {1000}, {"c"}, {"1", "small"});
    f.commit();
  }
  const Location f = open_file_read(p);
  auto inspect = [&](const char* name, hid_t type, std::vector<hsize_t> expect_chunk) {
    SCOPED_TRACE(name);
    const Handle ds(H5Dopen2(f.id(), name, H5P_DEFAULT));
    const Handle dcpl(H5Dget_create_plist(ds.id()));
    const Handle t(H5Dget_type(ds.id()));
    EXPECT_GT(H5Tequal(t.id(), type), 0);
    ASSERT_EQ(H5Pget_layout(dcpl.id()), H5D_CHUNKED);
    std::vector<hsize_t> chunk(expect_chunk.size());
    EXPECT_EQ(H5Pget_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()),
              static_cast<int>(chunk.size()));
    EXPECT_EQ(chunk, expect_chunk);
    ASSERT_EQ(H5Pget_nfilters(dcpl.id()), 2);
    unsigned flags = 0, level = 0;
    std::size_t n = 1;
    EXPECT_EQ(H5Pget_filter2(dcpl.id(), 0, &flags, &n, &level, 0, nullptr, nullptr),
              H5Z_FILTER_SHUFFLE);
    n = 1;
    EXPECT_EQ(H5Pget_filter2(dcpl.id(), 1, &flags, &n, &level, 0, nullptr, nullptr),
              H5Z_FILTER_DEFLATE);
    EXPECT_EQ(level, 4u);
  };
  inspect("big", H5T_IEEE_F64LE, {131, 1000});  // 131 rows of 8 kB: just under 1 MiB
  inspect("small", H5T_STD_I64LE, {1000});      // small: one chunk
  EXPECT_LT(fs::file_size(p), 100'000u);        // compressed
}

TEST_F(Hdf5Test, ShapeMustMatchDataAndDimensions) {
  AtomicFile f(dir_ / "bad.h5", false);
  const std::vector<std::int32_t> years{2020, 2021};
  write_dim_int(f.root(), "year", years, {"year", "year"});
  const std::vector<double> three{1, 2, 3};
  EXPECT_THROW(write_double(f.root(), "a", three, {2}, {"year"}, {}), std::invalid_argument);
  EXPECT_THROW(write_double(f.root(), "b", three, {3}, {"year"}, {}), IoError);  // length 2 != 3
  EXPECT_THROW(write_double(f.root(), "c", three, {3}, {"nodim"}, {}), IoError);
  EXPECT_THROW(write_dim_int(f.root(), "year", years, {}), IoError);  // exists
}

TEST_F(Hdf5Test, AttributesRoundTrip) {
  const fs::path p = dir_ / "attrs.h5";
  {
    AtomicFile f(p, false);
    f.root().set_attr("title", std::string("Résumé — Hong Kong"));
    f.root().set_attr("empty", std::string());
    f.root().set_attr("share", 0.125);
    f.root().set_attr("seed", std::int64_t{-9007199254740993});
    f.root().set_attr("seed", std::int64_t{7});  // overwriting is allowed
    const Location g = f.root().create_group("scenario");
    g.set_attr("name", std::string("baseline"));
    EXPECT_THROW(f.root().create_group("scenario"), IoError);
    f.commit();
  }
  const Location f = open_file_read(p);
  EXPECT_EQ(f.attr_string("title"), "Résumé — Hong Kong");
  EXPECT_EQ(f.attr_string("empty"), "");
  EXPECT_EQ(f.attr_double("share"), 0.125);
  EXPECT_EQ(f.attr_int("seed"), 7);
  EXPECT_EQ(f.attr_double("seed"), 7.0);  // integers read as double too
  EXPECT_THROW(f.attr_int("share"), IoError);
  EXPECT_THROW(f.attr_string("share"), IoError);
  EXPECT_THROW(f.attr_string("missing"), IoError);
  EXPECT_TRUE(f.exists("scenario"));
  EXPECT_FALSE(f.exists("nothing"));
  EXPECT_FALSE(f.exists("nothing/deeper"));
  EXPECT_EQ(f.open_group("scenario").attr_string("name"), "baseline");
  EXPECT_THROW(f.open_group("nothing"), IoError);
}

TEST_F(Hdf5Test, DimNamesReturnsAttachedScalesPerAxis) {
  const fs::path p = dir_ / "dims.h5";
  write_sample(p);
  const Location f = open_file_read(p);
  EXPECT_EQ(dim_names(f, "va"), (std::vector<std::string>{"year", "sector"}));
  EXPECT_EQ(dim_names(f, "gdp"), (std::vector<std::string>{"year"}));
  // The group's variable found `year` by walking up and `/sector` by absolute path.
  EXPECT_EQ(dim_names(f.open_group("macro"), "va"), (std::vector<std::string>{"year", "sector"}));
  EXPECT_EQ(dim_names(f, "year"), (std::vector<std::string>{""}));  // a scale has none itself
}

TEST_F(Hdf5Test, NearestDimensionWins) {
  AtomicFile f(dir_ / "near.h5", false);
  const std::vector<std::int32_t> two{1, 2}, four{1, 2, 3, 4};
  write_dim_int(f.root(), "x", two, {"1", "x"});
  const Location g = f.root().create_group("g");
  write_dim_int(g, "x", four, {"1", "x"});
  const std::vector<double> v4(4, 0.0), v2(2, 0.0);
  write_double(g, "near", v4, {4}, {"x"}, {"1", "v"});  // g/x (length 4)
  write_double(g, "far", v2, {2}, {"/x"}, {"1", "v"});  // /x (length 2)
  EXPECT_THROW(write_double(g, "wrong", v2, {2}, {"x"}, {"1", "v"}), IoError);
  EXPECT_EQ(dim_names(g, "near"), (std::vector<std::string>{"x"}));
}

TEST_F(Hdf5Test, AppendableGrowsByRows) {
  const fs::path p = dir_ / "app.h5";
  {
    AtomicFile f(p, false);
    const std::vector<std::int32_t> years{2020, 2021, 2022};
    write_dim_int(f.root(), "year", years, {"year", "year"});
    Appendable a(f.root(), "gdp_runs", {3}, {"replication", "year"}, {"HK$ M", "GDP per run"});
    EXPECT_EQ(a.rows(), 0u);
    for (int r = 0; r < 100; ++r) {  // more rows than one chunk
      const std::vector<double> row{1.0 * r, 2.0 * r, 3.0 * r};
      EXPECT_EQ(a.append(row), static_cast<hsize_t>(r));
    }
    EXPECT_EQ(a.rows(), 100u);
    const std::vector<double> wrong(2, 0.0);
    EXPECT_THROW(a.append(wrong), std::invalid_argument);
    EXPECT_EQ(a.rows(), 100u);
    // A second appendable shares the replication dimension created by the first.
    Appendable b(f.root(), "other", {3}, {"replication", "year"}, {"1", "other"});
    b.append(std::vector<double>{7, 8, 9});
    f.commit();
  }
  const Location f = open_file_read(p);
  std::vector<hsize_t> shape;
  const std::vector<double> v = read_double(f, "gdp_runs", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{100, 3}));
  EXPECT_EQ(v[0], 0.0);
  EXPECT_EQ(v[99 * 3 + 2], 297.0);
  EXPECT_EQ(v[50 * 3 + 1], 100.0);
  EXPECT_EQ(dim_names(f, "gdp_runs"), (std::vector<std::string>{"replication", "year"}));
  EXPECT_EQ(dim_names(f, "other"), (std::vector<std::string>{"replication", "year"}));
  EXPECT_EQ(read_double(f, "other"), (std::vector<double>{7, 8, 9}));
}

TEST_F(Hdf5Test, RowWriterWithTwoLeadingAxesWritesRowsInAnyOrder) {
  const fs::path p = dir_ / "rows.h5";
  {
    AtomicFile f(p, false);
    write_dim_int(f.root(), "point", std::vector<std::int32_t>{0, 1, 2}, {"1", "point"});
    write_dim_int(f.root(), "replication", std::vector<std::int32_t>{0, 1}, {"1", "rep"});
    write_dim_int(f.root(), "year", std::vector<std::int32_t>{2020, 2021}, {"year", "year"});
    RowWriter w(f.root(), "share", std::vector<hsize_t>{3, 2}, {2},
                {"point", "replication", "year"}, {"percent", "share"});
    // Row r is [r / 2, r % 2]; row 3 (point 1, replication 1) is never written.
    for (const hsize_t r : {5u, 0u, 2u, 4u, 1u}) {
      w.write_row(r, std::vector<double>{10.0 * static_cast<double>(r), 1.0});
    }
    EXPECT_THROW(w.write_row(6, std::vector<double>{0.0, 0.0}), std::invalid_argument);
    EXPECT_THROW(w.write_row(0, std::vector<double>{0.0}), std::invalid_argument);
    f.commit();
  }
  const Location f = open_file_read(p);
  std::vector<hsize_t> shape;
  const std::vector<double> v = read_double(f, "share", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{3, 2, 2}));
  EXPECT_EQ(dim_names(f, "share"), (std::vector<std::string>{"point", "replication", "year"}));
  EXPECT_EQ(v[(2 * 2 + 1) * 2], 50.0);  // point 2, replication 1
  EXPECT_EQ(v[(1 * 2 + 0) * 2], 20.0);  // point 1, replication 0
  EXPECT_EQ(v[(0 * 2 + 1) * 2 + 1], 1.0);
  EXPECT_TRUE(std::isnan(v[(1 * 2 + 1) * 2]));  // the row never written reads as NaN
}

TEST_F(Hdf5Test, AtomicCommitCreatesTargetAndRemovesTemp) {
  const fs::path p = dir_ / "out.h5";
  {
    AtomicFile f(p, false);
    EXPECT_EQ(f.temp_path().parent_path(), dir_);
    EXPECT_TRUE(fs::exists(f.temp_path()));
    EXPECT_FALSE(fs::exists(p));
    f.root().set_attr("x", 1.0);
    const Location g = f.root().create_group("still_open");  // closed by commit
    f.commit();
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), open_before_);  // really closed
    EXPECT_TRUE(fs::exists(p));
    EXPECT_FALSE(fs::exists(f.temp_path()));
  }
  EXPECT_EQ(entries(), (std::vector<std::string>{"out.h5"}));
  EXPECT_EQ(open_file_read(p).attr_double("x"), 1.0);
}

TEST_F(Hdf5Test, DestructionWithoutCommitLeavesNothing) {
  const fs::path p = dir_ / "out.h5";
  try {
    AtomicFile f(p, false);
    f.root().set_attr("x", 1.0);
    Appendable a(f.root(), "a", {2}, {"replication", "replication2"}, {});
  } catch (const IoError&) {
    // `replication2` does not exist: the exception unwinds through the AtomicFile
  }
  { AtomicFile f(p, false); }
  EXPECT_FALSE(fs::exists(p));
  EXPECT_TRUE(entries().empty());
}

TEST_F(Hdf5Test, ExistingTargetWithoutForceIsUntouched) {
  const fs::path p = dir_ / "out.h5";
  write_text(p, "precious");
  try {
    AtomicFile f(p, false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("use --force"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bytes_of(p), "precious");
  EXPECT_EQ(entries(), (std::vector<std::string>{"out.h5"}));
}

TEST_F(Hdf5Test, ForceReplacesTarget) {
  const fs::path p = dir_ / "out.h5";
  write_text(p, "old");
  {
    AtomicFile f(p, true);
    EXPECT_EQ(bytes_of(p), "old");  // untouched until commit
    f.root().set_attr("new", std::int64_t{1});
    f.commit();
  }
  EXPECT_EQ(open_file_read(p).attr_int("new"), 1);
  EXPECT_EQ(entries(), (std::vector<std::string>{"out.h5"}));
}

TEST_F(Hdf5Test, MissingDirectoryIsIoError) {
  EXPECT_THROW(AtomicFile(dir_ / "no" / "such" / "out.h5", false), IoError);
  EXPECT_THROW(AtomicFile(dir_ / "no" / "out.h5", true), IoError);
  EXPECT_THROW(create_file(dir_ / "no" / "out.h5"), IoError);
  EXPECT_FALSE(fs::exists(dir_ / "no"));
}

TEST_F(Hdf5Test, CreateFileFailsIfItExists) {
  const fs::path p = dir_ / "x.h5";
  { const Location f = create_file(p); }
  EXPECT_TRUE(fs::exists(p));
  EXPECT_THROW(create_file(p), IoError);
}

TEST_F(Hdf5Test, OpenFileReadRejectsNonHdf5Files) {
  EXPECT_THROW(open_file_read(dir_ / "missing.h5"), IoError);
  write_text(dir_ / "empty.h5", "");
  EXPECT_THROW(open_file_read(dir_ / "empty.h5"), IoError);
  write_text(dir_ / "text.h5", "year,gdp\n2020,1.0\n");
  try {
    open_file_read(dir_ / "text.h5");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(open_file_read(dir_), IoError);  // a directory
}

TEST_F(Hdf5Test, OpenFileReadRejectsTruncatedFile) {
  const fs::path p = dir_ / "cut.h5";
  write_sample(p);
  EXPECT_NO_THROW(open_file_read(p));
  fs::resize_file(p, fs::file_size(p) / 2);
  try {
    open_file_read(p);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
  }
}

TEST_F(Hdf5Test, ErrorsNameFileAndObject) {
  const fs::path p = dir_ / "named.h5";
  write_sample(p);
  const Location g = open_file_read(p).open_group("macro");
  try {
    read_double(g, "nothing");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("/macro/nothing"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace nisim::h5
