/// mimalloc instead of the system allocator: an import allocates and frees millions of small
/// strings, and glibc's malloc spent a quarter of a 1,000,000-row import in allocation and
/// coalescing (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mctrack::cli::main());
}
