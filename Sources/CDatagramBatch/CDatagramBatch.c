#define _GNU_SOURCE
#include "CDatagramBatch.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum { chunk = 64 };

int netcode_datagram_send_batch(int fd, const uint8_t *base, netcode_datagram *datagrams, int count) {
    struct mmsghdr messages[chunk];
    struct iovec vectors[chunk];
    int sent = 0;
    int next = 0;
    while (next < count) {
        int n = count - next < chunk ? count - next : chunk;
        for (int i = 0; i < n; i++) {
            netcode_datagram *d = &datagrams[next + i];
            d->error = 0;
            vectors[i].iov_base = (void *)(base + d->offset);
            vectors[i].iov_len = d->length;
            memset(&messages[i], 0, sizeof(messages[i]));
            messages[i].msg_hdr.msg_name = &d->address;
            messages[i].msg_hdr.msg_namelen = d->address_length;
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int result = sendmmsg(fd, messages, (unsigned int)n, 0);
        if (result < 0) {
            if (errno == EINTR) continue;
            // sendmmsg reports an error only for the first datagram of the call: that one failed, the
            // next call starts after it.
            datagrams[next].error = errno;
            next += 1;
        } else {
            sent += result;
            next += result;
        }
    }
    return sent;
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
