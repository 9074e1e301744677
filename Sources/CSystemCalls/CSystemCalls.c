#define _GNU_SOURCE
#include <spawn.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "CSystemCalls.h"

int backprop_syncfs(int fd) { return syncfs(fd); }

int backprop_terminal_columns(int fd) {
    struct winsize w;
    return ioctl(fd, TIOCGWINSZ, &w) == 0 ? w.ws_col : 0;
}

extern char **environ;

int backprop_spawn(const char *path, int in, int out, int err, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    if ((rc = posix_spawn_file_actions_adddup2(&actions, in, 0)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&actions, out, 1)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&actions, err, 2)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0) {
        char *argv[] = {(char *)path, NULL};
        rc = posix_spawn(pid, path, &actions, NULL, argv, environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}
