// Provenance attributes (engine/provenance.hpp).
#include "engine/provenance.hpp"

#include <chrono>
#include <ctime>

#include "engine/simd_target.hpp"
#include "engine/version.hpp"

namespace nisim {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_provenance(const h5::Location& root) {
  root.set_attr("nisim_version", std::string(k_version));
  root.set_attr("git_commit", std::string(k_git_commit));
  root.set_attr("created_utc", utc_now());
  root.set_attr("simd_target", simd_target_description(simd_target()));
}

}  // namespace nisim
