#include "engine/hdf5.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "engine/error.hpp"

namespace nisim::h5 {
namespace detail {
namespace {

namespace fs = std::filesystem;
using Message = std::function<std::string()>;

constexpr unsigned deflate_level = 4;
constexpr hsize_t chunk_bytes = hsize_t{1} << 20;  // cap on one chunk's (uncompressed) size
constexpr hsize_t rows_per_chunk = 64;             // Appendable: rows per chunk at most
constexpr unsigned creation_order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
// netCDF-4's NAME for a dimension scale that is a dimension but not a variable (h5netcdf hides
// such datasets from the variables and reads the dimension's length off the attached variables).
constexpr const char* netcdf_pure_dim = "This is a netCDF dimension but not a netCDF variable.";

/// Turns off HDF5's printing of its error stack, once: failures become IoErrors instead.
void silence_hdf5_errors() {
  static const bool done = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)done;
}

/// The innermost message on the current HDF5 error stack ("" if empty).
std::string hdf5_cause() {
  std::string cause;
  auto walk = [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
    if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &cause);
  return cause;
}

/// Returns `value`, or throws IoError(message() + HDF5's reason) if it is negative.
template <class T>
T check(T value, const Message& message) {
  if (value >= 0) return value;
  const std::string cause = hdf5_cause();  // before message() makes more HDF5 calls
  throw IoError(message() + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
}

/// H5Iget_name / H5Fget_name into a string ("?" if unknown).
std::string get_name(ssize_t (*get)(hid_t, char*, size_t), hid_t id) {
  const ssize_t n = get(id, nullptr, 0);
  if (n <= 0) return "?";
  std::string s(static_cast<std::size_t>(n) + 1, '\0');
  get(id, s.data(), s.size());
  s.resize(static_cast<std::size_t>(n));
  return s;
}
std::string name_of(hid_t id) {
  return get_name(H5Iget_name, id);
}
std::string file_of(hid_t id) {
  return get_name(H5Fget_name, id);
}

std::string join(const std::string& dir, const std::string& name) {
  if (name.empty() || name.front() == '/') return name.empty() ? dir : name;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

/// "'/group/name' in file '/path/out.h5'", for messages.
std::string where(hid_t loc, const std::string& name = "") {
  return "'" + join(name_of(loc), name) + "' in file '" + file_of(loc) + "'";
}

std::size_t element_count(const std::vector<hsize_t>& shape) {
  hsize_t n = 1;
  for (hsize_t d : shape) n *= d;
  return static_cast<std::size_t>(n);
}

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

/// Variable-length UTF-8 strings: h5py reads such attributes as str, xarray such labels as str.
Handle vlen_utf8() {
  Handle t(check(H5Tcopy(H5T_C_S1), [] { return "H5Tcopy"; }));
  check(H5Tset_size(t.id(), H5T_VARIABLE), [] { return "H5Tset_size"; });
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), [] { return "H5Tset_cset"; });
  return t;
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
                      const std::vector<hsize_t>& chunk_hint, std::size_t elem_size) {
  auto what = [&] { return "cannot create dataset " + where(loc, name); };
  if (check(H5Lexists(loc, name.c_str(), H5P_DEFAULT), what) > 0)
    throw IoError(what() + ": it exists");
  Handle space = make_space(dims, max);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
  check(H5Pset_attr_creation_order(dcpl.id(), creation_order), what);
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

std::vector<hsize_t> space_dims(hid_t space, const Message& what) {
  Handle owned(check(space, what));
  std::vector<hsize_t> dims(
      static_cast<std::size_t>(check(H5Sget_simple_extent_ndims(owned.id()), what)));
  check(H5Sget_simple_extent_dims(owned.id(), dims.data(), nullptr), what);
  return dims;
}

std::vector<hsize_t> extent(hid_t dset) {
  return space_dims(H5Dget_space(dset),
                    [dset] { return "cannot get the shape of " + where(dset); });
}

/// An open dataset or attribute, read whole.
struct Source {
  Handle handle;
  bool attr;
  Message what;

  Handle type() const {
    return Handle(check(attr ? H5Aget_type(handle.id()) : H5Dget_type(handle.id()), what));
  }
  std::vector<hsize_t> shape() const {
    return space_dims(attr ? H5Aget_space(handle.id()) : H5Dget_space(handle.id()), what);
  }
  void read(hid_t mem_type, void* buf) const {
    check(attr ? H5Aread(handle.id(), mem_type, buf)
               : H5Dread(handle.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf),
          what);
  }
};

Source dataset_source(hid_t loc, const std::string& name) {
  return {open_dataset(loc, name), false,
          [loc, name] { return "cannot read dataset " + where(loc, name); }};
}

Source attr_source(hid_t obj, const std::string& name) {
  Message what = [obj, name] { return "cannot read attribute '" + name + "' of " + where(obj); };
  return {Handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), what)), true, what};
}

/// Reads a whole numeric dataset or attribute as `mem_type`; float data only if `allow_float`.
template <class T>
std::vector<T> read_numbers(const Source& src, hid_t mem_type, bool allow_float,
                            std::vector<hsize_t>* shape = nullptr) {
  const H5T_class_t cls = H5Tget_class(src.type().id());
  if (cls != H5T_INTEGER && !(allow_float && cls == H5T_FLOAT))
    throw IoError(src.what() + (allow_float ? ": not numeric" : ": not an integer"));
  std::vector<hsize_t> dims = src.shape();
  std::vector<T> out(element_count(dims));
  if (!out.empty()) src.read(mem_type, out.data());
  if (shape != nullptr) *shape = std::move(dims);
  return out;
}

/// Reads all strings (fixed or variable length, in the stored character set) of a source.
std::vector<std::string> read_texts(const Source& src) {
  Handle type = src.type();
  if (H5Tget_class(type.id()) != H5T_STRING) throw IoError(src.what() + ": not a string");
  const std::size_t n = element_count(src.shape());
  std::vector<std::string> out;
  if (check(H5Tis_variable_str(type.id()), src.what) > 0) {
    std::vector<char*> ptrs(n, nullptr);
    struct Free {  // the library allocated the strings; free them even if we throw
      std::vector<char*>& p;
      ~Free() {
        for (char* s : p) H5free_memory(s);
      }
    } guard{ptrs};
    if (n > 0) src.read(type.id(), ptrs.data());
    for (const char* s : ptrs) out.emplace_back(s != nullptr ? s : "");
    return out;
  }
  const std::size_t size = H5Tget_size(type.id());
  std::vector<char> buf(n * size);
  if (n > 0) src.read(type.id(), buf.data());
  for (std::size_t i = 0; i < n; ++i) {
    std::string s(buf.data() + i * size, size);
    s.resize(std::min(s.find('\0'), s.size()));
    if (H5Tget_strpad(type.id()) == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return out;
}

/// A single value of a numeric or string attribute.
template <class T>
T single(std::vector<T> v, const Source& src) {
  if (v.size() != 1) throw IoError(src.what() + ": not a single value");
  return std::move(v.front());
}

void write_attr(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type,
                const void* value) {
  auto what = [&] { return "cannot write attribute '" + name + "' of " + where(obj); };
  if (check(H5Aexists(obj, name.c_str()), what) > 0) check(H5Adelete(obj, name.c_str()), what);
  Handle space(check(H5Screate(H5S_SCALAR), what));
  Handle attr(
      check(H5Acreate2(obj, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT), what));
  check(H5Awrite(attr.id(), mem_type, value), what);
}

void write_attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = vlen_utf8();
  const char* p = value.c_str();
  write_attr(obj, name, type.id(), type.id(), &p);
}

void write_info(hid_t obj, const VarInfo& info) {
  write_attr_string(obj, "units", info.units);
  write_attr_string(obj, "long_name", info.long_name);
}

/// True if `path` (relative to `loc`, or absolute) names a link; checks each component, since
/// H5Lexists fails on a missing intermediate group.
bool loc_exists(hid_t loc, const std::string& path) {
  std::string prefix = path.starts_with('/') ? "/" : "";
  for (std::size_t start = prefix.size(), end = 0; start < path.size(); start = end + 1) {
    end = std::min(path.find('/', start), path.size());
    if (end == start) continue;
    if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
    prefix += path.substr(start, end - start);
    if (check(H5Lexists(loc, prefix.c_str(), H5P_DEFAULT),
              [&] { return "cannot look up " + where(loc, prefix); }) <= 0)
      return false;
  }
  return true;
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

Location create_file_with(const fs::path& path, H5F_close_degree_t degree) {
  silence_hdf5_errors();
  auto what = [&] { return "cannot create HDF5 file '" + path.string() + "'"; };
  std::error_code ec;
  if (fs::exists(path, ec)) throw IoError(what() + ": it exists");
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), what));
  check(H5Pset_link_creation_order(fcpl.id(), creation_order), what);
  check(H5Pset_attr_creation_order(fcpl.id(), creation_order), what);
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), what));
  // The oldest format able to hold each object and nothing newer than 1.8's: widely readable.
  check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), what);
  check(H5Pset_fclose_degree(fapl.id(), degree), what);
  return Location(Handle(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.id(), fapl.id()), what)));
}

void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open '" + path.string() + "' to sync it to disk");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw IoError("cannot sync '" + path.string() + "' to disk");
}

}  // namespace
}  // namespace detail

using detail::check;
using detail::where;

// ---- Handle -------------------------------------------------------------------------------

Handle::Handle(hid_t id) : id_(id) {
  detail::silence_hdf5_errors();
}

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Handle old(std::move(*this));  // closes the current id
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

Handle::~Handle() {
  using Close = herr_t (*)(hid_t);
  static constexpr std::pair<H5I_type_t, Close> closers[] = {
      {H5I_FILE, H5Fclose},       {H5I_GROUP, H5Gclose},    {H5I_DATASET, H5Dclose},
      {H5I_DATASPACE, H5Sclose},  {H5I_DATATYPE, H5Tclose}, {H5I_ATTR, H5Aclose},
      {H5I_GENPROP_LST, H5Pclose}};
  if (id_ < 0) return;
  const H5I_type_t type = H5Iget_type(id_);  // H5I_BADID if closed already (strong file close)
  if (type == H5I_BADID) return;
  for (const auto& [t, close] : closers)
    if (t == type) {
      close(id_);
      return;
    }
  H5Idec_ref(id_);
}

// ---- Location -----------------------------------------------------------------------------

Location Location::create_group(const std::string& name) const {
  auto what = [&] { return "cannot create group " + where(id(), name); };
  if (exists(name)) throw IoError(what() + ": it exists");
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), what));
  check(H5Pset_link_creation_order(gcpl.id(), detail::creation_order), what);
  check(H5Pset_attr_creation_order(gcpl.id(), detail::creation_order), what);
  return Location(
      Handle(check(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), what)));
}

Location Location::open_group(const std::string& name) const {
  auto what = [&] { return "cannot open group " + where(id(), name); };
  if (!exists(name)) throw IoError(what() + ": no such group");
  return Location(Handle(check(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), what)));
}

bool Location::exists(const std::string& name) const {
  return !name.empty() && detail::loc_exists(id(), name);
}

void Location::set_attr(const std::string& name, const std::string& value) const {
  detail::write_attr_string(id(), name, value);
}

void Location::set_attr(const std::string& name, double value) const {
  detail::write_attr(id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Location::set_attr(const std::string& name, std::int64_t value) const {
  detail::write_attr(id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

std::string Location::attr_string(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(detail::read_texts(src), src);
}

double Location::attr_double(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(detail::read_numbers<double>(src, H5T_NATIVE_DOUBLE, true), src);
}

std::int64_t Location::attr_int(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(detail::read_numbers<std::int64_t>(src, H5T_NATIVE_INT64, false), src);
}

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

std::vector<double> read_double(const Location& loc, const std::string& name,
                                std::vector<hsize_t>* shape) {
  return detail::read_numbers<double>(detail::dataset_source(loc.id(), name), H5T_NATIVE_DOUBLE,
                                      true, shape);
}

std::vector<std::int64_t> read_int(const Location& loc, const std::string& name,
                                   std::vector<hsize_t>* shape) {
  return detail::read_numbers<std::int64_t>(detail::dataset_source(loc.id(), name),
                                            H5T_NATIVE_INT64, false, shape);
}

std::vector<std::string> read_strings(const Location& loc, const std::string& name) {
  return detail::read_texts(detail::dataset_source(loc.id(), name));
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
  std::vector<hsize_t> dims = detail::prepend(rows_ + 1, row_shape_), start(dims.size(), 0);
  const std::vector<hsize_t> count = detail::prepend(1, row_shape_);
  start[0] = rows_;
  check(H5Dset_extent(dataset_.id(), dims.data()), what);
  try {
    Handle file_space(check(H5Dget_space(dataset_.id()), what));
    check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          what);
    Handle mem_space = detail::make_space(count, count);
    check(H5Dwrite(dataset_.id(), H5T_NATIVE_DOUBLE, mem_space.id(), file_space.id(), H5P_DEFAULT,
                   row.data()),
          what);
  } catch (...) {
    dims[0] = rows_;  // best effort: shrink back so that rows() stays the dataset's length
    H5Dset_extent(dataset_.id(), dims.data());
    throw;
  }
  return rows_++;
}

// ---- Files --------------------------------------------------------------------------------

Location create_file(const std::filesystem::path& path) {
  return detail::create_file_with(path, H5F_CLOSE_WEAK);
}

Location open_file_read(const std::filesystem::path& path) {
  detail::silence_hdf5_errors();
  const std::string what = "cannot open '" + path.string() + "'";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(what + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError(what + ": not a regular file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError(what + ": not an HDF5 file");
  return Location(Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                               [&] { return what + ": damaged or truncated HDF5 file"; })));
}

void flush(const Location& file) {
  check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL),
        [&] { return "cannot flush '" + detail::file_of(file.id()) + "'"; });
}

// ---- AtomicFile ---------------------------------------------------------------------------

AtomicFile::AtomicFile(const std::filesystem::path& target, bool force) : target_(target) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec))
    throw IoError("cannot write '" + target.string() + "': it is a directory");
  if (!force && std::filesystem::exists(target, ec))
    throw IoError("'" + target.string() + "' exists; use --force to overwrite");
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  if (!std::filesystem::is_directory(dir, ec))
    throw IoError("cannot write '" + target.string() + "': directory '" + dir.string() +
                  "' does not exist");
  temp_ = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter++));
  if (std::filesystem::exists(temp_, ec)) throw IoError("'" + temp_.string() + "' exists");
  try {  // strong close degree: closing the file also closes every object still open in it
    root_ = std::make_unique<Location>(detail::create_file_with(temp_, H5F_CLOSE_STRONG));
  } catch (...) {
    std::filesystem::remove(temp_, ec);  // ours: it did not exist a moment ago
    throw;
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  root_.reset();
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
}

void AtomicFile::commit() {
  if (committed_ || !root_) throw std::logic_error("AtomicFile::commit: already committed");
  flush(*root_);
  // Close through a reference of our own, so that a failure is reported, not lost in ~Handle.
  const hid_t id = root_->id();
  auto what = [&] { return "cannot close '" + temp_.string() + "'"; };
  check(H5Iinc_ref(id), what);
  root_.reset();
  check(H5Fclose(id), what);
  detail::fsync_path(temp_, O_RDONLY);
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec)
    throw IoError("cannot rename '" + temp_.string() + "' to '" + target_.string() +
                  "': " + ec.message());
  committed_ = true;
  detail::fsync_path(target_.has_parent_path() ? target_.parent_path() : ".",
                     O_RDONLY | O_DIRECTORY);
}

}  // namespace nisim::h5
