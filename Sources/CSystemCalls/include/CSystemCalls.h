#ifndef BACKPROP_CSYSTEM_H
#define BACKPROP_CSYSTEM_H

/// Linux calls that Swift's Glibc module does not expose (they need _GNU_SOURCE).

/// syncfs(2): writes every dirty page and inode of the file system holding `fd` to disk, in
/// one journal commit. Returns 0, or -1 with errno set.
int backprop_syncfs(int fd);

/// The width of the terminal on `fd`, in columns; 0 when `fd` is not a terminal.
int backprop_terminal_columns(int fd);

#include <sys/types.h>

/// posix_spawn(3) of `path` (no arguments, this process's environment) with `in`, `out` and
/// `err` as its standard descriptors and every other descriptor closed in the child (glibc's
/// closefrom action, one close_range call, where Foundation's Process closes each descriptor
/// up to the limit). Returns 0, or an errno value.
int backprop_spawn(const char *path, int in, int out, int err, pid_t *pid);

#endif
