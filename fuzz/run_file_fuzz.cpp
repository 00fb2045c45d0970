// libFuzzer target: the HDF5 readers of run files (`nisim kpi`, models/kpi.cpp) and the engine's
// whole-dataset readers (engine/hdf5.hpp) on hostile files. The input bytes describe a file,
// which is built in memory (HDF5 core driver) and opened as a file image (H5LTopen_file_image):
// each dataset a reader needs may be missing, of another dtype (float, integer, string), of
// rank 0-2, shorter, longer, empty or declared huge (chunked, nothing written), with random
// values. Random bytes of HDF5 metadata would mostly test libhdf5 itself, which crashes on some
// damaged files (docs/analysis.md, "Malformed files"); this target tests nisim's checks.
// nisim::Error is the expected outcome of a bad file; any other exception, a crash, a sanitizer
// report or an allocation over -rss_limit_mb is a bug. Run: tools/ci_checks.sh fuzz.
#include <hdf5.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "models/kpi.hpp"

namespace {

/// Reads the fuzzer's bytes in order; zeros once they run out.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  double number() {
    std::uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) bits = (bits << 8) | byte();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// One dataset `name` under `loc` as the input says: `natural` is the length a run file has.
void add_dataset(hid_t loc, const char* name, Input& in, hsize_t natural) {
  const std::uint8_t mode = in.byte();
  if (mode % 8 == 0) return;  // missing
  const int rank = (mode / 8) % 3;
  const int kind = (mode / 24) % 3;  // 0 double, 1 int64, 2 string
  std::array<hsize_t, 2> dims{};
  for (int k = 0; k < rank; ++k) {
    const std::uint8_t len = in.byte();
    switch (len % 5) {
      case 0:
        dims[k] = natural;
        break;
      case 1:
        dims[k] = natural > 0 ? natural - 1 : 0;
        break;
      case 2:
        dims[k] = 0;
        break;
      case 3:
        dims[k] = natural + 1 + len / 5 % 4;
        break;
      default:
        dims[k] = len / 5;
        break;
    }
  }
  const bool huge = rank > 0 && mode % 8 == 7;  // declared huge, no data written
  if (huge) dims[0] = hsize_t{1} << (30 + in.byte() % 20);
  const std::array<hsize_t, 2> max{H5S_UNLIMITED, H5S_UNLIMITED};
  const hid_t space = H5Screate_simple(rank, dims.data(), huge ? max.data() : nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (huge) {
    const std::array<hsize_t, 2> chunk{64, 1};
    H5Pset_chunk(dcpl, rank, chunk.data());
  }
  hid_t type = H5T_NATIVE_DOUBLE;
  if (kind == 1) type = H5T_NATIVE_INT64;
  if (kind == 2) {
    type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
  }
  const hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  hsize_t n = 1;
  for (int k = 0; k < rank; ++k) n *= dims[k];
  if (ds >= 0 && !huge && n > 0 && n <= 4096) {
    if (kind == 0) {
      std::vector<double> v(n);
      for (double& x : v) x = (in.byte() % 4 == 0) ? in.number() : 2000.0 + in.byte() % 64;
      H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    } else if (kind == 1) {
      std::vector<std::int64_t> v(n);
      for (std::int64_t& x : v) x = 2000 + static_cast<std::int8_t>(in.byte());
      H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    } else {
      std::vector<std::string> text(n);
      std::vector<const char*> ptrs(n);
      for (hsize_t k = 0; k < n; ++k) {
        text[k] = std::string(in.byte() % 8, static_cast<char>('a' + in.byte() % 26));
        ptrs[k] = text[k].c_str();
      }
      H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
    }
  }
  if (ds >= 0) H5Dclose(ds);
  if (kind == 2) H5Tclose(type);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// A run-like file as the input says, as an HDF5 file image ({} if the library refused).
std::vector<std::byte> build_image(Input& in) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(fapl, 1 << 16, 0);  // in memory, never written to disk
  const hid_t file = H5Fcreate("run_file_fuzz.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (file < 0) return {};
  const hsize_t indicators = in.byte() % 16, years = in.byte() % 40, schemes = in.byte() % 12;
  if (in.byte() % 8 != 0) {  // else no kpi group
    const hid_t kpi = H5Gcreate2(file, "kpi", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (const char* name : {"indicator", "target_year", "target", "projected"}) {
      add_dataset(kpi, name, in, indicators);
    }
    H5Gclose(kpi);
  }
  add_dataset(file, "year", in, years);
  add_dataset(file, "scheme", in, schemes);
  add_dataset(file, "scheme_spent", in, years);
  add_dataset(file, "mfg_share", in, years);
  H5Fflush(file, H5F_SCOPE_GLOBAL);
  std::vector<std::byte> image;
  const ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size > 0) {
    image.resize(static_cast<std::size_t>(size));
    if (H5Fget_file_image(file, image.data(), image.size()) < 0) image.clear();
  }
  H5Fclose(file);
  return image;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // building may fail quietly; readers report
  Input in(data, size);
  const std::vector<std::byte> image = build_image(in);
  if (image.empty()) return 0;
  try {
    const nisim::h5::Location run = nisim::h5::open_file_image(image, "fuzz.h5");
    (void)nisim::hk::kpi_report(run, "fuzz.h5");
  } catch (const nisim::Error&) {
    // expected: the file was refused with a message
  }
  try {  // the engine's readers on every dataset, whatever its shape and dtype
    const nisim::h5::Location run = nisim::h5::open_file_image(image, "fuzz.h5");
    for (const char* name : {"year", "scheme", "scheme_spent", "mfg_share", "kpi/indicator"}) {
      try {
        (void)nisim::h5::read_double(run, name);
      } catch (const nisim::Error&) {
      }
      try {
        (void)nisim::h5::read_int(run, name);
      } catch (const nisim::Error&) {
      }
      try {
        (void)nisim::h5::read_strings(run, name);
      } catch (const nisim::Error&) {
      }
      try {
        (void)nisim::h5::dim_names(run, name);
      } catch (const nisim::Error&) {
      }
    }
  } catch (const nisim::Error&) {
  }
  return 0;
}
