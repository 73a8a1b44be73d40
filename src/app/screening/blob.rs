//! How a list version's entities are kept: JSON, gzip-compressed, one blob per version.

use std::io::{Read, Write};

use crate::app::{AppError, AppResult};
use crate::screening::model::Entity;
use crate::store::{StoreError, decode_json};

pub fn compress(entities: &[Entity]) -> AppResult<Vec<u8>> {
    let json = serde_json::to_vec(entities).map_err(AppError::internal)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json).map_err(AppError::internal)?;
    gz.finish().map_err(AppError::internal)
}

/// The entities of a stored version.
pub fn decompress(gz: &[u8]) -> Result<Vec<Entity>, StoreError> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| StoreError::Corrupt {
            what: "screening list entities",
            error: serde_json::Error::io(e),
        })?;
    decode_json("screening list entities", &text)
}
