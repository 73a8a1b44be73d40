use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = satyapan::cli::Cli::parse();
    match satyapan::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
