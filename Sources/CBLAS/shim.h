// OpenBLAS's CBLAS interface. On Debian, <cblas.h> in the multiarch include
// directory points (through update-alternatives) at OpenBLAS's own header,
// which also declares openblas_set_num_threads.
#include <cblas.h>
