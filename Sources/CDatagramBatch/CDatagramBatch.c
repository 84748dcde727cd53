#define _GNU_SOURCE
#include "CDatagramBatch.h"

#include <errno.h>
#if defined(__linux__)
#include <malloc.h>
#endif
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

enum { chunk = 64, max_segments = 64, max_segmented_bytes = 65000 };

/// How many datagrams from `first` can go as one segmented message: same size, same address, back to back.
static int run_length(const netcode_datagram *datagrams, int first, int count) {
    const netcode_datagram *head = &datagrams[first];
    int length = 1;
    uint32_t total = head->length;
    while (first + length < count && length < max_segments) {
        const netcode_datagram *next = &datagrams[first + length];
        const netcode_datagram *previous = &datagrams[first + length - 1];
        if (next->length != head->length || next->offset != previous->offset + previous->length) break;
        if (total + next->length > max_segmented_bytes) break;
        if (next->address_length != head->address_length || memcmp(&next->address, &head->address, head->address_length) != 0) break;
        total += next->length;
        length += 1;
    }
    return length;
}

int netcode_datagram_send_batch(int fd, const uint8_t *base, netcode_datagram *datagrams, int count, int segment) {
    struct mmsghdr messages[chunk];
    struct iovec vectors[chunk];
    // Each message's first datagram and how many it carries; its segmentation control message.
    int firsts[chunk];
    int lengths[chunk];
    union {
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } controls[chunk];
    // Datagrams of a refused segmented run are retried one by one from here.
    int unsegmented_until = 0;
    int sent = 0;
    int next = 0;
    while (next < count) {
        int n = 0;
        int cursor = next;
        while (n < chunk && cursor < count) {
            netcode_datagram *d = &datagrams[cursor];
            int run = (segment && cursor >= unsegmented_until) ? run_length(datagrams, cursor, count) : 1;
            memset(&messages[n], 0, sizeof(messages[n]));
            vectors[n].iov_base = (void *)(base + d->offset);
            vectors[n].iov_len = (size_t)d->length * (size_t)run;
            // No address: the connected socket's peer (by the route the connection keeps).
            messages[n].msg_hdr.msg_name = d->address_length > 0 ? &d->address : NULL;
            messages[n].msg_hdr.msg_namelen = d->address_length;
            messages[n].msg_hdr.msg_iov = &vectors[n];
            messages[n].msg_hdr.msg_iovlen = 1;
            if (run > 1) {
                messages[n].msg_hdr.msg_control = controls[n].bytes;
                messages[n].msg_hdr.msg_controllen = sizeof(controls[n].bytes);
                struct cmsghdr *header = CMSG_FIRSTHDR(&messages[n].msg_hdr);
                header->cmsg_level = SOL_UDP;
                header->cmsg_type = UDP_SEGMENT;
                header->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t size = (uint16_t)d->length;
                memcpy(CMSG_DATA(header), &size, sizeof(size));
            }
            firsts[n] = cursor;
            lengths[n] = run;
            for (int i = 0; i < run; i++) datagrams[cursor + i].error = 0;
            cursor += run;
            n += 1;
        }
        int result = sendmmsg(fd, messages, (unsigned int)n, 0);
        if (result < 0) {
            if (errno == EINTR) continue;
            // sendmmsg reports an error only for the first message of the call: that one failed, the
            // next call starts after it.
            int error = errno;
            if (lengths[0] > 1) {
                // A segmented run the kernel would not take: send its datagrams one by one.
                unsegmented_until = firsts[0] + lengths[0];
                continue;
            }
            datagrams[firsts[0]].error = error;
            next = firsts[0] + 1;
        } else {
            for (int i = 0; i < result; i++) sent += lengths[i];
            next = result < n ? firsts[result] : cursor;
        }
    }
    return sent;
}

/// Room for one receive timestamp (SCM_TIMESTAMPNS) per message, aligned for cmsghdr.
typedef union {
    char bytes[CMSG_SPACE(sizeof(struct timespec))];
    struct cmsghdr align;
} arrival_control;

static uint64_t nanoseconds(struct timespec t) {
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/// The kernel's receive timestamp of a message (CLOCK_REALTIME), or 0 when it carries none.
static uint64_t arrival_realtime(struct msghdr *header) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c != NULL; c = CMSG_NXTHDR(header, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            struct timespec stamp;
            memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
            return nanoseconds(stamp);
        }
    }
    return 0;
}

int netcode_datagram_receive_batch(int fd, uint8_t *buffer, uint32_t slot_size, netcode_received_datagram *datagrams, int count) {
    struct mmsghdr messages[chunk];
    struct iovec vectors[chunk];
    arrival_control controls[chunk];
    if (count > chunk) count = chunk;
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = buffer + (size_t)i * slot_size;
        vectors[i].iov_len = slot_size;
        memset(&messages[i], 0, sizeof(messages[i]));
        messages[i].msg_hdr.msg_name = &datagrams[i].address;
        messages[i].msg_hdr.msg_namelen = sizeof(datagrams[i].address);
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_control = controls[i].bytes;
        messages[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
    }
    int result;
    do {
        result = recvmmsg(fd, messages, (unsigned int)count, MSG_DONTWAIT, NULL);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    // The kernel stamps with the wall clock; the offset to the monotonic clock, read once per call, turns
    // the stamps into the clock the rest of the program measures with (the offset only moves if the wall
    // clock is stepped, between these two reads).
    int64_t offset = 0;
    int offset_known = 0;
    for (int i = 0; i < result; i++) {
        datagrams[i].truncated = (messages[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
        datagrams[i].length = messages[i].msg_len < slot_size ? messages[i].msg_len : slot_size;
        datagrams[i].address_length = messages[i].msg_hdr.msg_namelen;
        datagrams[i].arrival_ns = 0;
        uint64_t wall = messages[i].msg_hdr.msg_controllen > 0 ? arrival_realtime(&messages[i].msg_hdr) : 0;
        if (wall == 0) continue;
        if (!offset_known) {
            struct timespec real, monotonic;
            clock_gettime(CLOCK_REALTIME, &real);
            clock_gettime(CLOCK_MONOTONIC, &monotonic);
            offset = (int64_t)(nanoseconds(real) - nanoseconds(monotonic));
            offset_known = 1;
        }
        int64_t arrival = (int64_t)wall - offset;
        datagrams[i].arrival_ns = arrival > 0 ? (uint64_t)arrival : 0;
    }
    return result;
}

int netcode_datagram_stamp_arrivals(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0 ? 0 : -errno;
}

int netcode_datagram_open(const struct sockaddr *address, socklen_t address_length, int receive_buffer, int send_buffer) {
    int fd = socket(address->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (receive_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer)) != 0) goto fail;
    if (send_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof(send_buffer)) != 0) goto fail;
    if (bind(fd, address, address_length) != 0) goto fail;
    return fd;
fail:;
    int saved = errno;
    close(fd);
    return -saved;
}

size_t netcode_allocation_size(const void *address) {
#if defined(__linux__)
    return malloc_usable_size((void *)address);
#else
    (void)address;
    return 0;
#endif
}
