#pragma once
// A small RAII layer over the HDF5 C API: files, groups, chunked compressed datasets with
// dimension scales (readable by h5py and by xarray through h5netcdf), attributes, and atomic
// output (write a temporary file beside the target, rename on success). Schema: docs/output.md.
//
// Failures are nisim::IoError naming the file and object; a violated precondition (a data size
// or rank that does not match the shape, an empty dimension name) is std::invalid_argument.
// Files use the HDF5 1.8 format at most, creation-ordered links and attributes, f64/i64 little
// endian. A variable in a group may use dimensions of its ancestors: h5netcdf (xarray) resolves
// them by name, but `xr.open_dataset(path, group=...)` then lists those dimensions without
// coordinates (the coordinate variables live in the ancestor); write the scales into the group
// itself if it must be self-contained.
#include <hdf5.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/file_guard.hpp"

namespace nisim::h5 {

/// Owns one HDF5 identifier and closes it with the right H5*close function.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id);
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// A file or group: anything that holds datasets, groups and attributes.
class Location {
 public:
  explicit Location(Handle handle) : handle_(std::move(handle)) {}
  hid_t id() const noexcept { return handle_.id(); }

  /// Create a child group (error if it exists) / open an existing one.
  Location create_group(const std::string& name) const;
  Location open_group(const std::string& name) const;
  /// An existing dataset, opened for its attributes only (set_attr, attr_*).
  Location open_dataset(const std::string& name) const;
  bool exists(const std::string& name) const;

  /// Attributes on this location (scalar; strings are variable-length UTF-8, which h5py reads
  /// as str; fixed-length ones come back as bytes). Setting an existing attribute replaces it.
  void set_attr(const std::string& name, const std::string& value) const;
  void set_attr(const std::string& name, double value) const;
  void set_attr(const std::string& name, std::int64_t value) const;
  void set_attr(const std::string& name, std::uint64_t value) const;  ///< e.g. a 64-bit seed
  std::string attr_string(const std::string& name) const;
  double attr_double(const std::string& name) const;
  std::int64_t attr_int(const std::string& name) const;

 private:
  Handle handle_;
};

/// Descriptive attributes written on every data variable.
struct VarInfo {
  std::string units;      ///< "HK$ M", "percent", "persons", "m2", "1" ...
  std::string long_name;  ///< one line a plot can use as its label
};

/// A 1-D coordinate variable that is also an HDF5 dimension scale named `name` (int32; labels
/// as variable-length UTF-8, read by xarray as str and by h5py as bytes, `.asstr()` for str).
void write_dim_int(const Location& loc, const std::string& name, std::span<const std::int32_t> v,
                   const VarInfo& info);
void write_dim_str(const Location& loc, const std::string& name,
                   const std::vector<std::string>& labels, const VarInfo& info);
/// The same, from a fixed list of names (a model's `k_*_names` array).
template <std::size_t N>
void write_dim_str(const Location& loc, const std::string& name,
                   const std::array<std::string_view, N>& labels, const VarInfo& info) {
  write_dim_str(loc, name, std::vector<std::string>(labels.begin(), labels.end()), info);
}

/// A row-major N-D dataset (chunked, deflate-compressed) whose axis k is attached to the
/// dimension scale `dims[k]` (a dataset written before by write_dim_*, looked up from `loc` and
/// its parents by absolute path if `dims[k]` starts with '/'). shape.size() == dims.size().
void write_double(const Location& loc, const std::string& name, std::span<const double> data,
                  const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                  const VarInfo& info);
void write_int(const Location& loc, const std::string& name, std::span<const std::int64_t> data,
               const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
               const VarInfo& info);
/// The same for unsigned 64-bit integers (e.g. seeds, which use all 64 bits).
void write_uint(const Location& loc, const std::string& name, std::span<const std::uint64_t> data,
                const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                const VarInfo& info);

/// Bounds on what a reader allocates for a file it did not write (hostile input guard): no read
/// takes more than k_max_read_elements elements or k_max_read_bytes bytes, and no dataset read
/// may declare chunks larger than k_max_chunk_bytes (HDF5 allocates a whole chunk to read one).
inline constexpr std::size_t k_max_read_elements = std::size_t{1} << 27;
inline constexpr std::size_t k_max_read_bytes = std::size_t{1} << 30;
inline constexpr std::size_t k_max_chunk_bytes = std::size_t{1} << 26;

/// Read a whole dataset; `shape` receives its dimensions. A dataset declaring more than
/// `max_elements` elements (pass what the reader expects) is an IoError naming file and dataset,
/// raised before anything is allocated.
std::vector<double> read_double(const Location& loc, const std::string& name,
                                std::vector<hsize_t>* shape = nullptr,
                                std::size_t max_elements = k_max_read_elements);
std::vector<std::int64_t> read_int(const Location& loc, const std::string& name,
                                   std::vector<hsize_t>* shape = nullptr,
                                   std::size_t max_elements = k_max_read_elements);
std::vector<std::string> read_strings(const Location& loc, const std::string& name,
                                      std::size_t max_elements = k_max_read_elements);

/// Names of the dimension scales attached to a dataset, in axis order ("" where none).
std::vector<std::string> dim_names(const Location& loc, const std::string& name);

/// A dataset that grows along its first axis (unlimited), for streaming batch results.
class Appendable {
 public:
  /// Create `name` with shape {0, row_shape...}, chunked by rows. dims[1..] must exist as for
  /// write_double. If dims[0] does not name a dimension scale, it is created in `loc` the way
  /// netCDF-4 stores a dimension without coordinate variable (an empty unlimited scale): axis 0
  /// cannot stay unattached, since h5netcdf rejects partly labelled variables.
  Appendable(const Location& loc, const std::string& name, const std::vector<hsize_t>& row_shape,
             const std::vector<std::string>& dims, const VarInfo& info);
  /// Append one row (row-major, size = product of row_shape); returns its index.
  hsize_t append(std::span<const double> row);
  hsize_t rows() const noexcept { return rows_; }

 private:
  Handle dataset_;
  std::vector<hsize_t> row_shape_;
  hsize_t rows_ = 0;
};

/// A dataset of fixed shape {rows, row_shape...} written one row at a time, in any order, for
/// batch results: row r belongs to run r whenever it finishes, so the layout never depends on
/// completion order. Rows never written read as NaN (the fill value). All dims must exist.
class RowWriter {
 public:
  RowWriter(const Location& loc, const std::string& name, hsize_t rows,
            const std::vector<hsize_t>& row_shape, const std::vector<std::string>& dims,
            const VarInfo& info);
  /// The same with several leading axes {lead...}: shape {lead..., row_shape...}, and row r is
  /// the row-major flat index over the leading axes (a sweep's [point, replication] rows).
  RowWriter(const Location& loc, const std::string& name, const std::vector<hsize_t>& lead,
            const std::vector<hsize_t>& row_shape, const std::vector<std::string>& dims,
            const VarInfo& info);
  /// Write row `r` (row-major, size = product of row_shape). Precondition: r < rows.
  void write_row(hsize_t r, std::span<const double> row);

 private:
  Handle dataset_;
  std::vector<hsize_t> row_shape_;
  std::vector<hsize_t> lead_;
  hsize_t rows_ = 0;
};

/// Files.
Location create_file(const std::filesystem::path& path);     ///< fails if it exists
Location open_file_read(const std::filesystem::path& path);  ///< IoError if not HDF5
/// Open an HDF5 file image held in memory (copied), read-only; IoError naming `name` if it is
/// not one. For fuzzing the readers without touching the disk.
Location open_file_image(std::span<const std::byte> image, const std::string& name);
void flush(const Location& file);

/// Writes an output file atomically: data go to a temporary file in the target's directory,
/// which `commit()` closes and renames onto the target. If the object is destroyed without
/// commit (an exception), the temporary file is removed and the target is untouched.
/// Without `force`, an existing target is an IoError before anything is written; anything but
/// a regular file at the target (link, FIFO, device, directory) always is
/// (check_output_target, engine/file_guard.hpp). The temporary file is removed on SIGINT and
/// SIGTERM too, and stale ones of killed processes are removed when the next one starts.
class AtomicFile {
 public:
  AtomicFile(const std::filesystem::path& target, bool force);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  const Location& root() const { return *root_; }  ///< only before commit()
  const std::filesystem::path& temp_path() const { return temp_; }
  /// Close (also any group or dataset still open in it), fsync, rename onto the target and
  /// fsync the directory.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::unique_ptr<Location> root_;
  std::unique_ptr<nisim::TempRegistration> registration_;  ///< unlinks temp_ on SIGINT/SIGTERM
  bool committed_ = false;
};

/// Remove the temporary files AtomicFile left for `target` in processes that no longer run
/// (killed before commit; names ".TARGET.tmp-PID-N"). Returns how many were removed. Every
/// AtomicFile calls it first.
std::size_t remove_stale_temps(const std::filesystem::path& target);

}  // namespace nisim::h5
