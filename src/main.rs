use clap::Parser;

fn main() -> std::process::ExitCode {
    satyapan::documents::service::limit_openmp_threads();
    run()
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
