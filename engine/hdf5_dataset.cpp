// HDF5 datasets: creation (chunked, compressed), dimension scales, whole-dataset writes and reads,
// and datasets that grow by rows. Handles, groups, attributes and files are in hdf5.cpp.
#include "engine/hdf5.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

#include "engine/error.hpp"
#include "engine/hdf5_detail.hpp"

namespace nisim::h5 {
namespace detail {
namespace {

constexpr unsigned deflate_level = 4;
constexpr hsize_t chunk_bytes = hsize_t{1} << 20;  // cap on one chunk's (uncompressed) size
constexpr hsize_t rows_per_chunk = 64;             // Appendable: rows per chunk at most
// netCDF-4's NAME for a dimension scale that is a dimension but not a variable (h5netcdf hides
// such datasets from the variables and reads the dimension's length off the attached variables).
constexpr const char* netcdf_pure_dim = "This is a netCDF dimension but not a netCDF variable.";

/// {first, rest...}
std::vector<hsize_t> prepend(hsize_t first, const std::vector<hsize_t>& rest) {
  std::vector<hsize_t> v{first};
  v.insert(v.end(), rest.begin(), rest.end());
  return v;
}

Handle make_space(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max) {
  if (dims.empty()) return Handle(check(H5Screate(H5S_SCALAR), [] { return "H5Screate"; }));
  return Handle(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()),
                      [] { return "cannot create an HDF5 dataspace"; }));
}

/// Chunk shape: the whole dataset if it fits in chunk_bytes, else shrink the leading axes first
/// (so that rows stay contiguous) until it does.
std::vector<hsize_t> chunk_shape(std::vector<hsize_t> shape, std::size_t elem_size) {
  const hsize_t cap = std::max<hsize_t>(1, chunk_bytes / elem_size);
  for (std::size_t k = 0; k < shape.size(); ++k) {
    hsize_t inner = 1;
    for (std::size_t j = k + 1; j < shape.size(); ++j) inner *= shape[j];
    if (shape[k] * inner <= cap) break;
    shape[k] = std::max<hsize_t>(1, cap / inner);
  }
  return shape;
}

/// Creates a dataset: chunked (shaped from `chunk_hint`), shuffled and deflated, except scalar
/// and empty fixed-size ones (HDF5 cannot chunk those), which are contiguous.
Handle create_dataset(hid_t loc, const std::string& name, hid_t type,
                      const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max,
                      const std::vector<hsize_t>& chunk_hint, std::size_t elem_size,
                      const double* fill_value = nullptr) {
  auto what = [&] { return "cannot create dataset " + where(loc, name); };
  if (check(H5Lexists(loc, name.c_str(), H5P_DEFAULT), what) > 0)
    throw IoError(what() + ": it exists");
  Handle space = make_space(dims, max);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
  check(H5Pset_attr_creation_order(dcpl.id(), creation_order), what);
  if (fill_value != nullptr)
    check(H5Pset_fill_value(dcpl.id(), H5T_NATIVE_DOUBLE, fill_value), what);
  const bool grows = std::find(max.begin(), max.end(), H5S_UNLIMITED) != max.end();
  if (!dims.empty() && (grows || element_count(dims) > 0)) {
    const std::vector<hsize_t> chunk = chunk_shape(chunk_hint, elem_size);
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), what);
    check(H5Pset_shuffle(dcpl.id()), what);
    check(H5Pset_deflate(dcpl.id(), deflate_level), what);
  }
  return Handle(check(
      H5Dcreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), what));
}

Handle open_dataset(hid_t loc, const std::string& name) {
  return Handle(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT),
                      [&] { return "cannot open dataset " + where(loc, name); }));
}

std::vector<hsize_t> extent(hid_t dset) {
  return space_dims(H5Dget_space(dset),
                    [dset] { return "cannot get the shape of " + where(dset); });
}

/// An open dataset to read whole; refuses (IoError) one whose chunks exceed k_max_chunk_bytes.
Source dataset_source(hid_t loc, const std::string& name) {
  Source src{open_dataset(loc, name), false,
             [loc, name] { return "cannot read dataset " + where(loc, name); }};
  const Handle dcpl(check(H5Dget_create_plist(src.handle.id()), src.what));
  if (H5Pget_layout(dcpl.id()) == H5D_CHUNKED) {
    std::array<hsize_t, H5S_MAX_RANK> chunk{};
    const int rank = check(H5Pget_chunk(dcpl.id(), H5S_MAX_RANK, chunk.data()), src.what);
    const Handle type = src.type();
    const std::vector<hsize_t> dims(chunk.begin(), chunk.begin() + rank);
    if (element_count(dims) > k_max_chunk_bytes / std::max<std::size_t>(1, H5Tget_size(type.id())))
      throw IoError(src.what() + ": declares chunks larger than " +
                    std::to_string(k_max_chunk_bytes) + " bytes (not a file nisim writes)");
  }
  return src;
}

void write_info(hid_t obj, const VarInfo& info) {
  write_attr_string(obj, "units", info.units);
  write_attr_string(obj, "long_name", info.long_name);
}

/// The dimension scale `dim` seen from `loc`: an absolute path, else the nearest of `loc` and
/// its ancestors that holds it. An invalid Handle if there is none.
Handle find_dim(hid_t loc, const std::string& dim) {
  if (dim.empty()) throw std::invalid_argument("hdf5: empty dimension name");
  std::vector<std::string> candidates{dim};
  if (!dim.starts_with('/')) {
    candidates.clear();
    std::string dir = name_of(loc);
    while (dir.starts_with('/')) {
      candidates.push_back(join(dir, dim));
      if (dir == "/") break;
      dir.resize(std::max<std::size_t>(1, dir.find_last_of('/')));  // the parent group
    }
  }
  for (const std::string& path : candidates) {
    if (!loc_exists(loc, path)) continue;
    Handle scale = open_dataset(loc, path);
    if (check(H5DSis_scale(scale.id()), [&] { return "cannot inspect " + where(loc, path); }) <= 0)
      throw IoError(where(loc, path) + " is not a dimension scale");
    return scale;
  }
  return Handle();
}

/// Resolves dims[k] for each axis of `var`, checking each is a 1-D scale of the axis' length.
/// An appendable's first axis (`growing`) may be missing (invalid Handle) and is not checked.
std::vector<Handle> resolve_dims(hid_t loc, const std::string& var,
                                 const std::vector<hsize_t>& shape,
                                 const std::vector<std::string>& dims, bool growing) {
  if (shape.size() != dims.size())
    throw std::invalid_argument("hdf5: " + var + ": shape and dims differ in rank");
  std::vector<Handle> scales;
  for (std::size_t k = 0; k < dims.size(); ++k) {
    Handle scale = find_dim(loc, dims[k]);
    const bool first_growing = growing && k == 0;
    if (!scale.valid() && !first_growing)
      throw IoError("no dimension '" + dims[k] + "' for " + where(loc, var));
    if (scale.valid() && !first_growing && extent(scale.id()) != std::vector<hsize_t>{shape[k]})
      throw IoError("dimension '" + dims[k] + "' does not have the length of axis " +
                    std::to_string(k) + " of " + where(loc, var));
    scales.push_back(std::move(scale));
  }
  return scales;
}

void attach(hid_t dset, const std::vector<Handle>& scales) {
  for (std::size_t k = 0; k < scales.size(); ++k)
    check(H5DSattach_scale(dset, scales[k].id(), static_cast<unsigned>(k)), [&] {
      return "cannot attach a dimension to axis " + std::to_string(k) + " of " + where(dset);
    });
}

void write_numeric(const Location& loc, const std::string& name, const void* data, std::size_t n,
                   hid_t mem_type, hid_t file_type, const std::vector<hsize_t>& shape,
                   const std::vector<std::string>& dims, const VarInfo& info) {
  if (element_count(shape) != n)
    throw std::invalid_argument("hdf5: " + name + ": data size does not match shape");
  const std::vector<Handle> scales = resolve_dims(loc.id(), name, shape, dims, false);
  Handle ds = create_dataset(loc.id(), name, file_type, shape, shape, shape, 8);
  if (n > 0)
    check(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
          [&] { return "cannot write dataset " + where(loc.id(), name); });
  write_info(ds.id(), info);
  attach(ds.id(), scales);
}

/// Writes a 1-D coordinate variable and makes it the dimension scale `name`.
void write_dim(const Location& loc, const std::string& name, std::size_t n, hid_t type,
               std::size_t elem_size, const void* data, const VarInfo& info) {
  const std::vector<hsize_t> shape{n};
  Handle ds = create_dataset(loc.id(), name, type, shape, shape, shape, elem_size);
  auto what = [&] { return "cannot write dimension " + where(loc.id(), name); };
  if (n > 0) check(H5Dwrite(ds.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
  check(H5DSset_scale(ds.id(), name.c_str()), what);  // NAME = the dimension's name
  write_info(ds.id(), info);
}

}  // namespace
}  // namespace detail

using detail::check;
using detail::where;

// ---- Datasets -----------------------------------------------------------------------------

void write_dim_int(const Location& loc, const std::string& name, std::span<const std::int32_t> v,
                   const VarInfo& info) {
  detail::write_dim(loc, name, v.size(), H5T_STD_I32LE, 4, v.data(), info);
}

void write_dim_str(const Location& loc, const std::string& name,
                   const std::vector<std::string>& labels, const VarInfo& info) {
  std::vector<const char*> ptrs;
  for (const std::string& s : labels) {
    if (s.find('\0') != std::string::npos)
      throw std::invalid_argument("hdf5: a label of " + name + " contains a NUL character");
    ptrs.push_back(s.c_str());
  }
  Handle type = detail::vlen_utf8();
  detail::write_dim(loc, name, ptrs.size(), type.id(), sizeof(hvl_t), ptrs.data(), info);
}

void write_double(const Location& loc, const std::string& name, std::span<const double> data,
                  const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                  const VarInfo& info) {
  detail::write_numeric(loc, name, data.data(), data.size(), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
                        shape, dims, info);
}

void write_int(const Location& loc, const std::string& name, std::span<const std::int64_t> data,
               const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
               const VarInfo& info) {
  detail::write_numeric(loc, name, data.data(), data.size(), H5T_NATIVE_INT64, H5T_STD_I64LE, shape,
                        dims, info);
}

void write_uint(const Location& loc, const std::string& name, std::span<const std::uint64_t> data,
                const std::vector<hsize_t>& shape, const std::vector<std::string>& dims,
                const VarInfo& info) {
  detail::write_numeric(loc, name, data.data(), data.size(), H5T_NATIVE_UINT64, H5T_STD_U64LE,
                        shape, dims, info);
}

std::vector<double> read_double(const Location& loc, const std::string& name,
                                std::vector<hsize_t>* shape, std::size_t max_elements) {
  return detail::read_numbers<double>(detail::dataset_source(loc.id(), name), H5T_NATIVE_DOUBLE,
                                      true, shape, max_elements);
}

std::vector<std::int64_t> read_int(const Location& loc, const std::string& name,
                                   std::vector<hsize_t>* shape, std::size_t max_elements) {
  return detail::read_numbers<std::int64_t>(detail::dataset_source(loc.id(), name),
                                            H5T_NATIVE_INT64, false, shape, max_elements);
}

std::vector<std::string> read_strings(const Location& loc, const std::string& name,
                                      std::size_t max_elements) {
  return detail::read_texts(detail::dataset_source(loc.id(), name), max_elements);
}

std::vector<std::string> dim_names(const Location& loc, const std::string& name) {
  Handle ds = detail::open_dataset(loc.id(), name);
  std::vector<std::string> names(detail::extent(ds.id()).size());
  // The last scale attached to an axis names it, as in netCDF-C and h5netcdf.
  auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
    const std::string path = detail::name_of(scale);
    *static_cast<std::string*>(data) = path.substr(path.find_last_of('/') + 1);
    return 0;
  };
  auto what = [&] { return "cannot list the dimensions of " + where(loc.id(), name); };
  for (unsigned k = 0; k < names.size(); ++k)
    if (check(H5DSget_num_scales(ds.id(), k), what) > 0)
      check(H5DSiterate_scales(ds.id(), k, nullptr, visit, &names[k]), what);
  return names;
}

// ---- Appendable ---------------------------------------------------------------------------

namespace {
/// Write one row (index `lead` along the leading axes, shape row_shape) of a dataset of doubles.
template <class What>
void write_row_at(hid_t dataset, const std::vector<hsize_t>& lead,
                  const std::vector<hsize_t>& row_shape, std::span<const double> row,
                  const What& what) {
  std::vector<hsize_t> count(lead.size(), 1);
  count.insert(count.end(), row_shape.begin(), row_shape.end());
  std::vector<hsize_t> start(count.size(), 0);
  std::copy(lead.begin(), lead.end(), start.begin());
  Handle file_space(check(H5Dget_space(dataset), what));
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what);
  Handle mem_space = detail::make_space(count, count);
  check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, mem_space.id(), file_space.id(), H5P_DEFAULT,
                 row.data()),
        what);
}
}  // namespace

Appendable::Appendable(const Location& loc, const std::string& name,
                       const std::vector<hsize_t>& row_shape, const std::vector<std::string>& dims,
                       const VarInfo& info)
    : row_shape_(row_shape) {
  if (std::find(row_shape.begin(), row_shape.end(), hsize_t{0}) != row_shape.end())
    throw std::invalid_argument("hdf5: " + name + ": empty row shape");
  using detail::prepend;
  const std::vector<hsize_t> shape = prepend(0, row_shape), max = prepend(H5S_UNLIMITED, row_shape);
  std::vector<Handle> scales = detail::resolve_dims(loc.id(), name, shape, dims, true);
  if (!scales[0].valid()) {
    // Create the missing row dimension as netCDF-4 does a dimension without a coordinate
    // variable: an empty unlimited scale. (Leaving axis 0 unattached is no option: h5netcdf
    // rejects variables with both labelled and unlabelled axes.)
    scales[0] =
        detail::create_dataset(loc.id(), dims[0], H5T_IEEE_F32LE, {0}, {H5S_UNLIMITED}, {1024}, 4);
    char tag[96];
    std::snprintf(tag, sizeof tag, "%s%10d", detail::netcdf_pure_dim, 0);
    check(H5DSset_scale(scales[0].id(), tag),
          [&] { return "cannot create dimension " + where(loc.id(), dims[0]); });
  }
  dataset_ = detail::create_dataset(loc.id(), name, H5T_IEEE_F64LE, shape, max,
                                    prepend(detail::rows_per_chunk, row_shape), 8);
  detail::write_info(dataset_.id(), info);
  detail::attach(dataset_.id(), scales);
}

hsize_t Appendable::append(std::span<const double> row) {
  if (row.size() != detail::element_count(row_shape_))
    throw std::invalid_argument("hdf5: appended row has the wrong size");
  auto what = [&] { return "cannot append a row to " + where(dataset_.id()); };
  std::vector<hsize_t> dims = detail::prepend(rows_ + 1, row_shape_);
  check(H5Dset_extent(dataset_.id(), dims.data()), what);
  try {
    write_row_at(dataset_.id(), {rows_}, row_shape_, row, what);
  } catch (...) {
    dims[0] = rows_;  // best effort: shrink back so that rows() stays the dataset's length
    H5Dset_extent(dataset_.id(), dims.data());
    throw;
  }
  return rows_++;
}

}  // namespace nisim::h5

namespace nisim::h5 {

RowWriter::RowWriter(const Location& loc, const std::string& name, hsize_t rows,
                     const std::vector<hsize_t>& row_shape, const std::vector<std::string>& dims,
                     const VarInfo& info)
    : RowWriter(loc, name, std::vector<hsize_t>{rows}, row_shape, dims, info) {}

RowWriter::RowWriter(const Location& loc, const std::string& name, const std::vector<hsize_t>& lead,
                     const std::vector<hsize_t>& row_shape, const std::vector<std::string>& dims,
                     const VarInfo& info)
    : row_shape_(row_shape), lead_(lead), rows_(detail::element_count(lead)) {
  std::vector<hsize_t> shape = lead;
  shape.insert(shape.end(), row_shape.begin(), row_shape.end());
  if (lead.empty() || std::find(shape.begin(), shape.end(), hsize_t{0}) != shape.end())
    throw std::invalid_argument("hdf5: " + name + ": empty shape");
  std::vector<Handle> scales = detail::resolve_dims(loc.id(), name, shape, dims, false);
  // Chunks of up to 64 rows, taken from the innermost leading axis outwards.
  std::vector<hsize_t> chunk = shape;
  hsize_t budget = 64;
  for (std::size_t k = lead.size(); k-- > 0;) {
    chunk[k] = std::max<hsize_t>(1, std::min(lead[k], budget));
    budget = std::max<hsize_t>(1, budget / chunk[k]);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  dataset_ = detail::create_dataset(loc.id(), name, H5T_IEEE_F64LE, shape, shape, chunk, 8, &nan);
  detail::write_info(dataset_.id(), info);
  detail::attach(dataset_.id(), scales);
}

void RowWriter::write_row(hsize_t r, std::span<const double> row) {
  if (r >= rows_ || row.size() != detail::element_count(row_shape_))
    throw std::invalid_argument("hdf5: RowWriter::write_row: row index or size out of range");
  auto what = [&] {
    return "cannot write row " + std::to_string(r) + " of " + where(dataset_.id());
  };
  std::vector<hsize_t> index(lead_.size());
  for (std::size_t k = lead_.size(); k-- > 0;) {
    index[k] = r % lead_[k];
    r /= lead_[k];
  }
  write_row_at(dataset_.id(), index, row_shape_, row, what);
}

}  // namespace nisim::h5
