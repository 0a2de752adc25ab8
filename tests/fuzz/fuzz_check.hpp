#pragma once
/// FUZZ_CHECK: an invariant of a fuzz harness; its failure aborts, which libFuzzer reports as a
/// crash.

#include <cstdio>
#include <cstdlib>

/// Aborts with the failed condition and its location when `cond` is false.
#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
