//! The binary's allocator: mimalloc, tuned to give memory back as soon as it is free.
//!
//! A build allocates and frees many small strings and vectors on every thread (Markdown events,
//! highlighted spans, index postings); glibc's malloc and free were about 11% of a 10,000-note
//! build's CPU, spread over every stage. With mimalloc the 10,000-note build takes 10% less user
//! CPU and the 1,000-note one 7% less (alternating runs, `/usr/bin/time`).
//!
//! mimalloc 2, not 3: the 3.3 line that `libmimalloc-sys` bundles has a crash with several
//! threads that upstream fixed only in 3.4.1 (microsoft/mimalloc#1287).
//!
//! Its defaults keep freed memory for 10 ms and commit each arena when it is reserved, which raised
//! the 10,000-note build's peak from 126 MB (glibc) to 151-154 MB; with freed memory returned after
//! 1 ms and arenas committed as they are used, the peak is 127-135 MB.
//!
//! The C code linked in (Oniguruma, under syntect and `[study] question_patterns`) allocates
//! through `malloc` and `free`: `libmimalloc-sys`'s `override` feature makes the binary define
//! them (and `calloc`, `realloc`, the aligned ones, `malloc_usable_size` and glibc's `__libc_*`
//! entry points) as mimalloc's. Oniguruma mallocs and frees a copy of its backtracking stack on
//! every search, 186,000 of them in a 1,000-note build, and glibc's malloc and free cost 80 M
//! instructions there: the build went from 5,883.5 M to 5,833.3 M instructions (1k notes,
//! `-j 1`), and the 10,000-note peak from 127-137 MB to 140-141 MB.
//!
//! Overriding is process-wide, and safe here: the executable's definitions take precedence over
//! libc's for every library loaded with it, glibc's own internal allocations included (glibc
//! supports replacing malloc so, and every function it asks a replacement for is defined), so no
//! block is allocated by one allocator and freed by the other. mimalloc's heaps are per thread
//! and a block may be freed on any thread, as with glibc. The options below still count before
//! the first allocation: `tests/build_cli.rs` checks mimalloc starts with them.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether an arena is committed when it is reserved (mimalloc's default, 2: where the OS
/// overcommits, as Linux does). `libmimalloc_sys` has no constant for it; mimalloc keeps its option
/// numbers stable, as they are part of its C interface (`tests/build_cli.rs` checks them by name).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// Milliseconds before freed memory is returned to the OS.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the options. The arena option counts only before the first allocation, and Rust's runtime
/// allocates before `main`, so on Linux this runs as a constructor, as C's
/// `__attribute__((constructor))` does; elsewhere `main` calls it first.
pub extern "C" fn tune() {
    // SAFETY: setting an option is a store into mimalloc's static option table, valid from the
    // start of the process; it does not allocate.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 1);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_BEFORE_MAIN: extern "C" fn() = tune;
