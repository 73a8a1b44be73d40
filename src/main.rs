use clap::Parser;

fn main() -> std::process::ExitCode {
    satyapan::documents::service::limit_openmp_threads();
    return_large_buffers();
    run()
}

/// Large buffers (uploads, rendered pages, reports) go back to the system when they are freed.
/// glibc raises its mmap threshold after the first large free, and from then on serves such
/// buffers from its heap, which keeps them resident: a burst of uploads stayed resident after
/// it ended (docs/benchmarks.md).
fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[tokio::main]
async fn run() -> std::process::ExitCode {
    let cli = satyapan::cli::Cli::parse();
    match satyapan::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
