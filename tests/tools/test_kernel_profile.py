"""bench/kernel_profile.py: its split of models/kernel/firm_kernel_impl.inc into the parts of the
update, and the part it gives an instruction from its inline chain (innermost frame first)."""
from __future__ import annotations

import sys

from conftest import SOURCE

sys.path.insert(0, str(SOURCE / "bench"))
import kernel_profile as kp  # noqa: E402

IMPL = SOURCE / "models" / "kernel" / "firm_kernel_impl.inc"


def regions_and_lines():
    regions = kp.impl_regions(IMPL.read_text(encoding="utf-8"))
    log_line = kp.first_line(SOURCE / "engine" / "vecmath.hpp", "inline double log(")
    sincos = kp.first_line(SOURCE / "engine" / "rng.hpp", "static void sincos_2pi(")
    philox = kp.first_line(SOURCE / "engine" / "rng.hpp", "inline void philox_lane(")
    return regions, log_line, sincos, philox


def line_of(path, text):
    return kp.first_line(path, text)


def test_regions_are_ordered_and_cover_the_lines_they_name():
    regions, *_ = regions_and_lines()
    starts = [lo for lo, _, _ in regions]
    assert starts == sorted(starts)
    assert all(lo <= hi for lo, hi, _ in regions)
    by_part = {part: (lo, hi) for lo, hi, part in regions}
    for text, part in [
        ("_mm512_permutex2var_pd(drift_lo", "sector and site lookups"),
        ("u_exit[j] = Rng::to_open_unit", "Philox words to uniforms"),
        ("const double radius = std::sqrt", "Box-Muller loop: sqrt, products, loads and stores"),
        ("const double log_y_star", "TFP walk, targets, value added (arithmetic)"),
        ("const double cash1 =", "floor space, profit, cash, decisions"),
        ("auto narrow = [&]", "widening and narrowing (update_rows)"),
    ]:
        n = line_of(IMPL, text)
        lo, hi = by_part[part]
        assert lo <= n <= hi, (text, part, n, lo, hi)


def test_innermost_known_frame_decides_the_part():
    regions, log_line, sincos, philox = regions_and_lines()
    impl = f"/src/models/kernel/firm_kernel_impl.inc:{line_of(IMPL, 'const double cash1 =')}"

    def part(*chain):
        return kp.classify(list(chain), regions, log_line, sincos, philox)

    assert part(f"/src/engine/vecmath.hpp:{log_line + 5}", impl) == "log"
    assert part(f"/src/engine/vecmath.hpp:{log_line - 5}", impl) == "exp"
    assert part(f"/src/engine/rng.hpp:{sincos + 3}", impl) == "sin and cos (Rng::sincos_2pi)"
    assert part(f"/src/engine/rng.hpp:{philox + 3}", impl) == "Philox rounds"
    assert part(f"/src/engine/rng.hpp:{sincos - 3}", impl) == "uniforms"
    # vecmath::madd (above exp in vecmath.hpp) counts for whichever function inlined it.
    vecmath = SOURCE / "engine" / "vecmath.hpp"
    exp_line = kp.first_line(vecmath, "inline double exp(")
    madd_line = kp.first_line(vecmath, "std::fma(a, b, c)")
    assert madd_line < exp_line
    madd = f"/src/engine/vecmath.hpp:{madd_line}"

    def part_with_madd(*chain):
        return kp.classify(list(chain), regions, log_line, sincos, philox, exp_line)

    assert part_with_madd(madd, f"/src/engine/vecmath.hpp:{log_line + 5}", impl) == "log"
    assert part_with_madd(madd, f"/src/engine/vecmath.hpp:{log_line - 5}", impl) == "exp"
    assert part_with_madd(madd, f"/src/engine/rng.hpp:{sincos + 3}", impl) == (
        "sin and cos (Rng::sincos_2pi)")
    # A library header's frame (std::min, an intrinsic) counts for its caller.
    assert part("/usr/include/c++/12/bits/stl_algobase.h:230", impl) == (
        "floor space, profit, cash, decisions")
    assert part("??:0") == "other"
