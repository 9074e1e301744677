#ifndef BACKPROP_CSYSTEM_H
#define BACKPROP_CSYSTEM_H

/// Linux calls that Swift's Glibc module does not expose (they need _GNU_SOURCE).

/// syncfs(2): writes every dirty page and inode of the file system holding `fd` to disk, in
/// one journal commit. Returns 0, or -1 with errno set.
int backprop_syncfs(int fd);

/// The width of the terminal on `fd`, in columns; 0 when `fd` is not a terminal.
int backprop_terminal_columns(int fd);

#endif
