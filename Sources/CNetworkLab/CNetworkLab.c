#ifdef __linux__
#define _GNU_SOURCE
#endif

#include "CNetworkLab.h"

#include <errno.h>

#ifdef __linux__

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>

// Everything a forked child calls below is a system call wrapper or a plain memory function: no
// malloc, no locks, no stdio, because the parent is multi-threaded and another thread may have held
// any lock at the moment of fork().

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

static void set_name(struct ifreq *request, const char *name) {
    memset(request, 0, sizeof(*request));
    size_t length = strlen(name);
    if (length >= IFNAMSIZ) length = IFNAMSIZ - 1;
    memcpy(request->ifr_name, name, length);
}

static int bring_up(int control, const char *name) {
    struct ifreq request;
    set_name(&request, name);
    if (ioctl(control, SIOCGIFFLAGS, &request) < 0) return -1;
    request.ifr_flags |= IFF_UP;
    return ioctl(control, SIOCSIFFLAGS, &request);
}

static int set_address(int control, const char *name, unsigned long request_code, uint32_t address) {
    struct ifreq request;
    set_name(&request, name);
    struct sockaddr_in inet;
    memset(&inet, 0, sizeof(inet));
    inet.sin_family = AF_INET;
    inet.sin_addr.s_addr = address;
    memcpy(&request.ifr_addr, &inet, sizeof(inet));
    return ioctl(control, request_code, &request);
}

static int send_status(int socket_fd, int stage, int error, const int *fds, int count) {
    netlab_status status = {stage, error};
    struct iovec vector = {&status, sizeof(status)};
    union {
        char buffer[CMSG_SPACE(sizeof(int) * NETLAB_SIDE_FD_COUNT)];
        struct cmsghdr align;
    } control;
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    memset(&control, 0, sizeof(control));
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (count > 0) {
        if (count > NETLAB_SIDE_FD_COUNT) count = NETLAB_SIDE_FD_COUNT;
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket_fd, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -1 : 0;
}

static void block_all_signals(sigset_t *previous) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, previous);
}

static int guard_parent(int signal_number, pid_t parent, int report_fd) {
    if (signal_number != 0 && prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0) < 0) return NETLAB_STAGE_PDEATHSIG;
    // The parent may have died between fork() and prctl(); then nobody would ever send the signal.
    pid_t seen = getppid();
    if (seen == 0 && report_fd >= 0) {
        // Process 1 of a new PID namespace sees no parent pid. The parent holds the read end of the
        // report pipe until we exec; if it is gone, that end is closed and our end reports an error.
        struct pollfd check = {report_fd, 0, 0};
        if (poll(&check, 1, 0) > 0 && (check.revents & POLLERR)) return NETLAB_STAGE_PARENT_GONE;
        return NETLAB_STAGE_OK;
    }
    if (parent > 0 && seen != parent) return NETLAB_STAGE_PARENT_GONE;
    return NETLAB_STAGE_OK;
}

/// The body of the side child; returns the failing stage (errno set) or sends the descriptors.
static int build_side(const netlab_side_config *config) {
    int stage = guard_parent(SIGKILL, config->parent_pid, -1);
    if (stage != NETLAB_STAGE_OK) return stage;

    if (config->create_user_namespace) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) return NETLAB_STAGE_UNSHARE;
        // "deny" must come before gid_map for an unprivileged writer.
        if (write_text("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) return NETLAB_STAGE_SETGROUPS;
        if (write_text("/proc/self/uid_map", config->uid_map) < 0) return NETLAB_STAGE_UID_MAP;
        if (write_text("/proc/self/gid_map", config->gid_map) < 0) return NETLAB_STAGE_GID_MAP;
    } else {
        if (unshare(CLONE_NEWNET) < 0) return NETLAB_STAGE_UNSHARE;
    }

    int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0) return NETLAB_STAGE_LOOPBACK;
    if (bring_up(control, "lo") < 0) return NETLAB_STAGE_LOOPBACK;

    int tun = open(config->tun_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tun < 0) return NETLAB_STAGE_TUN_OPEN;
    struct ifreq request;
    set_name(&request, config->interface_name);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (ioctl(tun, TUNSETIFF, &request) < 0) return NETLAB_STAGE_TUN_SETIFF;

    // Without this the kernel sends IPv6 router solicitations through the link as soon as it is up.
    if (write_text(config->disable_ipv6_path, "1") < 0 && errno != ENOENT) return NETLAB_STAGE_DISABLE_IPV6;

    set_name(&request, config->interface_name);
    request.ifr_mtu = config->mtu;
    if (ioctl(control, SIOCSIFMTU, &request) < 0) return NETLAB_STAGE_MTU;
    if (set_address(control, config->interface_name, SIOCSIFADDR, config->local_address) < 0) return NETLAB_STAGE_ADDRESS;
    if (set_address(control, config->interface_name, SIOCSIFDSTADDR, config->peer_address) < 0) return NETLAB_STAGE_ADDRESS;
    if (set_address(control, config->interface_name, SIOCSIFNETMASK, 0xFFFFFFFFu) < 0) return NETLAB_STAGE_ADDRESS;
    if (bring_up(control, config->interface_name) < 0) return NETLAB_STAGE_LINK_UP;

    if (config->rto_min_us != NULL && write_text("/proc/sys/net/ipv4/tcp_rto_min_us", config->rto_min_us) < 0) {
        return NETLAB_STAGE_RTO_MIN;
    }
    // Lets ping work for every user inside (ICMP datagram sockets); best effort, nothing depends on it.
    (void)write_text("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");

    int fds[NETLAB_SIDE_FD_COUNT];
    fds[NETLAB_SIDE_TUN] = tun;
    fds[NETLAB_SIDE_NETNS] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    fds[NETLAB_SIDE_USERNS] = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    // Opened here so that they show this namespace's counters whoever reads them later.
    fds[NETLAB_SIDE_SNMP] = open("/proc/self/net/snmp", O_RDONLY | O_CLOEXEC);
    fds[NETLAB_SIDE_NETSTAT] = open("/proc/self/net/netstat", O_RDONLY | O_CLOEXEC);
    fds[NETLAB_SIDE_DEV] = open("/proc/self/net/dev", O_RDONLY | O_CLOEXEC);
    fds[NETLAB_SIDE_TCP_SOCKETS] = open("/proc/self/net/tcp", O_RDONLY | O_CLOEXEC);
    fds[NETLAB_SIDE_UDP_SOCKETS] = open("/proc/self/net/udp", O_RDONLY | O_CLOEXEC);
    for (int index = 0; index < NETLAB_SIDE_FD_COUNT; index++) {
        if (fds[index] < 0) return NETLAB_STAGE_HANDLES;
    }
    if (send_status(config->reply_fd, NETLAB_STAGE_OK, 0, fds, NETLAB_SIDE_FD_COUNT) < 0) return NETLAB_STAGE_SEND;
    return NETLAB_STAGE_OK;
}

pid_t netlab_fork_side(const netlab_side_config *config) {
    sigset_t previous;
    block_all_signals(&previous);
    pid_t child = fork();
    if (child == 0) {
        // Signals stay blocked: this child only makes system calls and exits.
        int stage = build_side(config);
        if (stage != NETLAB_STAGE_OK) {
            int error = errno;
            send_status(config->reply_fd, stage, error, NULL, 0);
            _exit(1);
        }
        _exit(0);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    errno = saved;
    return child;
}

int netlab_receive(int socket_fd, netlab_status *status, int *fds, int max_fds, int timeout_ms) {
    struct pollfd waiting = {socket_fd, POLLIN, 0};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        int remaining = timeout_ms < 0 ? -1 : (elapsed >= timeout_ms ? 0 : timeout_ms - (int)elapsed);
        int ready = poll(&waiting, 1, remaining);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return -1;
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        break;
    }
    union {
        char buffer[CMSG_SPACE(sizeof(int) * NETLAB_SIDE_FD_COUNT)];
        struct cmsghdr align;
    } control;
    struct iovec vector = {status, sizeof(*status)};
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof(control.buffer);
    ssize_t received;
    do {
        received = recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    if (received == 0) {
        errno = EPIPE;
        return -1;
    }
    if ((size_t)received < sizeof(*status)) {
        errno = EPROTO;
        return -1;
    }
    int count = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int arrived = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *data = (int *)CMSG_DATA(header);
        for (int index = 0; index < arrived; index++) {
            if (count < max_fds) {
                fds[count++] = data[index];
            } else {
                close(data[index]);
            }
        }
    }
    return count;
}

static void reset_signals(void) {
    struct sigaction defaults;
    memset(&defaults, 0, sizeof(defaults));
    defaults.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        sigaction(signal_number, &defaults, NULL);
    }
}

static int place_fd(int fd, int target) {
    if (fd < 0) return 0;
    if (fd == target) return fcntl(fd, F_SETFD, 0);
    return dup2(fd, target) < 0 ? -1 : 0;
}

static void close_from(int first, int keep) {
    // close_range(2) needs Linux 5.9; older kernels get the loop.
    if (keep >= first) {
        if (keep > first && syscall(SYS_close_range, first, keep - 1, 0) < 0) {
            for (int fd = first; fd < keep; fd++) close(fd);
        }
        first = keep + 1;
    }
    if (syscall(SYS_close_range, first, ~0U, 0) < 0) {
        long limit = sysconf(_SC_OPEN_MAX);
        if (limit < 0 || limit > 65536) limit = 65536;
        for (int fd = first; fd < limit; fd++) close(fd);
    }
}

static int enter_namespaces(int userns_fd, int netns_fd) {
    // The user namespace first: it grants the capabilities needed to join the network namespace.
    if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0) return NETLAB_STAGE_SETNS_USER;
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0) return NETLAB_STAGE_SETNS_NET;
    return NETLAB_STAGE_OK;
}

static int prepare_child(const netlab_spawn_config *config, int error_fd) {
    reset_signals();
    int stage = guard_parent(config->parent_death_signal, config->parent_pid, error_fd);
    if (stage != NETLAB_STAGE_OK) return stage;
    if (config->new_process_group && setpgid(0, 0) < 0) return NETLAB_STAGE_PROCESS_GROUP;
    stage = enter_namespaces(config->userns_fd, config->netns_fd);
    if (stage != NETLAB_STAGE_OK) return stage;
    if (config->working_directory != NULL && chdir(config->working_directory) < 0) return NETLAB_STAGE_CHDIR;
    if (place_fd(config->stdin_fd, 0) < 0 || place_fd(config->stdout_fd, 1) < 0 || place_fd(config->stderr_fd, 2) < 0) {
        return NETLAB_STAGE_STDIO;
    }
    close_from(3, error_fd);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    execve(config->path, config->argv, config->envp);
    return NETLAB_STAGE_EXEC;
}

/// fork(), or, when asked and allowed, a fork whose child is process 1 of a new PID namespace: when it
/// ends the kernel kills everything left in the namespace, so nothing it started can outlive it.
///
/// The child also gets a mount namespace with a `/proc` of its own PID namespace (like `unshare --pid
/// --fork --mount-proc`). With the host's `/proc`, `/proc/<pid>` names a different process or none:
/// libdispatch's worker monitor reads `/proc/<tid>/stat` of its own threads once a second while work
/// is queued, and crashes the program (SIGILL, "workq: registered worker exited prematurely") when
/// the file is missing; backtracers and LeakSanitizer read `/proc/<pid>` as well. If the mount fails
/// the child keeps the host's `/proc` and runs as before.
static pid_t fork_in_new_pid_namespace(int wanted) {
    if (wanted) {
        // Raw clone with no new stack: fork semantics (the child continues on a copy of this stack).
        pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL);
        if (child == 0) {
            // Private first, so the new mount stays in this namespace and the host's /proc is untouched.
            if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
                (void)mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
            }
            return 0;
        }
        if (child > 0) return child;
        // Not privileged (an unprivileged lab), or out of namespaces: a plain child, as before.
        if (errno != EPERM && errno != EINVAL && errno != ENOSPC && errno != EUSERS) return -1;
    }
    return fork();
}

pid_t netlab_spawn(const netlab_spawn_config *config, netlab_status *failure) {
    failure->stage = NETLAB_STAGE_OK;
    failure->error = 0;
    // The child reports a failure before exec through this pipe; exec closes it, which says "running".
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) {
        failure->stage = NETLAB_STAGE_FORK;
        failure->error = errno;
        return -1;
    }
    sigset_t previous;
    block_all_signals(&previous);
    pid_t child = fork_in_new_pid_namespace(config->new_pid_namespace);
    if (child == 0) {
        close(report[0]);
        int stage = prepare_child(config, report[1]);
        netlab_status status = {stage, errno};
        ssize_t ignored = write(report[1], &status, sizeof(status));
        (void)ignored;
        _exit(127);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        failure->stage = NETLAB_STAGE_FORK;
        failure->error = fork_error;
        return -1;
    }
    netlab_status status = {NETLAB_STAGE_OK, 0};
    ssize_t got;
    do {
        got = read(report[0], &status, sizeof(status));
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof(status)) {
        int ignored;
        while (waitpid(child, &ignored, 0) < 0 && errno == EINTR) {}
        *failure = status;
        errno = status.error;
        return -1;
    }
    return child;
}

int netlab_make_socket(int userns_fd, int netns_fd, int domain, int type, int protocol, netlab_status *failure) {
    failure->stage = NETLAB_STAGE_OK;
    failure->error = 0;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
        failure->stage = NETLAB_STAGE_FORK;
        failure->error = errno;
        return -1;
    }
    sigset_t previous;
    block_all_signals(&previous);
    pid_t child = fork();
    if (child == 0) {
        close(pair[0]);
        int stage = enter_namespaces(userns_fd, netns_fd);
        int made = -1;
        if (stage == NETLAB_STAGE_OK) {
            made = socket(domain, type | SOCK_CLOEXEC, protocol);
            if (made < 0) stage = NETLAB_STAGE_SOCKET;
        }
        if (stage != NETLAB_STAGE_OK) {
            send_status(pair[1], stage, errno, NULL, 0);
            _exit(1);
        }
        send_status(pair[1], NETLAB_STAGE_OK, 0, &made, 1);
        _exit(0);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(pair[1]);
    if (child < 0) {
        close(pair[0]);
        failure->stage = NETLAB_STAGE_FORK;
        failure->error = fork_error;
        return -1;
    }
    netlab_status status = {NETLAB_STAGE_OK, 0};
    int made = -1;
    int count = netlab_receive(pair[0], &status, &made, 1, 10000);
    int receive_error = errno;
    close(pair[0]);
    int ignored;
    while (waitpid(child, &ignored, 0) < 0 && errno == EINTR) {}
    if (count < 0) {
        failure->stage = NETLAB_STAGE_RECEIVE;
        failure->error = receive_error;
        return -1;
    }
    if (status.stage != NETLAB_STAGE_OK || count != 1) {
        if (count == 1) close(made);
        *failure = status;
        if (failure->stage == NETLAB_STAGE_OK) failure->stage = NETLAB_STAGE_RECEIVE;
        return -1;
    }
    return made;
}

int netlab_wait_without_reaping(pid_t pid, int32_t *signaled, int32_t *code) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int result;
    do {
        result = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return -1;
    *signaled = info.si_code == CLD_EXITED ? 0 : 1;
    *code = info.si_status;
    return 0;
}

int netlab_poll(void *fds, uint64_t count, int64_t timeout_ns) {
    if (timeout_ns < 0) return ppoll((struct pollfd *)fds, (nfds_t)count, NULL, NULL);
    struct timespec timeout = {(time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000)};
    return ppoll((struct pollfd *)fds, (nfds_t)count, &timeout, NULL);
}

int netlab_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void netlab_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

int netlab_tcp_info_get(int fd, netlab_tcp_info *info) {
    struct tcp_info kernel;
    socklen_t length = sizeof(kernel);
    memset(&kernel, 0, sizeof(kernel));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &kernel, &length) < 0) return -1;
    info->total_retransmissions = kernel.tcpi_total_retrans;
    info->lost = kernel.tcpi_lost;
    info->rtt_us = kernel.tcpi_rtt;
    info->rtt_variance_us = kernel.tcpi_rttvar;
    info->rto_us = kernel.tcpi_rto;
    info->congestion_window = kernel.tcpi_snd_cwnd;
    return 0;
}

#else  // not Linux: every entry point fails cleanly.

pid_t netlab_fork_side(const netlab_side_config *config) { (void)config; errno = ENOSYS; return -1; }
int netlab_receive(int socket_fd, netlab_status *status, int *fds, int max_fds, int timeout_ms) {
    (void)socket_fd; (void)status; (void)fds; (void)max_fds; (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
pid_t netlab_spawn(const netlab_spawn_config *config, netlab_status *failure) {
    (void)config;
    failure->stage = NETLAB_STAGE_FORK;
    failure->error = ENOSYS;
    errno = ENOSYS;
    return -1;
}
int netlab_make_socket(int userns_fd, int netns_fd, int domain, int type, int protocol, netlab_status *failure) {
    (void)userns_fd; (void)netns_fd; (void)domain; (void)type; (void)protocol;
    failure->stage = NETLAB_STAGE_SOCKET;
    failure->error = ENOSYS;
    errno = ENOSYS;
    return -1;
}
int netlab_wait_without_reaping(pid_t pid, int32_t *signaled, int32_t *code) {
    (void)pid; (void)signaled; (void)code;
    errno = ENOSYS;
    return -1;
}
int netlab_poll(void *fds, uint64_t count, int64_t timeout_ns) { (void)fds; (void)count; (void)timeout_ns; errno = ENOSYS; return -1; }
int netlab_eventfd(void) { errno = ENOSYS; return -1; }
void netlab_set_thread_name(const char *name) { (void)name; }
int netlab_tcp_info_get(int fd, netlab_tcp_info *info) { (void)fd; (void)info; errno = ENOSYS; return -1; }

#endif
