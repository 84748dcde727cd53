// HMAC-SHA256 with pre-hashed pads, for realtime packet tags. See include/CPacketTag.h.
//
// SHA-256 is FIPS 180-4. The x86-64 block function follows Intel's published use of the SHA extensions
// (sha256rnds2 does two rounds, sha256msg1/msg2 extend the message schedule four words at a time).
#include "CPacketTag.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define NETCODE_TAG_X86 1
#endif

static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

typedef void (*block_function)(uint32_t state[8], const uint8_t *blocks, size_t count);

// MARK: portable blocks

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void blocks_portable(uint32_t state[8], const uint8_t *blocks, size_t count) {
    uint32_t w[64];
    while (count--) {
        for (int t = 0; t < 16; t++) w[t] = load_be32(blocks + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        blocks += 64;
    }
}

// MARK: SHA extensions (x86-64)

#ifdef NETCODE_TAG_X86
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_sha_extensions(uint32_t state[8], const uint8_t *blocks, size_t count) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // The instructions keep the state as ABEF and CDGH.
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    while (count--) {
        const __m128i abef_saved = abef, cdgh_saved = cdgh;
        __m128i w[4];  // the last four groups of four schedule words
        for (int group = 0; group < 16; group++) {
            __m128i words;
            if (group < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * group)), byte_swap);
            } else {
                // W[t] = W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2]), four at a time.
                __m128i partial = _mm_sha256msg1_epu32(w[group & 3], w[(group + 1) & 3]);
                partial = _mm_add_epi32(partial, _mm_alignr_epi8(w[(group + 3) & 3], w[(group + 2) & 3], 4));
                words = _mm_sha256msg2_epu32(partial, w[(group + 3) & 3]);
            }
            w[group & 3] = words;
            __m128i message = _mm_add_epi32(words, _mm_load_si128((const __m128i *)&K[4 * group]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
            message = _mm_shuffle_epi32(message, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, message);
        }
        abef = _mm_add_epi32(abef, abef_saved);
        cdgh = _mm_add_epi32(cdgh, cdgh_saved);
        blocks += 64;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int has_sha_extensions(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}
#endif

static block_function chosen_blocks(void) {
#ifdef NETCODE_TAG_X86
    static int checked = -1;
    int known = __atomic_load_n(&checked, __ATOMIC_RELAXED);
    if (known < 0) {
        known = has_sha_extensions();
        __atomic_store_n(&checked, known, __ATOMIC_RELAXED);
    }
    return known ? blocks_sha_extensions : blocks_portable;
#else
    return blocks_portable;
#endif
}

int netcode_tag_uses_sha_extensions(void) { return chosen_blocks() != blocks_portable; }

// MARK: HMAC

static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline void store_be64(uint8_t *p, uint64_t v) {
    store_be32(p, (uint32_t)(v >> 32));
    store_be32(p + 4, (uint32_t)v);
}

/// Continues `state`, which has absorbed `prefix_bytes` (a multiple of 64), over `data` and finishes
/// the hash (padding and length) into `out`.
static void finish(block_function blocks, uint32_t state[8], uint64_t prefix_bytes, const uint8_t *data, size_t length, uint8_t out[32]) {
    size_t whole = length / 64;
    if (whole) blocks(state, data, whole);
    uint8_t tail[128];
    size_t rest = length - whole * 64;
    if (rest) memcpy(tail, data + whole * 64, rest);
    tail[rest] = 0x80;
    size_t tail_length = rest + 1 + 8 <= 64 ? 64 : 128;
    memset(tail + rest + 1, 0, tail_length - rest - 1 - 8);
    store_be64(tail + tail_length - 8, (prefix_bytes + length) * 8);
    blocks(state, tail, tail_length / 64);
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, state[i]);
}

static void hash(block_function blocks, const uint8_t *data, size_t length, uint8_t out[32]) {
    uint32_t state[8];
    memcpy(state, initial_state, sizeof state);
    finish(blocks, state, 0, data, length, out);
}

void netcode_tag_keys_init(netcode_tag_keys *keys, const uint8_t *key, size_t key_length) {
    uint8_t block[64] = {0};
    if (key_length > 64) {
        hash(blocks_portable, key, key_length, block);
    } else if (key_length > 0) {
        memcpy(block, key, key_length);
    }
    uint8_t pad[64];
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    memcpy(keys->inner, initial_state, sizeof keys->inner);
    blocks_portable(keys->inner, pad, 1);
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
    memcpy(keys->outer, initial_state, sizeof keys->outer);
    blocks_portable(keys->outer, pad, 1);
}

static void compute(block_function blocks, const netcode_tag_keys *keys, uint64_t sequence, const uint8_t *data, size_t length, uint8_t out[32]) {
    uint32_t state[8];
    memcpy(state, keys->inner, sizeof state);
    // The sequence's 8 bytes and the data form one message: its first block is assembled here, so the
    // data is read in place after that.
    uint8_t first[64];
    store_be64(first, sequence);
    uint8_t inner_digest[32];
    if (length >= 56) {
        memcpy(first + 8, data, 56);
        blocks(state, first, 1);
        finish(blocks, state, 128, data + 56, length - 56, inner_digest);
    } else {
        if (length) memcpy(first + 8, data, length);
        finish(blocks, state, 64, first, 8 + length, inner_digest);
    }
    memcpy(state, keys->outer, sizeof state);
    finish(blocks, state, 64, inner_digest, 32, out);
}

void netcode_tag_compute(const netcode_tag_keys *keys, uint64_t sequence, const uint8_t *data, size_t length, uint8_t out[32]) {
    compute(chosen_blocks(), keys, sequence, data, length, out);
}

void netcode_tag_compute_portable(const netcode_tag_keys *keys, uint64_t sequence, const uint8_t *data, size_t length, uint8_t out[32]) {
    compute(blocks_portable, keys, sequence, data, length, out);
}
