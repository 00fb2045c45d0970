// The firm update's row loop built for the native target (models/CMakeLists.txt sets its -march).
#define NISIM_KERNEL_NS kernel_native
#include "models/kernel/firm_kernel_impl.inc"
