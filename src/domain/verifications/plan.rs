//! The stage planner: given where a run's stages stand, what happens next. Pure — the
//! application reads the stages under the verification's row lock, asks [`plan`], and writes
//! the steps it returns (a queued stage with its job) and, when the run has ended, concludes it
//! ([`super::conclude`]).

use super::{StageKind, StageStatus, VerificationType};

/// One change to a waiting (`pending`) stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Every stage it needs completed: queue its job.
    Queue(StageKind),
    /// A stage it needs failed, was skipped or was cancelled: it will never run.
    Skip(StageKind),
}

/// What to do with one run of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The changes, in the order they are to be written.
    pub steps: Vec<Step>,
    /// After the steps, every stage has ended (completed, failed or skipped): the verification
    /// is to be concluded.
    pub ended: bool,
}

/// The reason written on a skipped stage.
pub const SKIPPED_BECAUSE: &str = "a stage it needs failed";

/// Plans a run of `verification_type` whose stages stand as `stages` (each stage's kind and
/// status, in stage order). A skipped stage's own dependents are skipped too, in later steps;
/// a stage the run does not have counts as failed.
pub fn plan(verification_type: VerificationType, stages: &[(StageKind, StageStatus)]) -> Plan {
    let mut states = stages.to_vec();
    let mut steps = Vec::new();
    loop {
        let status_of = |kind: StageKind| {
            states
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, s)| *s)
                .unwrap_or(StageStatus::Failed)
        };
        // Decided against the states as they stood before this round, like a fresh read.
        let round: Vec<Step> = states
            .iter()
            .filter(|(_, status)| *status == StageStatus::Pending)
            .filter_map(|(kind, _)| {
                let needs = verification_type.prerequisites(*kind);
                if needs.iter().any(|k| {
                    let need = status_of(*k);
                    need.is_terminal() && need != StageStatus::Completed
                }) {
                    Some(Step::Skip(*kind))
                } else if needs
                    .iter()
                    .all(|k| status_of(*k) == StageStatus::Completed)
                {
                    Some(Step::Queue(*kind))
                } else {
                    None
                }
            })
            .collect();
        if round.is_empty() {
            // Cancelled is terminal, but a run with a cancelled stage was ended by its
            // cancellation: concluding it here would overwrite CANCELLED.
            let ended = states
                .iter()
                .all(|(_, s)| s.is_terminal() && *s != StageStatus::Cancelled);
            return Plan { steps, ended };
        }
        for step in &round {
            let (kind, status) = match *step {
                Step::Queue(kind) => (kind, StageStatus::Queued),
                Step::Skip(kind) => (kind, StageStatus::Skipped),
            };
            for state in states.iter_mut().filter(|(k, _)| *k == kind) {
                state.1 = status;
            }
        }
        steps.extend(round);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{OutputStatus, StageEnd, Verdict, VerificationStatus, conclude};
    use super::*;
    use StageKind::*;
    use StageStatus::*;

    #[test]
    fn the_next_stages_are_queued_when_their_prerequisite_completes() {
        let now = plan(
            VerificationType::KtpPep,
            &[
                (Ocr, Completed),
                (NikCheck, Pending),
                (PepScreening, Pending),
            ],
        );
        assert_eq!(
            now,
            Plan {
                steps: vec![Step::Queue(NikCheck), Step::Queue(PepScreening)],
                ended: false,
            }
        );
    }

    #[test]
    fn nothing_moves_while_a_prerequisite_runs() {
        let now = plan(
            VerificationType::KtpPep,
            &[(Ocr, Queued), (NikCheck, Pending), (PepScreening, Pending)],
        );
        assert_eq!(
            now,
            Plan {
                steps: vec![],
                ended: false,
            }
        );
    }

    #[test]
    fn dependents_are_skipped_when_their_prerequisite_fails_and_the_run_ends() {
        for ended_badly in [Failed, Skipped, Cancelled] {
            let now = plan(
                VerificationType::KtpPep,
                &[
                    (Ocr, ended_badly),
                    (NikCheck, Pending),
                    (PepScreening, Pending),
                ],
            );
            assert_eq!(
                now.steps,
                vec![Step::Skip(NikCheck), Step::Skip(PepScreening)]
            );
            // A cancelled stage has not ended as far as concluding goes.
            assert_eq!(now.ended, ended_badly != Cancelled, "{ended_badly:?}");
        }
    }

    #[test]
    fn a_missing_prerequisite_counts_as_failed() {
        let now = plan(VerificationType::KtpPep, &[(NikCheck, Pending)]);
        assert_eq!(
            now,
            Plan {
                steps: vec![Step::Skip(NikCheck)],
                ended: true,
            }
        );
    }

    #[test]
    fn a_run_with_a_stage_still_queued_has_not_ended() {
        let now = plan(
            VerificationType::KtpSelfie,
            &[
                (Ocr, Completed),
                (FaceMatch, Queued),
                (FraudDetection, Failed),
            ],
        );
        assert_eq!(
            now,
            Plan {
                steps: vec![],
                ended: false,
            }
        );
    }

    /// Runs a whole pipeline the way the jobs do: the stages needing nothing start queued; each
    /// queued stage ends as `outcome` says, and the planner is asked after each; at the end the
    /// run is concluded over the stages in order.
    fn run(
        verification_type: VerificationType,
        fraud_detection: bool,
        outcome: impl Fn(StageKind) -> StageEnd,
    ) -> (VerificationStatus, Option<OutputStatus>) {
        let order = verification_type.stages(fraud_detection);
        let mut states: Vec<(StageKind, StageStatus)> = order
            .iter()
            .map(|k| {
                let ready = verification_type.prerequisites(*k).is_empty();
                (*k, if ready { Queued } else { Pending })
            })
            .collect();
        let mut ends = std::collections::HashMap::new();
        loop {
            let Some(i) = states.iter().position(|(_, s)| *s == Queued) else {
                panic!("the run stalled: {states:?}");
            };
            let kind = states[i].0;
            let end = outcome(kind);
            states[i].1 = match end {
                StageEnd::Completed { .. } => Completed,
                StageEnd::Failed => Failed,
            };
            ends.insert(kind, end);
            let now = plan(verification_type, &states);
            for step in now.steps {
                let (kind, status) = match step {
                    Step::Queue(kind) => (kind, Queued),
                    Step::Skip(kind) => (kind, Skipped),
                };
                for state in states.iter_mut().filter(|(k, _)| *k == kind) {
                    state.1 = status;
                }
            }
            if now.ended {
                let ends: Vec<StageEnd> = order
                    .iter()
                    .map(|k| ends.get(k).copied().unwrap_or(StageEnd::Failed))
                    .collect();
                return conclude(&ends, false);
            }
        }
    }

    const fn done(verdict: Verdict, fraud: bool) -> StageEnd {
        StageEnd::Completed { verdict, fraud }
    }
    const PASS: StageEnd = done(Verdict::Pass, false);
    const NO: StageEnd = done(Verdict::Fail, false);
    const GREY: StageEnd = done(Verdict::Review, false);
    const FRAUD: StageEnd = done(Verdict::Fail, true);

    /// The endings `anycheck::` expects of the sandbox's pipelines.
    #[test]
    fn whole_runs_end_as_the_integration_tests_expect() {
        use VerificationStatus as V;
        let selfie = VerificationType::KtpSelfie;
        // Every stage passes.
        assert_eq!(
            run(selfie, true, |_| PASS),
            (V::Completed, Some(OutputStatus::Verified))
        );
        // A medium face match: a person looks at it.
        let grey = run(selfie, true, |k| if k == FaceMatch { GREY } else { PASS });
        assert_eq!(
            grey,
            (V::NeedReview, Some(OutputStatus::PartiallyNotVerified))
        );
        // An edited photo.
        let fraud = run(
            selfie,
            true,
            |k| {
                if k == FraudDetection { FRAUD } else { PASS }
            },
        );
        assert_eq!(fraud.0, V::FraudDetected);
        // Every service down.
        assert_eq!(run(selfie, true, |_| StageEnd::Failed), (V::Failed, None));
        // Face matching down: two of three completed.
        let partial = run(selfie, true, |k| {
            if k == FaceMatch {
                StageEnd::Failed
            } else {
                PASS
            }
        });
        assert_eq!(partial.0, V::PartiallyCompleted);
        // A PEP hit completes, not verified.
        assert_eq!(
            run(VerificationType::Pep, false, |_| NO),
            (V::Completed, Some(OutputStatus::NotVerified))
        );
        // KTP + PEP with the OCR down: both dependents skipped, nothing completed.
        let ktp_pep = VerificationType::KtpPep;
        let asked = std::cell::RefCell::new(Vec::new());
        let failed = run(ktp_pep, false, |k| {
            asked.borrow_mut().push(k);
            if k == Ocr { StageEnd::Failed } else { PASS }
        });
        assert_eq!(failed, (V::Failed, None));
        assert_eq!(*asked.borrow(), [Ocr], "skipped stages never run");
        // KTP + PEP with the OCR passing and the NIK check down: one of three failed.
        let one_down = run(ktp_pep, false, |k| {
            if k == NikCheck {
                StageEnd::Failed
            } else {
                PASS
            }
        });
        assert_eq!(one_down.0, V::PartiallyCompleted);
        // KTP + PEP with the OCR passing and one failing of two: most failed.
        let most_down = run(ktp_pep, true, |k| {
            if k == Ocr { PASS } else { StageEnd::Failed }
        });
        assert_eq!(most_down.0, V::PartiallyFailed);
    }
}
