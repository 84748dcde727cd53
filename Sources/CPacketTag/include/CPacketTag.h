// HMAC-SHA256 for realtime packet tags (docs/PROTOCOL.md 2.1.3): the tag of a packet is the first 8 bytes
// of HMAC-SHA256(key, extended sequence as 8 big-endian bytes || header || payload).
//
// The key's two HMAC pad blocks are hashed once per session (netcode_tag_keys_init); each packet then
// costs three SHA-256 blocks for a typical snapshot, with no allocation. On x86-64 processors with the SHA
// extensions the blocks use them (about a tenth of the time of portable C); elsewhere portable C runs.
#ifndef CPACKETTAG_H
#define CPACKETTAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The SHA-256 states after the key XOR ipad and key XOR opad blocks.
typedef struct {
    uint32_t inner[8];
    uint32_t outer[8];
} netcode_tag_keys;

/// Hashes the key's pad blocks. A key longer than 64 bytes is hashed first (RFC 2104).
void netcode_tag_keys_init(netcode_tag_keys *keys, const uint8_t *key, size_t key_length);

/// The full 32-byte HMAC-SHA256 over `sequence` (8 bytes, big-endian) followed by `length` bytes of `data`.
void netcode_tag_compute(const netcode_tag_keys *keys, uint64_t sequence, const uint8_t *data, size_t length, uint8_t out[32]);

/// The same with the portable C blocks whatever the processor: for tests that both paths agree.
void netcode_tag_compute_portable(const netcode_tag_keys *keys, uint64_t sequence, const uint8_t *data, size_t length, uint8_t out[32]);

/// 1 when the SHA extensions are used on this processor, 0 when the portable blocks run.
int netcode_tag_uses_sha_extensions(void);

#ifdef __cplusplus
}
#endif

#endif
