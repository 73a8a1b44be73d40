//! Document intelligence on the machine: KTP OCR into typed fields with a NIK cross-check,
//! card-to-selfie face match with dlib, image quality flags and fraud signals — no cloud service,
//! no model download at run time (see `docs/documents.md`). The C-library parts (Tesseract, dlib)
//! are behind the `documents` cargo feature (on by default); without it the services answer
//! "not available in this build".

pub mod face;
pub mod fraud;
pub mod imaging;
pub mod ocr;
pub mod service;
pub mod synth;

pub use service::{Documents, face_match, fraud_check, init, ocr_ktp};
