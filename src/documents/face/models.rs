//! Where the face models are and whether they are usable.

use std::path::{Path, PathBuf};

/// The ResNet embedding model (22.5 MB) and the 5-point landmark model (9.2 MB) from
/// `face_recognition_models==0.3.0`, with their exact sizes (a truncated copy is refused before
/// dlib reads it).
pub const ENCODER_FILE: &str = "dlib_face_recognition_resnet_model_v1.dat";
pub const ENCODER_SIZE: u64 = 22_466_066;
pub const LANDMARKS_FILE: &str = "shape_predictor_5_face_landmarks.dat";
pub const LANDMARKS_SIZE: u64 = 9_150_489;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("face model {path} is missing: run scripts/setup.sh (or set SATYAPAN_MODELS_DIR)")]
    Missing { path: PathBuf },
    #[error("face model {path} is damaged: {reason}; delete it and run scripts/setup.sh")]
    Corrupt { path: PathBuf, reason: String },
    #[error("face match is not available in this build (built without the `documents` feature)")]
    NotInThisBuild,
}

/// `SATYAPAN_MODELS_DIR`, else `models/` (relative to the working directory).
pub fn default_dir() -> PathBuf {
    std::env::var_os("SATYAPAN_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// Fixed install locations searched after the configured directory.
pub const INSTALL_DIRS: &[&str] = &[
    "/usr/local/share/satyapan/models",
    "/usr/share/satyapan/models",
];

/// The directory to load the models from: `configured` when it exists (holding the models or
/// not: a directory given is the one meant, and its error is the one to show); else
/// `SATYAPAN_MODELS_DIR`; else `models/` beside the executable (or two levels up, as cargo
/// builds it into `target/<profile>/`); else a fixed install location ([`INSTALL_DIRS`]); else
/// the checkout this binary was built from (`<checkout>/models`). So a server started from
/// another working directory (`/`, a service manager's) still finds them. When none holds
/// them, `configured` (whose error then names it).
///
/// The models are looked up relative to the working directory otherwise: a server started
/// outside the checkout ran with face match dead.
pub fn resolve(configured: &Path) -> PathBuf {
    let usable = |d: &Path| ModelPaths::in_dir(d).check().is_ok();
    if configured.is_dir() {
        return configured.to_owned();
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(env) = std::env::var_os("SATYAPAN_MODELS_DIR") {
        candidates.push(PathBuf::from(env));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("models"));
        for up in dir.ancestors().skip(1).take(3) {
            candidates.push(up.join("models"));
        }
    }
    candidates.extend(INSTALL_DIRS.iter().map(PathBuf::from));
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
    candidates
        .into_iter()
        .find(|d| usable(d))
        .unwrap_or_else(|| configured.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    pub dir: PathBuf,
    pub encoder: PathBuf,
    pub landmarks: PathBuf,
}

impl ModelPaths {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            encoder: dir.join(ENCODER_FILE),
            landmarks: dir.join(LANDMARKS_FILE),
        }
    }

    /// Both files present with their expected sizes.
    pub fn check(&self) -> Result<(), ModelError> {
        for (path, size) in [
            (&self.encoder, ENCODER_SIZE),
            (&self.landmarks, LANDMARKS_SIZE),
        ] {
            let meta =
                std::fs::metadata(path).map_err(|_| ModelError::Missing { path: path.clone() })?;
            if meta.len() != size {
                return Err(ModelError::Corrupt {
                    path: path.clone(),
                    reason: format!("{} bytes where {size} are expected", meta.len()),
                });
            }
        }
        Ok(())
    }
}
