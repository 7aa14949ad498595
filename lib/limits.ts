// The kernel's size limit, in one place: BLAS takes 32-bit sizes, so no dimension, sequence count or
// weight matrix may pass 2^31-1 elements.
export const MAX_KERNEL_SIZE = 2 ** 31 - 1;
