#ifndef C_NETWORK_LAB_H
#define C_NETWORK_LAB_H

// Linux calls the network lab needs that Swift cannot make, or cannot make safely:
//  - between fork() and exec() only async-signal-safe calls are allowed in a multi-threaded process,
//    and setns(CLONE_NEWUSER) / unshare(CLONE_NEWUSER) need a single-threaded caller, which only a
//    freshly forked child of a Swift process is; so namespace set-up happens here, in C, in the child;
//  - variadic or macro-only APIs (prctl, ioctl requests, CMSG_*, ppoll, eventfd, TCP_INFO).
// Every function is a stub that fails with ENOSYS on other systems, so the package builds everywhere.

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Where a child failed; sent back with errno so the parent can say what went wrong.
typedef enum {
    NETLAB_STAGE_OK = 0,
    NETLAB_STAGE_FORK,
    NETLAB_STAGE_PARENT_GONE,
    NETLAB_STAGE_PDEATHSIG,
    NETLAB_STAGE_UNSHARE,
    NETLAB_STAGE_SETGROUPS,
    NETLAB_STAGE_UID_MAP,
    NETLAB_STAGE_GID_MAP,
    NETLAB_STAGE_LOOPBACK,
    NETLAB_STAGE_TUN_OPEN,
    NETLAB_STAGE_TUN_SETIFF,
    NETLAB_STAGE_DISABLE_IPV6,
    NETLAB_STAGE_ADDRESS,
    NETLAB_STAGE_MTU,
    NETLAB_STAGE_LINK_UP,
    NETLAB_STAGE_RTO_MIN,
    NETLAB_STAGE_HANDLES,
    NETLAB_STAGE_SEND,
    NETLAB_STAGE_SETNS_USER,
    NETLAB_STAGE_SETNS_NET,
    NETLAB_STAGE_PROCESS_GROUP,
    NETLAB_STAGE_STDIO,
    NETLAB_STAGE_CHDIR,
    NETLAB_STAGE_EXEC,
    NETLAB_STAGE_SOCKET,
    NETLAB_STAGE_RECEIVE,
} netlab_stage;

typedef struct {
    int32_t stage;
    int32_t error;
} netlab_status;

/// File descriptors a side sends back, in this order.
enum {
    NETLAB_SIDE_TUN = 0,
    NETLAB_SIDE_NETNS,
    NETLAB_SIDE_USERNS,
    NETLAB_SIDE_SNMP,
    NETLAB_SIDE_NETSTAT,
    NETLAB_SIDE_DEV,
    NETLAB_SIDE_TCP_SOCKETS,
    NETLAB_SIDE_UDP_SOCKETS,
    NETLAB_SIDE_FD_COUNT
};

/// One end of the link: a fresh network namespace (and user namespace when rootless) holding a TUN device.
typedef struct {
    /// Non-zero: unshare a user namespace too and map `uid_map` / `gid_map` (rootless).
    int create_user_namespace;
    const char *uid_map;
    const char *gid_map;
    const char *tun_path;
    const char *interface_name;
    /// `/proc/sys/net/ipv6/conf/<name>/disable_ipv6`; a missing file (no IPv6 in the kernel) is fine.
    const char *disable_ipv6_path;
    /// IPv4 addresses in network byte order.
    uint32_t local_address;
    uint32_t peer_address;
    int32_t mtu;
    /// Text written to /proc/sys/net/ipv4/tcp_rto_min_us, or NULL to keep the kernel's value.
    const char *rto_min_us;
    /// AF_UNIX socket the child sends the status and NETLAB_SIDE_FD_COUNT descriptors on.
    int reply_fd;
    /// The child kills itself if this process is gone (PR_SET_PDEATHSIG plus a getppid check).
    pid_t parent_pid;
} netlab_side_config;

/// Forks a child that builds one side and sends its descriptors back on `reply_fd`.
/// Returns the child's pid (reap it), or -1 with errno.
pid_t netlab_fork_side(const netlab_side_config *config);

/// Receives a status and up to `max_fds` descriptors (close-on-exec) from `socket_fd`, waiting at most
/// `timeout_ms`. Returns the number of descriptors, or -1 with errno (ETIMEDOUT, or EPIPE when the peer
/// closed without sending).
int netlab_receive(int socket_fd, netlab_status *status, int *fds, int max_fds, int timeout_ms);

/// A program to start, optionally inside namespaces given as descriptors.
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    /// -1: stay in the parent's namespace.
    int userns_fd;
    int netns_fd;
    /// -1: inherit the parent's.
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    /// NULL: inherit.
    const char *working_directory;
    /// Non-zero: the child leads a new process group, so it and its own children can be signalled together.
    int new_process_group;
    /// Signal the child gets when the thread that started it dies (0: none).
    int parent_death_signal;
    pid_t parent_pid;
    /// Non-zero: the child is process 1 of a new PID namespace, so everything it starts is killed when
    /// it ends (and with the death signal above, when the lab dies, even by SIGKILL). Needs
    /// CAP_SYS_ADMIN; without it the child is forked as usual.
    int new_pid_namespace;
} netlab_spawn_config;

/// Forks and executes. Returns the pid once the program is running, or -1 with `failure` set
/// (the failed child has been reaped).
pid_t netlab_spawn(const netlab_spawn_config *config, netlab_status *failure);

/// Creates a socket inside the given namespaces (in a short-lived child) and returns it, close-on-exec,
/// or -1 with `failure` set. The socket stays in that namespace whichever thread uses it.
int netlab_make_socket(int userns_fd, int netns_fd, int domain, int type, int protocol, netlab_status *failure);

/// Waits for `pid` to end without reaping it (waitid with WNOWAIT), so its pid, and the process group
/// it leads, cannot be reused while the lab may still signal them. Sets `*signaled` to 1 when a signal
/// ended it and `*code` to the exit code or signal number. Returns 0, or -1 with errno.
int netlab_wait_without_reaping(pid_t pid, int32_t *signaled, int32_t *code);

/// ppoll with a timeout in nanoseconds (negative: wait forever). Returns as poll does.
int netlab_poll(void *fds, uint64_t count, int64_t timeout_ns);

/// A non-blocking, close-on-exec eventfd for waking a poll loop, or -1.
int netlab_eventfd(void);

/// Names the calling thread (first 15 bytes), for top -H, perf and /proc/PID/task/TID/comm.
void netlab_set_thread_name(const char *name);

/// The kernel's view of one TCP connection (a subset of TCP_INFO).
typedef struct {
    uint32_t total_retransmissions;
    uint32_t lost;
    uint32_t rtt_us;
    uint32_t rtt_variance_us;
    uint32_t rto_us;
    uint32_t congestion_window;
} netlab_tcp_info;

/// Reads TCP_INFO. Returns 0, or -1 with errno.
int netlab_tcp_info_get(int fd, netlab_tcp_info *info);

#ifdef __cplusplus
}
#endif

#endif
