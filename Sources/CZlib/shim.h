// zlib (Debian zlib1g-dev): gzopen/gzread read gzip-compressed and plain files alike.
#include <zlib.h>
