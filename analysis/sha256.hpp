#pragma once
// SHA-256 (FIPS 180-4) of a file or a byte string, as 64 lowercase hex digits: the data files a
// calibration reads are identified by it in FIT.h5 (docs/calibration.md, "Provenance"), in the
// format `sha256sum -c` checks.
#include <string>
#include <string_view>

namespace nisim::hk {

/// SHA-256 of `bytes`, lowercase hex.
std::string sha256_hex(std::string_view bytes);

}  // namespace nisim::hk
