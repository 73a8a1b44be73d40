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
