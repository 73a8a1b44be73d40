//! `satyapan bgv submit --csv`: rows become candidates, and a re-run submits nothing twice.

use satyapan::cli::bgv::{ApiArgs, read_candidates, submit};

use crate::helpers::TestApp;

#[tokio::test]
async fn csv_submission_is_batched_and_idempotent() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("candidates.csv");
    std::fs::write(
        &path,
        "name,email,dob,pan,employer_name,start_date\n\
         Vivek Patel,vivek@example.com,08-01-2001,ABCPE1234F,Deccan Infotech,01-06-2020\n\
         Siti Nurhaliza,,1990-05-17,ABCPN2345K,,\n\
         Sreenivas Chowdary,s@example.com,17/05/1985,ABCPC3456L,,\n",
    )
    .unwrap();
    let candidates = read_candidates(&path).unwrap();
    assert_eq!(candidates.len(), 3);
    assert_eq!(
        candidates[0]["employers"][0]["employer_name"],
        "Deccan Infotech"
    );
    assert!(
        candidates[1].get("email").is_none(),
        "blank cells are left out"
    );

    let api = ApiArgs {
        url: app.base.clone(),
        key: app.key.clone(),
    };
    let checks = vec!["identity_pan".to_string()];
    let bar = indicatif::ProgressBar::hidden();
    let first = submit(&app.http, &api, &checks, &candidates, "seed-1", &bar)
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(bar.position(), 3);
    let again = submit(&app.http, &api, &checks, &candidates, "seed-1", &bar)
        .await
        .unwrap();
    assert_eq!(
        again, first,
        "the re-run is answered from the first submission"
    );
    assert_eq!(app.balance().await, 1000 - 3);

    // A refused batch says which rows and why.
    let bad = vec![serde_json::json!({"name": "No Pan"})];
    let error = submit(&app.http, &api, &checks, &bad, "seed-2", &bar)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("rows 1–1") && error.contains("is required for identity_pan"),
        "{error}"
    );
}

/// One command line as the docs write it, and where.
struct Documented {
    place: String,
    line: String,
}

/// Every `satyapan …` command line in README.md and docs/*.md: the lines of fenced code blocks
/// that start with `satyapan `, and the inline code spans that do (a span may wrap a line inside
/// its paragraph; `\|` in a table is a `|`).
fn documented_commands() -> Vec<Documented> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut out = Vec::new();
    for file in files {
        let name = file.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_fence = false;
        let mut paragraph: Vec<(usize, &str)> = Vec::new();
        let flush = |paragraph: &mut Vec<(usize, &str)>, out: &mut Vec<Documented>| {
            // The paragraph as one text, and where each of its lines starts in it.
            let (mut joined, mut starts) = (String::new(), Vec::new());
            for (n, line) in paragraph.iter() {
                starts.push((joined.len(), *n));
                joined.push_str(line);
                joined.push(' ');
            }
            let mut offset = 0;
            for (i, piece) in joined.split('`').enumerate() {
                let span = piece.replace("\\|", "|");
                if i % 2 == 1 && span.starts_with("satyapan ") {
                    let line = starts
                        .iter()
                        .rev()
                        .find(|(start, _)| *start <= offset)
                        .map_or(0, |(_, n)| *n);
                    out.push(Documented {
                        place: format!("{name}:{line}"),
                        line: span.trim().to_string(),
                    });
                }
                offset += piece.len() + 1;
            }
            paragraph.clear();
        };
        let mut continued: Option<(usize, String)> = None;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if line.trim_start().starts_with("```") {
                flush(&mut paragraph, &mut out);
                in_fence = !in_fence;
                continue;
            }
            if in_fence {
                let code = line.trim();
                let code = code.split(" # ").next().unwrap_or_default().trim();
                let (start, mut command) = match continued.take() {
                    Some((start, before)) => (start, format!("{before} {code}")),
                    None if code.starts_with("satyapan ") => (n, code.to_string()),
                    None => continue,
                };
                if let Some(head) = command.strip_suffix('\\') {
                    command = head.trim_end().to_string();
                    continued = Some((start, command));
                } else {
                    out.push(Documented {
                        place: format!("{name}:{start}"),
                        line: command,
                    });
                }
            } else if line.trim().is_empty() {
                flush(&mut paragraph, &mut out);
            } else {
                paragraph.push((n, line));
            }
        }
        flush(&mut paragraph, &mut out);
    }
    out
}

/// Splits a command line as a shell would (quotes, whitespace); each word says whether it was
/// quoted (a quoted word is never a placeholder).
fn shell_words(line: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut open) = (String::new(), false, None::<char>);
    for c in line.chars() {
        match (open, c) {
            (Some(q), c) if c == q => open = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                open = Some(c);
                quoted = true;
            }
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() || quoted {
                    words.push((std::mem::take(&mut word), quoted));
                }
                quoted = false;
            }
            (None, c) => word.push(c),
        }
    }
    if !word.is_empty() || quoted {
        words.push((word, quoted));
    }
    words
}

/// A synopsis as runnable command lines: optional parts (`[--live]`) are given, a repeatable
/// one (`[--group NAME]…`) once, and every alternative (`deactivate|activate|revoke`) once.
fn expand(line: &str) -> Vec<Vec<(String, bool)>> {
    let mut lines = vec![Vec::new()];
    for (word, quoted) in shell_words(line) {
        let word = if quoted {
            word
        } else {
            word.replace(['[', ']'], "")
                .trim_end_matches('…')
                .to_string()
        };
        if word.is_empty() {
            // A bare `…` is a placeholder value.
            if !quoted {
                lines
                    .iter_mut()
                    .for_each(|l| l.push(("…".to_string(), false)));
            }
            continue;
        }
        let choices: Vec<String> = if quoted || !word.contains('|') {
            vec![word]
        } else {
            word.split('|').map(str::to_string).collect()
        };
        lines = lines
            .into_iter()
            .flat_map(|l| {
                choices.iter().map(move |choice| {
                    let mut l = l.clone();
                    l.push((choice.clone(), quoted));
                    l
                })
            })
            .collect();
    }
    lines
}

fn is_placeholder(word: &str) -> bool {
    word == "…"
        || word == "a,b"
        || (word.starts_with('<') && word.ends_with('>'))
        || (word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && word.chars().any(|c| c.is_ascii_uppercase()))
}

/// What the documented commands' placeholders stand for, in this test's database.
struct Fixture {
    org_id: String,
    /// Keys of the organisation, one for each `KEY_ID` (a revoked key stays revoked).
    key_ids: std::cell::RefCell<Vec<String>>,
    case_id: String,
    user_email: String,
    csv: std::path::PathBuf,
    lists: std::path::PathBuf,
    serial: std::cell::Cell<u32>,
}

impl Fixture {
    fn value(&self, placeholder: &str, flag: Option<&str>, words: &[String]) -> String {
        let fresh = || {
            self.serial.set(self.serial.get() + 1);
            format!("docs-{}@example.com", self.serial.get())
        };
        match (flag, placeholder) {
            (Some("--org"), _) => self.org_id.clone(),
            (Some("--like"), _) | (None, "CASE_ID") => self.case_id.clone(),
            (None, "KEY_ID") => self
                .key_ids
                .borrow_mut()
                .pop()
                .expect("more KEY_IDs in the docs than keys made: make more"),
            (Some("--email"), _) if words.join(" ").contains("user create") => fresh(),
            (Some("--email"), _) => self.user_email.clone(),
            (Some("--password"), _) => crate::anycheck_client::PASSWORD.to_string(),
            (Some("--name"), _) => "docs".to_string(),
            (Some("--group"), _) => "Reviewers".to_string(),
            (Some("--credits" | "--amount" | "--cases"), _) => "5".to_string(),
            (Some("--check" | "--checks"), _) => "identity_pan".to_string(),
            (Some("--csv"), _) => self.csv.display().to_string(),
            (Some("--format"), _) => "ofac".to_string(),
            (None, "FILE") => {
                let format = words
                    .iter()
                    .position(|w| w == "--format")
                    .and_then(|i| words.get(i + 1))
                    .map(String::as_str);
                let file = match format {
                    Some("un") => "un_consolidated.xml",
                    Some("senzing") => "opensanctions_us_congress_senzing.json",
                    Some("csl") => "us_csl_sample.csv",
                    _ => "ofac_sdn.csv",
                };
                self.lists.join(file).display().to_string()
            }
            _ => panic!(
                "the test does not know what {placeholder} after {flag:?} stands for in `satyapan {}`: \
                 teach Fixture::value",
                words.join(" ")
            ),
        }
    }

    /// The command's arguments, placeholders filled in (the `--format` of a line is filled
    /// before its `FILE`).
    fn arguments(&self, words: &[(String, bool)]) -> Vec<String> {
        let mut args: Vec<String> = words.iter().map(|(w, _)| w.clone()).collect();
        let order: Vec<usize> = (0..words.len())
            .filter(|&i| !words[i].1 && is_placeholder(&words[i].0))
            .collect();
        let (flags, rest): (Vec<usize>, Vec<usize>) = order
            .into_iter()
            .partition(|&i| i > 0 && words[i - 1].0.starts_with("--"));
        for i in flags.into_iter().chain(rest) {
            let flag = (i > 0 && words[i - 1].0.starts_with("--")).then(|| words[i - 1].0.clone());
            args[i] = self.value(&words[i].0, flag.as_deref(), &args);
        }
        args
    }
}

/// Whether a span only names a command that takes required arguments (`satyapan admin org
/// create` in a sentence): a mention, not a command line.
fn only_names_a_command(words: &[String]) -> bool {
    use clap::CommandFactory;
    let mut command = satyapan::cli::Cli::command();
    for word in words {
        match command.find_subcommand(word) {
            Some(sub) => command = sub.clone(),
            None => return false,
        }
    }
    command.get_arguments().any(|a| a.is_required_set()) || command.is_subcommand_required_set()
}

/// Commands not run, by name, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "serve",
        "serves until stopped (the test harness runs the same server in-process)",
    ),
    ("worker", "runs workers until stopped"),
];

/// Every command line the README and the docs show runs once against a fresh database (and,
/// for `bgv`, the test's server), its placeholders filled in: each must succeed — above all, none
/// may be refused by the argument parser (exit code 2, or a panic of its own checks in a debug
/// build).
#[tokio::test]
async fn every_documented_command_is_accepted() {
    let app = TestApp::spawn().await;
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("candidates.csv");
    std::fs::write(&csv, "name,dob,pan\nVivek Patel,08-01-2001,ABCPE1234F\n").unwrap();
    let submitted = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &serde_json::json!({"checks": ["identity_pan"], "candidates": [
                {"name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F"}]}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    let case_id = submitted.json()["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Completed, so its PDF exists for `bgv report --pdf`.
    crate::helpers::eventually(60, || async {
        let report = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (report["data"]["status"] == "completed").then_some(())
    })
    .await;
    let mut key_ids = Vec::new();
    for _ in 0..10 {
        let key = satyapan::domain::api_keys::GeneratedKey::new(true);
        assert!(
            app.store
                .add_api_key(&app.org_id, &satyapan::store::orgs::NewKey::from(&key))
                .await
                .unwrap()
        );
        key_ids.push(key.id);
    }
    let user_email = "docs-user@example.com".to_string();
    crate::anycheck_client::create_user(&app, &app.org_id, &user_email, "owner", &[]).await;
    let fixture = Fixture {
        org_id: app.org_id.clone(),
        key_ids: std::cell::RefCell::new(key_ids),
        case_id,
        user_email,
        csv,
        lists: satyapan::screening::data_dir::sanctions_dir().expect("shared/data/sanctions"),
        serial: std::cell::Cell::new(0),
    };

    let documented = documented_commands();
    assert!(
        documented.len() >= 15,
        "{} commands found",
        documented.len()
    );
    let (mut ran, mut skipped, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for doc in &documented {
        for words in expand(&doc.line) {
            assert_eq!(words[0].0, "satyapan", "{}", doc.line);
            let args = fixture.arguments(&words[1..]);
            if let Some((_, why)) = NOT_RUN.iter().find(|(name, _)| args[0] == *name) {
                skipped.push(format!("{}: `{}` not run: {why}", doc.place, doc.line));
                continue;
            }
            if only_names_a_command(&args) {
                skipped.push(format!("{}: `{}` names a command", doc.place, doc.line));
                continue;
            }
            let output = tokio::time::timeout(
                std::time::Duration::from_secs(300),
                tokio::process::Command::new(env!("CARGO_BIN_EXE_satyapan"))
                    .args(&args)
                    .current_dir(work.path())
                    .env("SATYAPAN_DATABASE_URL", &app.database_url)
                    .env("SATYAPAN_FILES_DIR", app.files_dir.path())
                    .env("SATYAPAN_URL", &app.base)
                    .env("SATYAPAN_API_KEY", &app.key)
                    .env("SATYAPAN_LOG_FORMAT", "json")
                    .kill_on_drop(true)
                    .output(),
            )
            .await
            .unwrap_or_else(|_| panic!("`satyapan {}` did not finish", args.join(" ")))
            .unwrap();
            let code = output.status.code();
            let line = format!(
                "{} `satyapan {}` → {code:?}: {}",
                doc.place,
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
            if code == Some(0) {
                ran.push(line);
            } else {
                failed.push(line);
            }
        }
    }
    println!("{}", ran.join("\n"));
    println!("{}", skipped.join("\n"));
    assert!(
        failed.is_empty(),
        "documented commands that failed (2: refused by the argument parser):\n{}",
        failed.join("\n")
    );
    assert!(ran.len() >= 15, "{ran:#?}");
}
