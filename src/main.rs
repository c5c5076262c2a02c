/// mimalloc instead of the system allocator: an import allocates and frees millions of small
/// strings, and glibc's malloc spent a quarter of a 1,000,000-row import in allocation and
/// coalescing (BENCHMARKS.md). Built without transparent huge pages (`no_thp`), which raised
/// a summary's peak memory from 38 MiB to 62 MiB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mctrack::cli::main());
}
