#pragma once
// Internal to the HDF5 sources (hdf5.cpp, hdf5_dataset.cpp): error checking, names for messages,
// string types, attributes, and reading whole datasets or attributes. Not part of the engine's
// API. The functions declared here are defined in hdf5.cpp.
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"

namespace nisim::h5::detail {

using Message = std::function<std::string()>;

inline constexpr unsigned creation_order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

/// The innermost message on the current HDF5 error stack ("" if empty).
std::string hdf5_cause();

/// Returns `value`, or throws IoError(message() + HDF5's reason) if it is negative.
template <class T>
T check(T value, const Message& message) {
  if (value >= 0) return value;
  const std::string cause = hdf5_cause();  // before message() makes more HDF5 calls
  throw IoError(message() + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
}

/// H5Iget_name into a string ("?" if unknown).
std::string name_of(hid_t id);

/// `name` inside the group path `dir` (`name` itself if absolute, `dir` if empty).
std::string join(const std::string& dir, const std::string& name);

/// "'/group/name' in file '/path/out.h5'", for messages.
std::string where(hid_t loc, const std::string& name = "");

/// The number of elements of `shape`, saturating at SIZE_MAX (a hostile file may declare
/// dimensions whose product overflows).
inline std::size_t element_count(const std::vector<hsize_t>& shape) {
  constexpr auto most = std::numeric_limits<std::size_t>::max();
  std::size_t n = 1;
  for (hsize_t d : shape) {
    if (d != 0 && n > most / d) return most;
    n *= static_cast<std::size_t>(d);
  }
  return n;
}

/// Throws IoError naming the source if `shape` holds more than `max_elements` elements of
/// `elem_size` bytes or more than k_max_read_bytes, before anything is allocated for it.
void check_size(const std::vector<hsize_t>& shape, std::size_t elem_size, std::size_t max_elements,
                const Message& what);

/// Variable-length UTF-8 strings: h5py reads such attributes as str, xarray such labels as str.
Handle vlen_utf8();

/// The dimensions of the dataspace `space`, which it takes ownership of and closes.
std::vector<hsize_t> space_dims(hid_t space, const Message& what);

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

/// Reads a whole numeric dataset or attribute as `mem_type`; float data only if `allow_float`.
template <class T>
std::vector<T> read_numbers(const Source& src, hid_t mem_type, bool allow_float,
                            std::vector<hsize_t>* shape = nullptr,
                            std::size_t max_elements = k_max_read_elements) {
  const H5T_class_t cls = H5Tget_class(src.type().id());
  if (cls != H5T_INTEGER && !(allow_float && cls == H5T_FLOAT))
    throw IoError(src.what() + (allow_float ? ": not numeric" : ": not an integer"));
  std::vector<hsize_t> dims = src.shape();
  check_size(dims, sizeof(T), max_elements, src.what);
  std::vector<T> out(element_count(dims));
  if (!out.empty()) src.read(mem_type, out.data());
  if (shape != nullptr) *shape = std::move(dims);
  return out;
}

/// Reads all strings (fixed or variable length, in the stored character set) of a source.
std::vector<std::string> read_texts(const Source& src,
                                    std::size_t max_elements = k_max_read_elements);

/// Sets a variable-length UTF-8 string attribute on `obj`, replacing one of that name.
void write_attr_string(hid_t obj, const std::string& name, const std::string& value);

/// True if `path` (relative to `loc`, or absolute) names a link; checks each component, since
/// H5Lexists fails on a missing intermediate group.
bool loc_exists(hid_t loc, const std::string& path);

}  // namespace nisim::h5::detail
