fn main() {
    std::process::exit(mctrack::cli::main());
}
