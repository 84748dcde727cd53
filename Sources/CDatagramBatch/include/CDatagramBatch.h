// Sending a batch of datagrams with one system call per 64 (sendmmsg), straight from one buffer.
//
// A realtime loop writes every packet of one turn back to back into one buffer, then hands the whole
// batch to the kernel here: no per-packet object, promise or copy, and a per-datagram error (the socket's
// buffer full, no route, a wrong address family) comes back to the caller for the packet it belongs to.
#ifndef CDATAGRAMBATCH_H
#define CDATAGRAMBATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One datagram of a batch: `length` bytes at `offset` in the batch's buffer, to `address` (with an
/// `address_length` of 0: to the peer of the connected socket it is sent on).
/// `error` is set by netcode_datagram_send_batch: 0 when the kernel took the datagram, else its errno.
typedef struct {
    uint32_t offset;
    uint32_t length;
    struct sockaddr_storage address;
    socklen_t address_length;
    int error;
} netcode_datagram;

/// Sends `count` datagrams from `base` on the non-blocking socket `fd`, 64 per sendmmsg call. A datagram
/// the kernel refuses gets its errno in `error` and the rest of the batch is still sent (an interrupted
/// call is retried). Returns how many datagrams the kernel took.
///
/// With `segment` set, a run of datagrams of one size to one address that lie back to back in the
/// buffer (up to 64, at most 65,000 bytes) goes to the kernel as one message with UDP generic
/// segmentation offload (UDP_SEGMENT): the kernel cuts it into the same datagrams, and the receiver
/// gets them one by one as before, but the sender's trip through the stack is paid once per run. If the
/// kernel refuses a run, its datagrams are sent one by one, each with its own error.
int netcode_datagram_send_batch(int fd, const uint8_t *base, netcode_datagram *datagrams, int count, int segment);

/// One datagram read by netcode_datagram_receive_batch: its size (at most the slot's; `truncated` when the
/// datagram was larger and its tail was cut) and where it came from.
///
/// `arrival_ns` is when the datagram reached the socket, in nanoseconds of CLOCK_MONOTONIC (the clock
/// SwiftNIO's deadlines and the packets' send times use), from the kernel's receive timestamp: set only
/// on a socket that asked for one (netcode_datagram_stamp_arrivals), 0 otherwise.
typedef struct {
    uint32_t length;
    int truncated;
    struct sockaddr_storage address;
    socklen_t address_length;
    uint64_t arrival_ns;
} netcode_received_datagram;

/// Reads up to `count` datagrams waiting on the non-blocking socket `fd` with one recvmmsg call, the i-th
/// into bytes [i * slot_size, (i + 1) * slot_size) of `buffer`. Returns how many were read (0 when none
/// wait; an interrupted call is retried), or -errno.
int netcode_datagram_receive_batch(int fd, uint8_t *buffer, uint32_t slot_size, netcode_received_datagram *datagrams, int count);

/// Asks the kernel to stamp every datagram `fd` receives with the time it reached the socket
/// (SO_TIMESTAMPNS), which netcode_datagram_receive_batch then reports as `arrival_ns`: the time a
/// datagram waited in the socket for its reader shows apart from its trip there. 0, or -errno.
int netcode_datagram_stamp_arrivals(int fd);

/// Opens a non-blocking UDP socket of `address`'s family bound to `address` (port 0: any), with the given
/// receive and send buffer sizes (0: the system's). Returns the descriptor, or -errno.
int netcode_datagram_open(const struct sockaddr *address, socklen_t address_length, int receive_buffer, int send_buffer);

/// Asks the processor to start loading the `lines` 64-byte cache lines from `address` on, for writing,
/// without waiting for them: a realtime loop calls it for every datagram of a batch it has read, on the
/// state of the session each one names, before it handles the first, so the sessions' cache misses
/// overlap instead of coming one after another. Never faults, whatever the address.
static inline void netcode_prefetch(const void *address, int lines) {
    const char *p = (const char *)address;
    for (int i = 0; i < lines; i++) {
        __builtin_prefetch(p + 64 * i, 1, 3);
    }
}

/// The usable size of the heap allocation at `address` (from malloc), or 0 where the C library cannot
/// tell: how many lines ``netcode_prefetch`` should cover for an object.
size_t netcode_allocation_size(const void *address);

#ifdef __cplusplus
}
#endif

#endif
