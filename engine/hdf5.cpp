// HDF5 handles, error reporting, groups and attributes, files and atomic output. Datasets and
// dimension scales are in hdf5_dataset.cpp; helpers both use are declared in hdf5_detail.hpp.
#include "engine/hdf5.hpp"

#include <hdf5_hl.h>

#include <fcntl.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "engine/error.hpp"
#include "engine/file_guard.hpp"
#include "engine/hdf5_detail.hpp"

namespace nisim::h5 {
namespace detail {
namespace {

namespace fs = std::filesystem;

/// Turns off HDF5's printing of its error stack, once: failures become IoErrors instead. Also
/// turns off HDF5's own clean-up at exit (H5dont_atexit, which must come first): it closes files
/// still open, and a file whose close already failed (disk full, file size limit) crashes it
/// (HDF5 1.10, H5F__close_cb). Every handle here is closed by its RAII owner anyway.
void silence_hdf5_errors() {
  static const bool done = (H5dont_atexit(), H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0);
  (void)done;
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
std::string file_of(hid_t id) {
  return get_name(H5Fget_name, id);
}

Source attr_source(hid_t obj, const std::string& name) {
  Message what = [obj, name] { return "cannot read attribute '" + name + "' of " + where(obj); };
  return {Handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), what)), true, what};
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

/// The innermost message on the current HDF5 error stack ("" if empty).
std::string hdf5_cause() {
  std::string cause;
  auto walk = [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
    if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &cause);
  // A failed system call: HDF5's text spans lines (time, descriptor, offsets); keep its
  // "error message = '...'" (strerror), e.g. "No space left on device".
  const std::string tag = "error message = '";
  if (const std::size_t at = cause.find(tag); at != std::string::npos) {
    const std::size_t from = at + tag.size(), to = cause.find('\'', from);
    if (to != std::string::npos) {
      const std::string what = cause.substr(from, to - from);
      const bool full = what == "No space left on device" || what == "File too large" ||
                        what == "Disk quota exceeded";
      return what + (full ? " (disk full or file size limit)" : "");
    }
  }
  return cause;
}

std::string name_of(hid_t id) {
  return get_name(H5Iget_name, id);
}

std::string join(const std::string& dir, const std::string& name) {
  if (name.empty() || name.front() == '/') return name.empty() ? dir : name;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

/// "'/group/name' in file '/path/out.h5'", for messages.
std::string where(hid_t loc, const std::string& name) {
  return "'" + join(name_of(loc), name) + "' in file '" + file_of(loc) + "'";
}

Handle vlen_utf8() {
  Handle t(check(H5Tcopy(H5T_C_S1), [] { return "H5Tcopy"; }));
  check(H5Tset_size(t.id(), H5T_VARIABLE), [] { return "H5Tset_size"; });
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), [] { return "H5Tset_cset"; });
  return t;
}

std::vector<hsize_t> space_dims(hid_t space, const Message& what) {
  Handle owned(check(space, what));
  std::vector<hsize_t> dims(
      static_cast<std::size_t>(check(H5Sget_simple_extent_ndims(owned.id()), what)));
  check(H5Sget_simple_extent_dims(owned.id(), dims.data(), nullptr), what);
  return dims;
}

void check_size(const std::vector<hsize_t>& shape, std::size_t elem_size, std::size_t max_elements,
                const Message& what) {
  const std::size_t n = element_count(shape);
  const std::size_t limit =
      std::min(max_elements, k_max_read_bytes / std::max<std::size_t>(1, elem_size));
  if (n <= limit) return;
  std::string dims;
  for (hsize_t d : shape) dims += (dims.empty() ? "" : " x ") + std::to_string(d);
  throw IoError(what() + ": declares " + dims + " elements, more than the " +
                std::to_string(limit) + " expected here (not a file nisim writes)");
}

/// Reads all strings (fixed or variable length, in the stored character set) of a source.
std::vector<std::string> read_texts(const Source& src, std::size_t max_elements) {
  Handle type = src.type();
  if (H5Tget_class(type.id()) != H5T_STRING) throw IoError(src.what() + ": not a string");
  const std::vector<hsize_t> shape = src.shape();
  const bool variable = check(H5Tis_variable_str(type.id()), src.what) > 0;
  check_size(shape, variable ? sizeof(char*) : H5Tget_size(type.id()), max_elements, src.what);
  const std::size_t n = element_count(shape);
  std::vector<std::string> out;
  if (variable) {
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

void write_attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = vlen_utf8();
  const char* p = value.c_str();
  write_attr(obj, name, type.id(), type.id(), &p);
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

Location Location::open_dataset(const std::string& name) const {
  auto what = [&] { return "cannot open dataset " + where(id(), name); };
  if (!exists(name)) throw IoError(what() + ": no such dataset");
  return Location(Handle(check(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), what)));
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

void Location::set_attr(const std::string& name, std::uint64_t value) const {
  detail::write_attr(id(), name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

std::string Location::attr_string(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(detail::read_texts(src, 1), src);
}

double Location::attr_double(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(detail::read_numbers<double>(src, H5T_NATIVE_DOUBLE, true, nullptr, 1),
                        src);
}

std::int64_t Location::attr_int(const std::string& name) const {
  const detail::Source src = detail::attr_source(id(), name);
  return detail::single(
      detail::read_numbers<std::int64_t>(src, H5T_NATIVE_INT64, false, nullptr, 1), src);
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

Location open_file_image(std::span<const std::byte> image, const std::string& name) {
  detail::silence_hdf5_errors();
  if (image.empty()) throw IoError("cannot open '" + name + "': empty file image");
  // The C API takes a mutable buffer; with flags 0 it copies it and opens the copy read-only.
  std::vector<std::byte> copy(image.begin(), image.end());
  return Location(Handle(check(H5LTopen_file_image(copy.data(), copy.size(), 0), [&] {
    return "cannot open '" + name + "': not an HDF5 file image";
  })));
}

void flush(const Location& file) {
  check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL),
        [&] { return "cannot flush '" + detail::file_of(file.id()) + "'"; });
}

// ---- AtomicFile ---------------------------------------------------------------------------

AtomicFile::AtomicFile(const std::filesystem::path& target, bool force) : target_(target) {
  static std::atomic<unsigned> counter{0};
  // Only a regular file (or nothing) at the target, a name whose temporary name fits, a
  // writable directory (engine/file_guard.hpp).
  check_output_target(target, force, false);
  remove_stale_temps(target);  // left by runs on this output that were killed
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  temp_ = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter++));
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(temp_, ec))) {
    throw IoError("'" + temp_.string() + "' exists");
  }
  registration_ = std::make_unique<TempRegistration>(temp_);  // removed on SIGINT/SIGTERM
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
  try {
    flush(*root_);
  } catch (const IoError& e) {  // name the file the user asked for, not our temporary one
    const std::string why = e.what();
    const std::size_t at = why.find("(HDF5: ");
    throw IoError("cannot write '" + target_.string() + "'" +
                  (at == std::string::npos ? ": " + why : " " + why.substr(at)) +
                  "; it is unchanged");
  }
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

std::size_t remove_stale_temps(const std::filesystem::path& target) {
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  const std::string prefix = "." + target.filename().string() + ".tmp-";
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos) continue;
    const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace nisim::h5
